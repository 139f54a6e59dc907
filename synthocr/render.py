"""Word rendering with trdg's text renderer, an explicit font per call, and the Pillow >= 10 shim.

trdg 1.8.0 calls `FreeTypeFont.getsize`, removed in Pillow 10, and imports TensorFlow through its
handwriting module; `prepare_trdg()` fixes both before trdg is imported.
"""

from __future__ import annotations

import random
import sys
import types
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageFont

_PREPARED = False


def _getsize(self: ImageFont.FreeTypeFont, text: str, *args: Any, **kwargs: Any) -> tuple[int, int]:
    # Pillow < 10 returned (right, bottom) of the text's box: the height includes the top offset,
    # which trdg relies on to leave room for ascenders (bottom - top would clip them).
    left, top, right, bottom = self.getbbox(text, *args, **kwargs)
    return right, bottom


def prepare_trdg() -> None:
    """Installs the `getsize` shim and keeps `import trdg...` from importing TensorFlow."""
    global _PREPARED
    if _PREPARED:
        return
    if not hasattr(ImageFont.FreeTypeFont, "getsize"):
        ImageFont.FreeTypeFont.getsize = _getsize  # type: ignore[attr-defined]
    if "trdg.handwritten_text_generator" not in sys.modules:
        stub = types.ModuleType("trdg.handwritten_text_generator")
        stub.__doc__ = "synthocr stub: trdg's handwriting model needs TensorFlow 1 and a download."

        def generate(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("trdg handwriting is not supported by synthocr")

        stub.generate = generate  # type: ignore[attr-defined]
        sys.modules["trdg.handwritten_text_generator"] = stub
    _PREPARED = True


@dataclass(frozen=True)
class TextStyle:
    font_path: str
    font_size: int
    character_spacing: int
    stroke_width: int
    distortion: str  # none | sine | cosine | random
    distortion_orientation: str  # vertical | horizontal | both
    skew: float  # degrees


def render_text(text: str, style: TextStyle, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Renders a word as (alpha, mix): float32 H x W arrays in [0, 1].

    trdg draws the fill white and the stroke black; `mix` is how much of each pixel is fill
    (1) rather than stroke (0), so colours are applied afterwards without drawing again.
    """
    prepare_trdg()
    from trdg import computer_text_generator, distorsion_generator

    # trdg draws from the global `random` (its 'random' distortion); seed it per sample.
    random.seed(seed)
    image, mask = computer_text_generator.generate(
        text, style.font_path, "#ffffff", style.font_size, 0, 1.0, style.character_spacing,
        True, False, style.stroke_width, "#000000",
    )
    if style.distortion != "none":
        vertical = style.distortion_orientation in ("vertical", "both")
        horizontal = style.distortion_orientation in ("horizontal", "both")
        distort = {"sine": distorsion_generator.sin, "cosine": distorsion_generator.cos,
                   "random": distorsion_generator.random}[style.distortion]
        image, mask = distort(image, mask, vertical=vertical, horizontal=horizontal)
    if style.skew:
        image = image.rotate(style.skew, resample=Image.Resampling.BICUBIC, expand=True)
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    if rgba.size == 0:
        return np.zeros((1, 1), np.float32), np.zeros((1, 1), np.float32)
    return rgba[:, :, 3], rgba[:, :, 0]
