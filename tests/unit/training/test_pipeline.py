"""preprocess_image: bytes -> a fixed-size float image, at the model height, padded or squeezed."""

from __future__ import annotations

import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from synthocr.training.pipeline import ImageSpec, preprocess_image


def _png(array: np.ndarray) -> tf.Tensor:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return tf.constant(buffer.getvalue())


def _reference(array: np.ndarray, spec: ImageSpec) -> np.ndarray:
    """The always-resample path: what every image went through before the at-height shortcut."""
    image = tf.image.convert_image_dtype(tf.constant(array[..., None]), tf.float32)
    width = min(spec.width, max(1, round(array.shape[1] * spec.height / array.shape[0])))
    image = tf.clip_by_value(tf.image.resize(image, (spec.height, width), antialias=True), 0.0, 1.0).numpy()
    fill = image[:, -1:, :].mean()
    return np.concatenate([image, np.full((spec.height, spec.width - width, 1), fill, np.float32)], axis=1)


@pytest.mark.parametrize("shape", [(32, 57), (32, 128), (48, 90), (32, 300), (20, 40)])
def test_matches_the_resampling_path_at_any_size(shape: tuple[int, int]) -> None:
    spec = ImageSpec()
    array = np.random.default_rng(sum(shape)).integers(0, 256, size=shape, dtype=np.uint8)
    out = preprocess_image(_png(array), spec).numpy()
    assert out.shape == (32, 128, 1)
    np.testing.assert_allclose(out, _reference(array, spec), atol=1e-5)


def test_an_image_at_the_model_height_keeps_its_pixels_and_is_padded_with_its_last_column() -> None:
    array = np.full((32, 40), 200, np.uint8)
    array[:, 10:20] = 0
    out = preprocess_image(_png(array), ImageSpec()).numpy()[..., 0]
    np.testing.assert_allclose(out[:, :40], array / 255.0, atol=1e-6)
    np.testing.assert_allclose(out[:, 40:], 200 / 255.0, atol=1e-6)
