"""The input pipeline: preprocess_image (bytes -> a fixed-size float image, at the model height, padded or
squeezed), the label encoder, the record features, the frame count of the spec."""

from __future__ import annotations

import io
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from synthocr.training.charset import Charset
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


def test_stretch_fills_the_width_whatever_the_aspect_ratio() -> None:
    array = np.full((32, 40), 255, np.uint8)
    array[:, :20] = 0  # left half black, right half white
    out = preprocess_image(_png(array), ImageSpec(resize="stretch")).numpy()[..., 0]
    assert out.shape == (32, 128)
    np.testing.assert_allclose(out[:, :60], 0.0, atol=1e-6)  # the black half now spans 64 columns
    np.testing.assert_allclose(out[:, 68:], 1.0, atol=1e-6)
    wide = preprocess_image(_png(np.zeros((16, 400), np.uint8)), ImageSpec(resize="stretch")).numpy()
    assert wide.shape == (32, 128, 1)


def test_label_encoder_pads_and_flags_unusable_labels() -> None:
    from synthocr.training.pipeline import LabelEncoder

    encoder = LabelEncoder(Charset("abl"), time_steps=5)
    ids, status = encoder(tf.constant("ball"))
    assert ids.numpy().tolist() == [2, 1, 3, 3, 0]
    assert int(status) == 0
    assert int(encoder(tf.constant("balls"))[1]) == 1  # 's' is not in the charset
    assert int(encoder(tf.constant("aaa"))[1]) == 0  # a-a-a: 3 characters + 2 blanks = exactly 5 frames
    assert int(encoder(tf.constant("aaab"))[1]) == 2  # 4 characters + 2 blanks > 5 frames


def test_a_batch_of_labels_encodes_as_each_one_alone() -> None:
    from synthocr.training.pipeline import LabelEncoder, SkipCounter

    encoder = LabelEncoder(Charset("abl"), time_steps=5)
    texts = ["ball", "balls", "aaa", "aaab", "", "l", "bé"]
    ids, status = encoder.encode_batch(tf.constant(texts))
    assert status.numpy().tolist() == [0, 1, 0, 2, 2, 0, 1]
    for i, text in enumerate(texts):
        one_ids, one_status = encoder(tf.constant(text))
        assert ids[i].numpy().tolist() == one_ids.numpy().tolist()
        assert int(one_status) == int(status[i])
    skips = SkipCounter()
    assert skips.record(status).numpy().tolist() == [True, False, True, False, False, True, False]
    assert (skips.seen, skips.counts()) == (7, {"unknown_character": 2, "too_long": 2})


def test_records_are_parsed_with_the_byte_keys_records_declares() -> None:
    from synthocr.dataset.records import BYTES_KEYS
    from synthocr.training.pipeline import _FEATURES

    assert tuple(_FEATURES) == BYTES_KEYS


def test_the_spec_asks_its_model_family_for_the_frames() -> None:
    assert [ImageSpec(width=w).time_steps for w in (128, 256)] == [31, 63]
    assert ImageSpec(32, 128, 1, "crnn-small").time_steps == 31


def test_a_width_factor_scales_the_word_before_the_pad() -> None:
    array = np.full((32, 40), 255, np.uint8)
    array[:, :20] = 0  # left half black
    wider = preprocess_image(_png(array), ImageSpec(), tf.constant(1.5)).numpy()[..., 0]
    narrower = preprocess_image(_png(array), ImageSpec(), tf.constant(0.5)).numpy()[..., 0]
    np.testing.assert_allclose(wider[:, :29], 0.0, atol=1e-6)  # 20 black columns became 30
    np.testing.assert_allclose(wider[:, 31:], 1.0, atol=1e-6)  # then white, and the white pad
    np.testing.assert_allclose(narrower[:, :9], 0.0, atol=1e-6)  # 10 black columns
    np.testing.assert_allclose(narrower[:, 11:], 1.0, atol=1e-6)
    squeezed = preprocess_image(_png(np.zeros((32, 120), np.uint8)), ImageSpec(), tf.constant(2.0)).numpy()
    assert squeezed.shape == (32, 128, 1)  # past the model width it is squeezed, as a wide word is


def _shard(path: Path, array: np.ndarray, text: str) -> str:
    from synthocr.dataset.records import Record, encode_example

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    record = Record("0", buffer.getvalue(), "png", array.shape[0], array.shape[1], text, "f", "synth", 0)
    with tf.io.TFRecordWriter(str(path)) as writer:
        writer.write(encode_example(record))
    return str(path)


def _dark_columns(images: np.ndarray) -> list[int]:
    return [int((image[16, :, 0] < 0.5).sum()) for image in images]


def test_width_jitter_draws_a_new_width_each_time_a_record_is_read(tmp_path: Path) -> None:
    from synthocr.training.pipeline import SkipCounter, WeightedSource, training_dataset

    array = np.full((32, 40), 255, np.uint8)
    array[:, :20] = 0
    files = (_shard(tmp_path / "a.tfrecord", array, "ab"),)
    args = ([WeightedSource(files)], Charset("ab"), ImageSpec(), 16, 10, 0, SkipCounter())
    plain, _ = next(iter(training_dataset(*args)))
    jittered, labels = next(iter(training_dataset(*args, width_jitter=(0.7, 1.4))))
    assert set(_dark_columns(plain.numpy())) == {20}
    widths = _dark_columns(jittered.numpy())
    assert len(set(widths)) > 3 and min(widths) >= 13 and max(widths) <= 29  # 20 x [0.7, 1.4], rounded
    assert labels.numpy()[0].tolist()[:2] == [1, 2]  # the label is the word's whatever its width
