"""Word rendering: trdg's layout and distortions on a canvas that holds all the ink, and trdg's shims.

trdg 1.8.0 calls `FreeTypeFont.getsize`, removed in Pillow 10, and imports TensorFlow through its
handwriting module; `prepare_trdg()` fixes both before trdg is imported.
"""

from __future__ import annotations

import random
import sys
import types
from collections import OrderedDict
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
_METRICS: dict[tuple[str, int, str, int], tuple[int, int, tuple[int, int, int, int]]] = {}
_MASKS: OrderedDict[tuple[Any, ...], tuple[Any, tuple[int, int]]] = OrderedDict()
MASK_CACHE_SIZE = 65536  # glyph bitmaps kept per process (about 1 kB each at render size)


class _KeptGlyphs(ImageFont.FreeTypeFont):
    """A FreeTypeFont that keeps the bitmaps it renders: words are drawn a character at a time, so the
    same few dozen glyphs of a font and size are rendered over and over. `ImageDraw.text` draws from
    the kept bitmap exactly as from a new one (the same bytes); the least recently used are dropped.

    Arguments that cannot change the bitmap share it: `ink` (used only for colour glyphs, mode
    RGBA), an absent anchor (horizontal text's default is "la") and an absent start ((0, 0)), so the
    bitmaps `_metrics` renders to measure a glyph are the ones `ImageDraw.text` then draws.
    """

    def getmask2(self, text: Any, mode: str = "", direction: Any = None, features: Any = None, language: Any = None,
                 stroke_width: float = 0, anchor: Any = None, ink: int = 0, start: Any = None, *args: Any,
                 **kwargs: Any) -> tuple[Any, tuple[int, int]]:
        def render() -> tuple[Any, tuple[int, int]]:
            return super(_KeptGlyphs, self).getmask2(text, mode, direction, features, language, stroke_width, anchor,
                                                     ink, start, *args, **kwargs)

        if anchor is None and direction in (None, "ltr"):
            anchor = "la"
        key = (self.path, self.size, self.index, text, mode, direction, features, language, stroke_width, anchor,
               ink if mode == "RGBA" else 0, tuple(start) if start is not None else (0, 0), args, tuple(sorted(kwargs.items())))
        try:
            found = _MASKS.get(key)
        except TypeError:  # an unhashable argument (a list of features): not kept
            return render()
        if found is not None:
            _MASKS.move_to_end(key)
            return found
        found = _MASKS[key] = render()
        if len(_MASKS) > MASK_CACHE_SIZE:
            _MASKS.popitem(last=False)
        return found


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    key = (path, size)
    if key not in _FONTS:
        _FONTS[key] = _KeptGlyphs(font=path, size=size)
    return _FONTS[key]


def _metrics(font: ImageFont.FreeTypeFont, path: str, size: int, character: str, stroke: int) -> tuple[int, int, tuple[int, int, int, int]]:
    """(advance, trdg's text height, ink box with the stroke) of one character, cached per process."""
    key = (path, size, character, stroke)
    found = _METRICS.get(key)
    if found is None:
        # trdg's layout: each character advances by its rounded length; the line is as tall as the
        # lowest bottom of its characters (Pillow < 10's getsize, which trdg was written for).
        advance = round(font.getlength(character))
        plain = _ink_box(font, character, 0)
        box = _ink_box(font, character, stroke) if stroke else plain
        found = _METRICS[key] = (advance, plain[3], box)
    return found


def _ink_box(font: ImageFont.FreeTypeFont, character: str, stroke: int) -> tuple[int, int, int, int]:
    """`font.getbbox(character, stroke_width=stroke)`, read off the bitmap `render_text` then draws (one
    rendering where getbbox would lay the glyph out a second time; the same box: test_render)."""
    mask, (x, y) = font.getmask2(character, "L", stroke_width=stroke, stroke_filled=True)
    width, height = mask.size
    return int(x), int(y), int(x) + width, int(y) + height


@dataclass(frozen=True)
class TextStyle:
    font_path: str
    font_size: int
    character_spacing: int
    stroke_width: int
    distortion: str  # none | sine | cosine | random
    distortion_orientation: str  # vertical | horizontal | both
    skew: float  # degrees, applied by the caller at output scale (cheaper than at render size)


@dataclass
class RenderedText:
    """A word at render size: `alpha` is its ink mask (how much of each pixel is text), `mix` how much
    of the ink is fill (1) rather than stroke (0), `labels` (when asked) which character (1..n)
    drew each pixel, 0 for none. All three are H x W and come from the same drawing pass."""

    alpha: np.ndarray
    mix: np.ndarray
    labels: np.ndarray | None = None


