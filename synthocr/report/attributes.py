"""Image and text attributes of one sample, from its pixels and its label alone (NumPy + OpenCV, no TensorFlow).

They exist for real crops as much as for synthetic samples, which is what lets a report group
real images (which carry no font) and lets `gap` compare a synthetic dataset with real data.

Image attributes (`image_*`):
- `image_width`, `image_height`, `image_aspect` (width / height): of the image as stored.
- `image_brightness`: mean grey level, 0-255 (at the measuring height too, which keeps the mean).
- `image_contrast`: RMS contrast, the standard deviation of the grey levels, 0-255.
- `image_sharpness`: variance of the Laplacian of the grey image (high: crisp edges, low: blur).
- `image_colourfulness`: Hasler and Suesstrunk (2003), with rg = R - G, yb = (R + G) / 2 - B:
  sqrt(std(rg)^2 + std(yb)^2) + 0.3 sqrt(mean(rg)^2 + mean(yb)^2); 0 for a grey image.
- `image_noise`: Immerkaer's (1996) estimate of the standard deviation of Gaussian noise:
  sqrt(pi / 2) / (6 (W - 2) (H - 2)) * sum |I * N| with N = [[1, -2, 1], [-2, 4, -2], [1, -2, 1]],
  a kernel that cancels smooth image structure and keeps pixel-level noise.
- `image_char_width`: `image_aspect` over `text_length`, the width of one character in crop
  heights (about 0.55 for plain lower case with margins; 0.3 for condensed or foreshortened
  letters). It needs the label, so `image_attributes` leaves it out and `attributes_of` adds it.

Contrast, sharpness, colourfulness and noise are measured after scaling the image to
`MEASURE_HEIGHT` pixels (the model's input height), keeping its aspect ratio: the model sees
every crop at that height, and a 200-pixel-high scan and a 32-pixel render are only comparable
there (sharpness and noise depend on the scale).

Text attributes (`text_*`): `text_length` (characters), `text_case` (`lower`, `upper`, `title`,
`mixed`, or `none` when there is no cased letter) and `text_has_digits`.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

MEASURE_HEIGHT = 32
PIXEL_ATTRIBUTES = (
    "image_width", "image_height", "image_aspect", "image_brightness", "image_contrast", "image_sharpness",
    "image_colourfulness", "image_noise",
)
CHAR_WIDTH = "image_char_width"
IMAGE_ATTRIBUTES = PIXEL_ATTRIBUTES + (CHAR_WIDTH,)
TEXT_ATTRIBUTES = ("text_length", "text_case", "text_has_digits")
ATTRIBUTE_COLUMNS = IMAGE_ATTRIBUTES + TEXT_ATTRIBUTES
NUMERIC_ATTRIBUTES = IMAGE_ATTRIBUTES + ("text_length",)
CASE_CLASSES = ("lower", "upper", "title", "mixed", "none")
_NOISE_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float64)


def _as_rgb(image: np.ndarray) -> np.ndarray:
    """H x W, H x W x 1, H x W x 3 or H x W x 4 (alpha dropped) as H x W x 3 float64."""
    array = np.asarray(image)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected an H x W or H x W x C image with C in 1, 3, 4; got shape {array.shape}")
    array = array[:, :, :3].astype(np.float64)
    return np.repeat(array, 3, axis=2) if array.shape[2] == 1 else array


def grey(image: np.ndarray) -> np.ndarray:
    """The grey levels (ITU-R 601 luma, as OpenCV weighs R, G, B) of an RGB or grey image, float64.

    >>> grey(np.full((2, 2, 3), [255, 0, 0], dtype=np.uint8))[0, 0].round(2)
    np.float64(76.24)
    """
    rgb = _as_rgb(image)
    return rgb @ np.array([0.299, 0.587, 0.114])


def at_measure_height(image: np.ndarray, height: int = MEASURE_HEIGHT) -> np.ndarray:
    """The image scaled to `height` rows, aspect ratio kept (area averaging when shrinking)."""
    rows, cols = image.shape[:2]
    if rows == height:
        return image
    new_cols = max(1, round(cols * height / max(1, rows)))
    interpolation = cv2.INTER_AREA if rows > height else cv2.INTER_LINEAR
    source = image if image.dtype in (np.uint8, np.float32) else image.astype(np.float32)
    return cv2.resize(source, (new_cols, height), interpolation=interpolation)


def sharpness(grey_image: np.ndarray) -> float:
    """Variance of the Laplacian: a blurred image scores lower than its original.

    >>> edge = np.zeros((32, 32)); edge[:, 16:] = 255
    >>> sharpness(edge) > sharpness(cv2.GaussianBlur(edge, (7, 7), 2))
    True
    """
    return float(cv2.Laplacian(np.asarray(grey_image, dtype=np.float64), cv2.CV_64F).var())


def colourfulness(image: np.ndarray) -> float:
    """Hasler and Suesstrunk's colourfulness of an RGB image (0 for grey).

    >>> colourfulness(np.full((4, 4, 3), 128, dtype=np.uint8))
    0.0
    >>> colourfulness(np.dstack([np.full((4, 4), 255), np.zeros((4, 4)), np.zeros((4, 4))]))
    85.5296
    """
    rgb = _as_rgb(image)
    red, green, blue = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    rg = red - green
    yb = 0.5 * (red + green) - blue
    spread = math.hypot(float(rg.std()), float(yb.std()))
    centre = math.hypot(float(rg.mean()), float(yb.mean()))
    return round(spread + 0.3 * centre, 6)


def noise_sigma(grey_image: np.ndarray) -> float:
    """Immerkaer's estimate of the Gaussian noise standard deviation (0 for images under 3 x 3).

    >>> flat = np.full((32, 64), 128.0)
    >>> noise_sigma(flat)
    0.0
    >>> noisy = flat + np.random.default_rng(0).normal(0, 10, flat.shape)
    >>> 9 < noise_sigma(noisy) < 11
    True
    """
    image = np.asarray(grey_image, dtype=np.float64)
    rows, cols = image.shape[:2]
    if rows < 3 or cols < 3:
        return 0.0
    response = cv2.filter2D(image, cv2.CV_64F, _NOISE_KERNEL, borderType=cv2.BORDER_REFLECT)[1:-1, 1:-1]
    return float(math.sqrt(math.pi / 2) * np.abs(response).sum() / (6 * (cols - 2) * (rows - 2)))


def image_attributes(image: np.ndarray) -> dict[str, float]:
    """The `image_*` attributes of an RGB (H x W x 3) or grey (H x W) image with values 0-255, but
    `image_char_width`, which needs the label (`attributes_of`).

    >>> a = image_attributes(np.full((16, 64), 200, dtype=np.uint8))
    >>> a["image_aspect"], a["image_brightness"], a["image_contrast"], a["image_sharpness"]
    (4.0, 200.0, 0.0, 0.0)
    """
    array = np.asarray(image)
    rows, cols = array.shape[:2]
    scaled = _as_rgb(at_measure_height(array))  # scaled first: a large scan costs no more than a small crop
    luma = grey(scaled)
    return {
        "image_width": int(cols),
        "image_height": int(rows),
        "image_aspect": round(cols / max(1, rows), 6),
        "image_brightness": round(float(luma.mean()), 4),
        "image_contrast": round(float(luma.std()), 4),
        "image_sharpness": round(sharpness(luma), 4),
        "image_colourfulness": colourfulness(scaled),
        "image_noise": round(noise_sigma(luma), 4),
    }


def decode_rgb(encoded: bytes) -> np.ndarray | None:
    """PNG/JPEG/BMP bytes as an RGB uint8 array, or None when OpenCV cannot decode them."""
    buffer = np.frombuffer(encoded, dtype=np.uint8)
    bgr = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None
    return None if bgr is None else bgr[:, :, ::-1]


def case_class(text: str) -> str:
    """`lower`, `upper`, `title` (each word capitalised), `mixed`, or `none` (no cased letter).

    >>> [case_class(t) for t in ("hello", "HELLO", "Hello", "Hello World", "iPhone", "42-7", "A")]
    ['lower', 'upper', 'title', 'title', 'mixed', 'none', 'upper']
    """
    if text.isupper():
        return "upper"
    if text.islower():
        return "lower"
    if text.istitle():
        return "title"
    if any(c.isupper() or c.islower() for c in text):
        return "mixed"
    return "none"


def text_attributes(text: str) -> dict[str, Any]:
    """The `text_*` attributes of a label.

    >>> text_attributes("EXIT2")
    {'text_length': 5, 'text_case': 'upper', 'text_has_digits': True}
    """
    return {
        "text_length": len(text),
        "text_case": case_class(text),
        "text_has_digits": any(c.isdigit() for c in text),
    }


def attributes_of(rgb: np.ndarray | None, text: str) -> dict[str, Any]:
    """Every attribute of a decoded image (None: image attributes missing) and its label.

    >>> a = attributes_of(np.full((32, 80), 200, dtype=np.uint8), "EXIT2")
    >>> a["image_aspect"], a["text_length"], a["image_char_width"]
    (2.5, 5, 0.5)
    >>> attributes_of(None, "EXIT2")["image_char_width"] is None
    True
    """
    text_part = text_attributes(text)
    if rgb is None:
        return {**dict.fromkeys(IMAGE_ATTRIBUTES), **text_part}
    image = image_attributes(rgb)
    length = text_part["text_length"]
    image[CHAR_WIDTH] = round(image["image_aspect"] / length, 6) if length else None
    return {**image, **text_part}


def sample_attributes(encoded: bytes, text: str) -> dict[str, Any]:
    """Every attribute of one sample from its encoded image and label; image attributes are None
    (missing) when the image does not decode."""
    return attributes_of(decode_rgb(encoded), text)
