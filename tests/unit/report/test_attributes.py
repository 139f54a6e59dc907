"""Attribute functions on small synthetic arrays with known answers."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from synthocr.report.attributes import (
    ATTRIBUTE_COLUMNS,
    attributes_of,
    case_class,
    colourfulness,
    decode_rgb,
    image_attributes,
    noise_sigma,
    sample_attributes,
    sharpness,
    text_attributes,
)


def _word_like(height: int = 32, width: int = 96) -> np.ndarray:
    """Dark vertical strokes on a light ground, as uint8 grey."""
    image = np.full((height, width), 220, dtype=np.uint8)
    for x in range(8, width - 8, 12):
        image[6:height - 6, x:x + 4] = 30
    return image


def test_blurred_image_is_less_sharp_than_its_original():
    original = _word_like()
    blurred = cv2.GaussianBlur(original, (7, 7), 2.0)
    assert image_attributes(blurred)["image_sharpness"] < 0.5 * image_attributes(original)["image_sharpness"]
    assert sharpness(np.full((8, 8), 100.0)) == 0.0


def test_low_contrast_image_has_lower_contrast():
    original = _word_like().astype(np.float64)
    faded = (128 + (original - 128) * 0.2).astype(np.uint8)
    high, low = image_attributes(original.astype(np.uint8)), image_attributes(faded)
    assert low["image_contrast"] == pytest.approx(0.2 * high["image_contrast"], rel=0.05)
    assert image_attributes(np.full((32, 32), 90, np.uint8))["image_contrast"] == 0.0


def test_brightness_width_height_aspect():
    image = np.full((20, 80, 3), 60, dtype=np.uint8)
    attributes = image_attributes(image)
    assert (attributes["image_width"], attributes["image_height"], attributes["image_aspect"]) == (80, 20, 4.0)
    assert attributes["image_brightness"] == pytest.approx(60.0)


def test_colourfulness_grey_is_zero_and_colour_is_not():
    assert colourfulness(np.dstack([_word_like()] * 3)) == 0.0
    stripes = np.zeros((32, 64, 3), dtype=np.uint8)
    stripes[:, ::2] = (255, 0, 0)
    stripes[:, 1::2] = (0, 0, 255)
    assert colourfulness(stripes) > 100


def test_noise_estimate_follows_added_noise():
    rng = np.random.default_rng(3)
    clean = _word_like().astype(np.float64)
    slight = noise_sigma(clean + rng.normal(0, 3, clean.shape))
    heavy = noise_sigma(clean + rng.normal(0, 15, clean.shape))
    assert slight < heavy
    flat = np.full((32, 64), 128.0)
    assert noise_sigma(flat + rng.normal(0, 8, flat.shape)) == pytest.approx(8, rel=0.15)


def test_measured_at_model_height_whatever_the_scan_size():
    small = _word_like(32, 96)
    large = cv2.resize(small, (384, 128), interpolation=cv2.INTER_NEAREST)
    a, b = image_attributes(small), image_attributes(large)
    assert b["image_height"] == 128 and b["image_aspect"] == pytest.approx(a["image_aspect"])
    assert b["image_contrast"] == pytest.approx(a["image_contrast"], rel=0.1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("hello", "lower"), ("HELLO", "upper"), ("Hello", "title"), ("New York", "title"), ("eBay", "mixed"),
     ("2024", "none"), ("--", "none"), ("CAFÉ", "upper")],
)
def test_case_class(text, expected):
    assert case_class(text) == expected


def test_text_attributes():
    assert text_attributes("Route66") == {"text_length": 7, "text_case": "title", "text_has_digits": True}
    assert text_attributes("exit")["text_has_digits"] is False


def test_sample_attributes_from_png_bytes_and_undecodable_bytes():
    ok, png = cv2.imencode(".png", _word_like())
    assert ok
    attributes = sample_attributes(png.tobytes(), "ABC")
    assert set(attributes) == set(ATTRIBUTE_COLUMNS)
    assert attributes["image_width"] == 96 and attributes["text_case"] == "upper"
    assert decode_rgb(b"not an image") is None
    broken = sample_attributes(b"not an image", "abc")
    assert broken["image_sharpness"] is None and broken["text_length"] == 3


def test_char_width_is_the_aspect_per_character_and_missing_without_text_or_image():
    wide = attributes_of(np.full((32, 96), 255, np.uint8), "ABC")   # 96 / 32 / 3 characters
    narrow = attributes_of(np.full((32, 96), 255, np.uint8), "ABCDEFGH")
    assert wide["image_char_width"] == 1.0 and narrow["image_char_width"] == 0.375
    assert attributes_of(np.full((32, 96), 255, np.uint8), "")["image_char_width"] is None
    assert attributes_of(None, "ABC")["image_char_width"] is None
    assert set(wide) == set(ATTRIBUTE_COLUMNS)