def render_text(text: str, style: TextStyle, seed: int, char_labels: bool = False) -> RenderedText:
    """Renders a word with trdg's horizontal layout on a canvas that holds all of its ink.

    The characters sit where trdg puts them (its advances, character spacing and line height),
    but trdg's canvas is only as wide as the advances: italic and script overhangs, negative side
    bearings and strokes fall outside it and are cut (about 1 word in 10 with the bundled fonts).
    Here the canvas is that box grown to every character's ink box, so no glyph is ever cut.
    trdg's distortions then bend the image and the character labels alike.
    """
    prepare_trdg()
    from PIL import ImageDraw

    font = _font(style.font_path, style.font_size)
    stroke = style.stroke_width
    placed = []
    x = 0
    text_height = 1
    left, top, right = 0, 0, 0
    bottom = 1
    for character in text:
        advance, height, box = _metrics(font, style.font_path, style.font_size, character, stroke)
        placed.append((x, character))
        text_height = max(text_height, height)
        if box[2] > box[0] and box[3] > box[1]:
            left, top = min(left, x + box[0]), min(top, box[1])
            right, bottom = max(right, x + box[2]), max(bottom, box[3])
        x += advance + style.character_spacing
    width = max(right, x - style.character_spacing, 1) - left
    height = max(bottom, text_height) - top
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    labels = Image.new("L", (width, height), 0)
    label_draw = ImageDraw.Draw(labels) if char_labels else None
    if label_draw is not None:
        label_draw.fontmode = "1"  # aliased: a pixel is one character's or none
    for i, (offset, character) in enumerate(placed):
        position = (offset - left, -top)
        draw.text(position, character, fill=(255, 255, 255, 255), font=font,
                  stroke_width=stroke, stroke_fill=(0, 0, 0, 255))
        if label_draw is not None:
            label_draw.text(position, character, fill=min(i + 1, 255), font=font,
                            stroke_width=stroke, stroke_fill=min(i + 1, 255))

    if style.distortion != "none":
        from trdg import distorsion_generator

        # trdg draws from the global `random` (its 'random' distortion); seed it per sample.
        random.seed(seed)
        vertical = style.distortion_orientation in ("vertical", "both")
        horizontal = style.distortion_orientation in ("horizontal", "both")
        distort = {"sine": distorsion_generator.sin, "cosine": distorsion_generator.cos,
                   "random": distorsion_generator.random}[style.distortion]
        image, labels = distort(image, labels, vertical=vertical, horizontal=horizontal)
    rgba = np.asarray(image, dtype=np.float32) / 255.0
    label_array = None
    if char_labels:
        label_array = np.asarray(labels.convert("L"), dtype=np.uint8).copy()
    return RenderedText(rgba[:, :, 3].copy(), rgba[:, :, 0].copy(), label_array)


def crop_to_ink(rendered: RenderedText) -> RenderedText:
    """The word cut to the box of its ink (every pixel with any ink kept): trdg's `--fit`.

    >>> alpha = np.zeros((6, 8), np.float32); alpha[2:4, 1:5] = 1.0
    >>> crop_to_ink(RenderedText(alpha, np.ones_like(alpha))).alpha.shape
    (2, 4)
    """
    rows = np.flatnonzero(rendered.alpha.max(axis=1) > 0)
    cols = np.flatnonzero(rendered.alpha.max(axis=0) > 0)
    if len(rows) == 0:
        return rendered  # no ink: the checks after it say so
    window = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    labels = None if rendered.labels is None else rendered.labels[window].copy()
    return RenderedText(rendered.alpha[window].copy(), rendered.mix[window].copy(), labels)


def reference_ink(text: str, font_path: str, size: int, stroke: int = 0) -> float:
    """The total ink of a word drawn with trdg's advances on a canvas far larger than it: what a
    renderer that cuts nothing must match (used by the tests and `bench_integrity.py`)."""
    from PIL import ImageDraw

    font = _font(font_path, size)
    pad = 2 * size
    width = sum(round(font.getlength(c)) for c in text) + 2 * pad
    canvas = Image.new("L", (width, 4 * size + 2 * pad), 0)
    draw = ImageDraw.Draw(canvas)
    x = pad
    for character in text:
        draw.text((x, pad), character, fill=255, font=font, stroke_width=stroke, stroke_fill=255)
        x += round(font.getlength(character))
    return float(np.asarray(canvas, np.float32).sum() / 255)
