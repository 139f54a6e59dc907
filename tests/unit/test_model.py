"""The CRNN models: shapes, sizes, float32 logits under mixed precision, no Lambda, safe_mode round trip."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from synthocr.training.model import build_model


@pytest.mark.parametrize(("name", "low", "high"), [("crnn", 1.7e6, 2.4e6), ("crnn-small", 3e5, 8e5)])
def test_output_is_31_frames_of_logits(name: str, low: float, high: float) -> None:
    model = build_model(name, num_classes=37)
    assert model.output_shape == (None, 31, 37)
    assert low < model.count_params() < high
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in model.layers)


def test_other_widths_give_width_over_4_minus_1_frames() -> None:
    assert build_model("crnn-small", 5, height=32, width=256).output_shape == (None, 63, 5)
    assert build_model("crnn-small", 5, height=48, width=100, channels=3).output_shape == (None, 24, 5)


def test_logits_stay_float32_under_mixed_precision() -> None:
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = build_model("crnn-small", 9)
    finally:
        keras.config.set_dtype_policy(previous)
    assert model.get_layer("logits").dtype_policy.compute_dtype == "float32"
    assert model.get_layer("block1_conv").dtype_policy.compute_dtype == "float16"


def test_save_and_load_with_safe_mode_predicts_the_same(tmp_path) -> None:
    model = build_model("crnn-small", 7)
    model.compile(optimizer="adam", loss=keras.losses.CTC())
    images = np.random.default_rng(1).random((2, 32, 128, 1)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-5)
