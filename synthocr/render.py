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


_FONTS: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
_HEIGHTS: dict[tuple[str, int, str], int] = {}


def _cached_truetype(font: str, size: int) -> ImageFont.FreeTypeFont:
    key = (font, size)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(font=font, size=size)
    return _FONTS[key]


def _cached_text_height(image_font: ImageFont.FreeTypeFont, text: str) -> int:
    # trdg measures every character's height on each call (a FreeType layout each time).
    key = (str(image_font.path), int(image_font.size), text)
    height = _HEIGHTS.get(key)
    if height is None:
        height = _HEIGHTS[key] = image_font.getbbox(text)[3]
    return height


_WIDTHS: dict[tuple[str, int, str], int] = {}


def _cached_character_width(image_font: ImageFont.FreeTypeFont, character: str) -> int:
    key = (str(image_font.path), int(image_font.size), character)
    width = _WIDTHS.get(key)
    if width is None:
        width = _WIDTHS[key] = _original_character_width(image_font, character)
    return width


class _NoDraw:
    """Stands in for the drawing of trdg's per-character colour mask, which synthocr never uses."""

    fontmode = "1"

    def text(self, *args: Any, **kwargs: Any) -> None:
        return None


def _draw(image: Image.Image, mode: str | None = None) -> Any:
    # trdg draws its character mask with an explicit mode="RGB" and the word itself without one:
    # skipping the mask halves the glyph rendering, the largest cost of a sample.
    from PIL import ImageDraw

    return _NoDraw() if mode == "RGB" else ImageDraw.Draw(image, mode)


_original_character_width: Any = None


def _speed_up_trdg_renderer() -> None:
    """Per-process caches (font objects, glyph heights and widths) and no mask drawing, for
    trdg's text renderer only; its output image is unchanged (tested)."""
    global _original_character_width
    from trdg import computer_text_generator

    _original_character_width = computer_text_generator._compute_character_width
    computer_text_generator.ImageFont = types.SimpleNamespace(truetype=_cached_truetype)  # type: ignore[attr-defined]
    computer_text_generator.get_text_height = _cached_text_height  # type: ignore[attr-defined]
    computer_text_generator._compute_character_width = _cached_character_width  # type: ignore[attr-defined]
    computer_text_generator.ImageDraw = types.SimpleNamespace(Draw=_draw)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TextStyle:
    font_path: str
    font_size: int
    character_spacing: int
    stroke_width: int
    distortion: str  # none | sine | cosine | random
    distortion_orientation: str  # vertical | horizontal | both
    skew: float  # degrees, applied by the caller at output scale (cheaper than at render size)


def render_text(text: str, style: TextStyle, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Renders a word as (alpha, mix): float32 H x W arrays in [0, 1].

    trdg draws the fill white and the stroke black; `mix` is how much of each pixel is fill
    (1) rather than stroke (0), so colours are applied afterwards without drawing again.
    """
    prepare_trdg()
    from trdg import computer_text_generator, distorsion_generator

    if computer_text_generator.get_text_height is not _cached_text_height:
        _speed_up_trdg_renderer()

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
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    if rgba.size == 0:
        return np.zeros((1, 1), np.float32), np.zeros((1, 1), np.float32)
    return rgba[:, :, 3], rgba[:, :, 0]
