"""Reading words turned inside an upright crop: the turn from the crop's own edges, the word cut out upright.

Incidental scene words (ICDAR 2015's) are often written at 10-30 degrees, and a crop that is an
upright box around such a word shows it diagonally. A recogniser trained on mostly level words
misreads it. `--deskew` reads every image twice: as it is, and turned by the angle its edges say
would set the text level, cut to the band the word then fills; the more confident reading is kept
(as `--widths` keeps the most confident of its widths).

The angle: the edge magnitude of the crop is turned by each candidate angle (every 3 degrees up to
45 either way) and summed along its rows. Turned the right way, the word's edges gather in a few
rows and the rest are empty, so the row profile's variance (relative to its mean) peaks. No model
is involved, so the estimate costs a few milliseconds on a CPU and works for any recogniser; the
kept reading is the model's choice between the two views. On our real development sets this took
a `default.yaml` model from 33.8% to 37.7% on IC15 and from 81.0% to 82.1% on IIIT5K; with the
five widths of `--widths` as well (ten passes), to 42.5% and 84.9% (README, docs/real-data.md).
Reading turns of 90 degrees (vertical words) the same way made it worse: the model reads a turned
crop of anything confidently, so they are not candidates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MAX_TURN = 45  # degrees either way
TURN_STEP = 3
CANDIDATE_TURNS = tuple(a for a in range(-MAX_TURN, MAX_TURN + 1, TURN_STEP) if a != 0)
_PROFILE_HEIGHT = 48  # the crop is scaled to this height (twice it for tall crops) before its edges are measured
_MIN_SIDE = 4  # pixels: a band thinner or shorter than this is no view


def _turned(image: np.ndarray, degrees: float, border: int, value: float = 0.0) -> np.ndarray:
    """`image` turned counter-clockwise by `degrees` about its centre, on a canvas that holds all of it."""
    import cv2

    height, width = image.shape[:2]
    t = math.radians(abs(degrees))
    cos, sin = math.cos(t), math.sin(t)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    new_width, new_height = int(math.ceil(width * cos + height * sin)), int(math.ceil(width * sin + height * cos))
    matrix[0, 2] += new_width / 2 - width / 2
    matrix[1, 2] += new_height / 2 - height / 2
    return cv2.warpAffine(image, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=value)


def turn_scores(gray: np.ndarray) -> dict[int, float]:
    """How level the text would be turned by each angle (0 and `CANDIDATE_TURNS`): its row-profile variance.

    The profile is the mean edge magnitude along each row of the turned crop (rows the crop covers
    for at least a quarter of its widest row), its variance divided by its squared mean.
    """
    import cv2

    height, width = gray.shape[:2]
    scale = (_PROFILE_HEIGHT if height <= width else 2 * _PROFILE_HEIGHT) / max(height, 1)
    small = cv2.resize(gray.astype(np.float32), (max(8, round(width * scale)), max(8, round(height * scale))),
                       interpolation=cv2.INTER_AREA)
    edges = np.abs(cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)) + np.abs(cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3))
    covered = np.ones_like(edges)
    scores = {}
    for degrees in (0, *CANDIDATE_TURNS):
        rows = _turned(edges, degrees, cv2.BORDER_CONSTANT).sum(axis=1)
        cover = _turned(covered, degrees, cv2.BORDER_CONSTANT).sum(axis=1)
        keep = cover > 0.25 * cover.max()
        if keep.sum() < 3:
            scores[degrees] = 0.0
            continue
        density, weight = rows[keep] / cover[keep], cover[keep]
        mean = float((density * weight).sum() / weight.sum())
        scores[degrees] = float(((density - mean) ** 2 * weight).sum() / weight.sum()) / (mean * mean + 1e-6)
    return scores


def best_turn(gray: np.ndarray) -> int:
    """The turn other than none (degrees, counter-clockwise) that the edges favour most: the second view to read.

    The first view, the image as it is, is always read too, so this is the best alternative to it even
    where the image is level already (the model's confidence then keeps the first).
    """
    scores = turn_scores(gray)
    return max(CANDIDATE_TURNS, key=lambda degrees: (scores[degrees], -abs(degrees)))


def upright_view(image: np.ndarray, degrees: float) -> np.ndarray | None:
    """The image turned by `degrees` and cut to the band a word that filled the upright box diagonally
    would fill: the largest level rectangle of the word's slope inside the turned box. None when the
    turn is too steep for the box (no band of at least 4 x 4 pixels)."""
    import cv2

    if degrees == 0:
        return image
    height, width = image.shape[:2]
    t = math.radians(abs(degrees))
    cos, sin = math.cos(t), math.sin(t)
    cos2 = cos * cos - sin * sin
    if cos2 <= 0.05:
        return None
    band_width, band_height = (width * cos - height * sin) / cos2, (height * cos - width * sin) / cos2
    if band_width < _MIN_SIDE or band_height < _MIN_SIDE:
        return None
    turned = _turned(image, degrees, cv2.BORDER_REPLICATE)
    canvas_height, canvas_width = turned.shape[:2]
    x0, y0 = round(canvas_width / 2 - band_width / 2), round(canvas_height / 2 - band_height / 2)
    return turned[max(0, y0) : y0 + round(band_height), max(0, x0) : x0 + round(band_width)]


def deskewed(encoded: bytes) -> tuple[bytes, int]:
    """(PNG bytes of the image turned by its `best_turn` and cut upright, the turn in degrees); the bytes
    as given and 0 when OpenCV cannot decode them or no band fits."""
    import cv2

    image = cv2.imdecode(np.frombuffer(encoded, np.uint8), cv2.IMREAD_COLOR)
    if image is None or min(image.shape[:2]) < _MIN_SIDE:
        return encoded, 0
    degrees = best_turn(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    view = upright_view(image, degrees)
    if view is None or min(view.shape[:2]) < _MIN_SIDE:
        return encoded, 0
    ok, png = cv2.imencode(".png", view)
    return (png.tobytes(), degrees) if ok else (encoded, 0)


def deskewed_tensor(encoded: Any) -> tuple[Any, Any]:
    """`deskewed` inside a tf.data map: encoded bytes (a scalar string tensor) -> (the turned view's bytes,
    the turn in degrees as an int32 scalar)."""
    import tensorflow as tf

    def turn(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # The string arrives as a 0-d array (`bytes(array)` would be its buffer, not the string) and leaves as one.
        view, degrees = deskewed(np.asarray(data).item())
        return np.asarray(view, dtype=object), np.int32(degrees)

    view, degrees = tf.numpy_function(turn, [encoded], (tf.string, tf.int32), stateful=False)
    view.set_shape(())
    degrees.set_shape(())
    return view, degrees
