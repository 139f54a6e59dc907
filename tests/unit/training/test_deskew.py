"""Reading turned words: the turn found from a crop's edges, the band cut upright, the views read."""

from __future__ import annotations

import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import cv2
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image, ImageDraw, ImageFont

from synthocr.training.deskew import CANDIDATE_TURNS, best_turn, deskewed, turn_scores, upright_view
from synthocr.training.pipeline import ImageSpec, preprocess_image
from synthocr.training.widths import preprocess_at_widths

FONT = Path(__file__).resolve().parents[3] / "fonts" / "DejaVuSans-Bold.ttf"


def _word(text: str = "SHOPPING") -> Image.Image:
    """A level word, dark on light, cut close to its ink."""
    font = ImageFont.truetype(str(FONT), 40)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 8, bottom - top + 8), 235)
    ImageDraw.Draw(image).text((4 - left, 4 - top), text, font=font, fill=30)
    return image


def _turned_crop(degrees: float) -> np.ndarray:
    """The word turned counter-clockwise by `degrees` and cropped by the upright box around it, as a detector's
    axis-aligned box crops a slanted word."""
    turned = _word().rotate(degrees, expand=True, resample=Image.BILINEAR, fillcolor=235)
    return np.asarray(turned)


@pytest.mark.parametrize("degrees", [20, -20, 12, -30])
def test_the_turn_that_sets_a_turned_word_level_is_found(degrees: int) -> None:
    assert abs(best_turn(_turned_crop(degrees)) - -degrees) <= 3  # turning it back: the other way


def test_a_level_word_scores_highest_level() -> None:
    scores = turn_scores(np.asarray(_word()))
    assert scores[0] > max(scores[d] for d in CANDIDATE_TURNS)
    assert set(scores) == {0, *CANDIDATE_TURNS} and 0 not in CANDIDATE_TURNS


def _likeness(image: np.ndarray, word: np.ndarray) -> float:
    """Correlation of `image`, resized to the level word's size, with the level word."""
    resized = cv2.resize(image.astype(np.float32), (word.shape[1], word.shape[0]), interpolation=cv2.INTER_AREA)
    return float(np.corrcoef(resized.ravel(), word.astype(np.float32).ravel())[0, 1])


@pytest.mark.parametrize("degrees", [20, -30])
def test_the_upright_view_is_the_word_level_and_cut_to_its_band(degrees: int) -> None:
    word = np.asarray(_word())
    crop = _turned_crop(degrees)
    view = upright_view(crop, best_turn(crop))
    assert view is not None
    # The band has about the word's own proportions, far from the turned crop's.
    assert abs(view.shape[1] / view.shape[0] - word.shape[1] / word.shape[0]) < 0.25 * word.shape[1] / word.shape[0]
    assert crop.shape[1] / crop.shape[0] < 0.6 * word.shape[1] / word.shape[0]
    # It looks like the level word; the turned crop does not.
    assert _likeness(view, word) > 0.6 > 0.3 > _likeness(crop, word)
    assert upright_view(crop, 0) is crop


def test_a_turn_too_steep_for_the_box_has_no_view() -> None:
    square = np.full((40, 40), 200, np.uint8)
    assert upright_view(square, 45) is None
    assert upright_view(np.full((10, 200), 200, np.uint8), 30) is None  # a thin strip holds no band at 30 degrees


def test_deskewed_bytes_are_the_upright_view_or_the_input_when_unreadable() -> None:
    ok, png = cv2.imencode(".png", _turned_crop(20))
    assert ok
    view, degrees = deskewed(png.tobytes())
    assert abs(degrees + 20) <= 3
    decoded = cv2.imdecode(np.frombuffer(view, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert decoded.shape[1] / decoded.shape[0] > 2 * png_aspect(png)
    assert deskewed(b"not an image") == (b"not an image", 0)


def png_aspect(png: np.ndarray) -> float:
    image = cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)
    return image.shape[1] / image.shape[0]


def test_deskew_adds_the_turned_view_after_the_widths() -> None:
    buffer = io.BytesIO()
    Image.fromarray(_turned_crop(20)).save(buffer, format="PNG")
    encoded = tf.constant(buffer.getvalue())
    views = preprocess_at_widths(encoded, ImageSpec(), (1.0, 0.8), deskew=True)[0].numpy()
    assert views.shape == (4, 32, 128, 1)
    np.testing.assert_array_equal(views[:2], preprocess_at_widths(encoded, ImageSpec(), (1.0, 0.8))[0].numpy())
    np.testing.assert_array_equal(views[0], preprocess_image(encoded, ImageSpec()).numpy())
    inked = [int((v < 0.5).any(axis=0).sum()) for v in views]  # columns with ink: the level word is longer
    assert inked[2] > 1.3 * inked[0]
