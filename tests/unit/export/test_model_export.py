"""The graph `export-model` converts: float32 throughout, LSTMs unrolled for TFLite, same outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def test_a_mixed_precision_model_is_rebuilt_in_float32_and_unrolled() -> None:
    import keras

    from synthocr.export.model_export import export_graph
    from synthocr.training.models import build_model

    keras.utils.set_random_seed(1)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = build_model("crnn-small", 7, width=64)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert model.get_layer("block1_conv").dtype_policy.name == "mixed_float16"
    graph = export_graph(model, unroll=True)
    assert {layer.dtype_policy.name for layer in graph.layers} == {"float32"}
    lstm = graph.get_layer("bilstm1")
    assert lstm.forward_layer.unroll and lstm.backward_layer.unroll
    x = np.random.default_rng(0).random((2, 32, 64, 1), dtype=np.float32)
    expected = np.asarray(model(x, training=False), dtype=np.float32)
    np.testing.assert_allclose(np.asarray(graph(x, training=False)), expected, atol=2e-2)  # float16 vs float32
    assert graph.output_shape == model.output_shape == (None, 15, 7)


def test_the_metadata_holds_the_charset_the_input_and_the_frames() -> None:
    from synthocr.export.model_export import model_metadata, sidecar_path

    meta = model_metadata("abc", 32, 128, 1, 31, "run/model.keras")
    assert meta["format"] == "synthocr-recognizer" and meta["charset"] == "abc"
    assert (meta["input"]["height"], meta["input"]["width"], meta["input"]["channels"]) == (32, 128, 1)
    assert meta["output"] == {"name": "logits", "frames": 31, "classes": 4}
    assert sidecar_path(Path("a/m.tflite")) == Path("a/m.tflite.json")
    assert meta["input"]["resize"] == "pad"
    assert model_metadata("abc", 32, 128, 1, 31, "m", resize="stretch")["input"]["resize"] == "stretch"


def test_a_runtime_reads_the_resize_mode_and_names_a_bad_one() -> None:
    import pytest

    from synthocr.errors import UserError
    from synthocr.export.runtime import _resize_mode

    assert _resize_mode({"resize": "stretch"}, "m.onnx") == "stretch"
    assert _resize_mode({}, "m.onnx") == "pad"
    old = "to height keeping aspect, then right-padded with the last column's mean (or squeezed to width)"
    assert _resize_mode({"resize": old}, "m.onnx") == "pad"  # exported before the mode had a name
    with pytest.raises(UserError) as caught:
        _resize_mode({"resize": "squash"}, "m.onnx")
    assert str(caught.value) == "m.onnx: metadata input.resize is 'squash'; expected 'pad' or 'stretch'"
