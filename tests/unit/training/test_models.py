"""The CRNN models: shapes, sizes, float32 logits under mixed precision, no Lambda, safe_mode round trip."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from synthocr.training.models import build_model


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
    # The LSTMs follow the policy under TensorFlow; under JAX they stay float32 (test_backends.py).
    expected_lstm = "float16" if keras.backend.backend() == "tensorflow" else "float32"
    assert model.get_layer("bilstm1").dtype_policy.compute_dtype == expected_lstm


def test_save_and_load_with_safe_mode_predicts_the_same(tmp_path) -> None:
    model = build_model("crnn-small", 7)
    model.compile(optimizer="adam", loss=keras.losses.CTC())
    images = np.random.default_rng(1).random((2, 32, 128, 1)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-5)


def _tiny_family():  # type: ignore[no-untyped-def]
    """A test family with its own geometry: one frame per 8 pixels, widths in multiples of 8."""
    from synthocr.training.models import ModelFamily

    def build(num_classes: int, height: int, width: int, channels: int) -> keras.Model:
        image = keras.Input((height, width, channels), name="image")
        x = keras.layers.AveragePooling2D((height, 8), name="pool")(image)
        x = keras.layers.Reshape((width // 8, channels), name="to_sequence")(x)
        return keras.Model(image, keras.layers.Dense(num_classes, dtype="float32", name="logits")(x), name="tiny")

    return ModelFamily("tiny", "a test family", build=build, frames=lambda width: width // 8,
                       check_input=lambda height, width: None if width % 8 == 0 else f"width {width} must be a multiple of 8")


def test_a_registered_family_gives_its_frame_count_to_the_config_and_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    from synthocr.training import models
    from synthocr.training.config import TrainConfig
    from synthocr.training.pipeline import ImageSpec

    monkeypatch.setitem(models.FAMILIES, "tiny", _tiny_family())
    config = TrainConfig(model="tiny", width=256)
    assert config.time_steps == 32
    assert ImageSpec(32, 256, 1, "tiny").time_steps == 32
    assert models.build_model("tiny", 7, width=256).output_shape == (None, 32, 7)
    with pytest.raises(ValueError, match="width 260 must be a multiple of 8"):
        TrainConfig(model="tiny", width=260)


def test_the_crnn_families_count_width_over_4_minus_1_frames() -> None:
    from synthocr.training.models import FAMILIES, frame_count, model_family

    assert sorted(FAMILIES) == ["crnn", "crnn-small"]
    assert [frame_count(name, 128) for name in FAMILIES] == [31, 31]
    assert frame_count("crnn", 256) == 63
    with pytest.raises(ValueError, match="unknown model 'nope'; known: crnn, crnn-small"):
        model_family("nope")

