"""One synthetic sample: every value drawn from an RNG seeded by (recipe seed, split, index).

`SampleFactory.make` draws text, font, colours, geometry and background, renders the word with
trdg, composites, augments, scales to the recipe height and encodes PNG. Every drawn value goes
into the record's `meta`, and every rejected draw is counted by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from synthocr.augment import Augmenter
from synthocr.backgrounds import BackgroundSampler, hex_to_rgb, luma
from synthocr.colors import draw_color
from synthocr.errors import UserError
from synthocr.fonts import FontSampler, discover_fonts
from synthocr.recipe import Recipe
from synthocr.records import SOURCE_SYNTH, Record
from synthocr.render import TextStyle, render_text
from synthocr.text import TextSampler

SPLIT_CODES = {"train": 1, "val": 2, "test": 3}
MAX_TEXT_DRAWS = 50
MAX_COLOR_DRAWS = 10


def sample_seed(recipe_seed: int, split: str, index: int) -> int:
    """A 63-bit seed for one sample, independent of workers and of every other sample.

    >>> sample_seed(0, "train", 0) == sample_seed(0, "train", 0) != sample_seed(0, "train", 1)
    True
    """
    state = np.random.SeedSequence([recipe_seed & 0xFFFFFFFF, recipe_seed >> 32 & 0xFFFFFFFF, SPLIT_CODES.get(split, 9), index])
    high, low = state.generate_state(2, np.uint32)
    return int((int(high) << 32 | int(low)) & 0x7FFFFFFFFFFFFFFF)


def _weighted(rng: np.random.Generator, weights: dict[Any, float]) -> Any:
    keys = [k for k, w in weights.items() if w > 0]
    probs = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


def _rotate(alpha: np.ndarray, mix: np.ndarray, degrees: float, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotates the word (counter-clockwise) inside a box that holds it, then fits that box to `height`."""
    h, w = alpha.shape
    radians = np.deg2rad(abs(degrees))
    new_w = int(np.ceil(w * np.cos(radians) + h * np.sin(radians)))
    new_h = int(np.ceil(h * np.cos(radians) + w * np.sin(radians)))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    matrix[0, 2] += (new_w - w) / 2
    matrix[1, 2] += (new_h - h) / 2
    alpha = cv2.warpAffine(alpha, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    mix = cv2.warpAffine(mix, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=1.0)
    scaled_w = max(1, round(new_w * height / new_h))
    return (cv2.resize(alpha, (scaled_w, height), interpolation=cv2.INTER_AREA),
            cv2.resize(mix, (scaled_w, height), interpolation=cv2.INTER_AREA))


class GenerationFailed(UserError):
    """A sample index for which no usable draw was found within the bounded retries."""


@dataclass
class FactoryOptions:
    font_weights: dict[str, float] | None = None  # overrides recipe.fonts.weights (the report loop)


class SampleFactory:
    """Everything a worker needs to make samples, built once per process from the recipe."""

    def __init__(self, recipe: Recipe, options: FactoryOptions | None = None):
        options = options or FactoryOptions()
        self.recipe = recipe
        source = recipe.source
        self.text = TextSampler(recipe.text, source)
        weights = options.font_weights if options.font_weights is not None else recipe.fonts.weights
        self.fonts = FontSampler(discover_fonts(recipe.fonts, source), weights, recipe.text.charset, source)
        self.backgrounds = BackgroundSampler(recipe.backgrounds, source)
        self.augmenter = Augmenter(recipe.augment)
        geometry = recipe.geometry
        for name, dist in (("distortion", geometry.distortion), ("distortion_orientation", geometry.distortion_orientation),
                           ("stroke_width", recipe.colors.stroke_width)):
            if not any(w > 0 for w in dist.values()):
                raise_where = f"{source}: {'colors' if name == 'stroke_width' else 'geometry'}.{name}"
                raise UserError(f"{raise_where}: every weight is zero")

    def make(self, split: str, index: int, skips: Counter[str], font_id: str | None = None) -> Record:
        """The sample at `index` of `split`; `font_id` forces a font (previews), texts it lacks are redrawn."""
        seed = sample_seed(self.recipe.seed, split, index)
        rng = np.random.default_rng(seed)
        meta: dict[str, Any] = {}
        for _ in range(MAX_TEXT_DRAWS):
            drawn = self.text.draw(rng)
            reason = self.text.rejection(drawn.text)
            if reason:
                skips[reason] += 1
                continue
            if font_id is not None:
                font = self.fonts.by_id(font_id)
                if not font.covers(drawn.text):
                    skips["font_lacks_glyph"] += 1
                    continue
                redrawn = False
            else:
                font, redrawn = self.fonts.draw(rng, drawn.text)
            if font is None:
                skips["no_font_covers_text"] += 1
                continue
            if redrawn:
                skips["font_lacks_glyph"] += 1
            break
        else:
            raise GenerationFailed(
                f"{self.recipe.source}: text: no usable text for {split}[{index}] in {MAX_TEXT_DRAWS} draws "
                f"({', '.join(f'{k} {v}' for k, v in sorted(skips.items()))}); do the text sources fit "
                "text.charset and text.max_length?"
            )
        meta.update(text_source=drawn.source, case=drawn.case, font_category=font.category)
        image = self._draw_image(drawn.text, font.path, rng, seed, meta, skips)
        image, applied = self.augmenter.apply(image, seed)
        meta["augment"] = applied
        ok, png = cv2.imencode(".png", image[:, :, ::-1], [cv2.IMWRITE_PNG_COMPRESSION, self.recipe.output.png_compression])
        if not ok:
            raise GenerationFailed(f"{split}[{index}]: PNG encoding failed")
        return Record(
            id=f"{self.recipe.name}-{split}-{index:08d}",
            image=png.tobytes(),
            image_format="png",
            height=int(image.shape[0]),
            width=int(image.shape[1]),
            text=drawn.text,
            font=font.id,
            source=SOURCE_SYNTH,
            seed=seed,
            meta=meta,
        )

    def _draw_image(
        self, text: str, font_path: str, rng: np.random.Generator, seed: int, meta: dict[str, Any], skips: Counter[str]
    ) -> np.ndarray:
        recipe, geometry = self.recipe, self.recipe.geometry
        style = TextStyle(
            font_path=font_path,
            font_size=int(rng.integers(recipe.fonts.size[0], recipe.fonts.size[1] + 1)),
            character_spacing=int(rng.integers(geometry.character_spacing[0], geometry.character_spacing[1] + 1)),
            stroke_width=int(_weighted(rng, recipe.colors.stroke_width)),
            distortion=_weighted(rng, geometry.distortion),
            distortion_orientation=_weighted(rng, geometry.distortion_orientation),
            skew=round(float(rng.uniform(-geometry.skew, geometry.skew)), 2) if geometry.skew else 0.0,
        )
        margins = [int(m) for m in rng.integers(geometry.margins[0], geometry.margins[1] + 1, size=4)]
        background = self.backgrounds.draw(rng)
        meta.update(
            font_size=style.font_size,
            character_spacing=style.character_spacing,
            stroke_width=style.stroke_width,
            distortion=style.distortion,
            distortion_orientation=style.distortion_orientation if style.distortion != "none" else None,
            skew=style.skew,
            margins=margins,
            **background,
        )
        alpha, mix = render_text(text, style, seed)

        # Scale the word to the output height less the margins, as trdg does, and paint the
        # background at the final size: compositing at 32 px is far cheaper than at render size.
        top, left, bottom, right = margins
        height = geometry.height
        text_h = max(1, height - top - bottom)
        text_w = max(1, round(alpha.shape[1] * text_h / alpha.shape[0]))
        interp = cv2.INTER_AREA if alpha.shape[0] > text_h else cv2.INTER_LINEAR
        alpha = cv2.resize(alpha, (text_w, text_h), interpolation=interp)
        mix = cv2.resize(mix, (text_w, text_h), interpolation=interp)
        if style.skew:
            alpha, mix = _rotate(alpha, mix, style.skew, text_h)
            text_w = alpha.shape[1]
        width = text_w + left + right
        canvas = self.backgrounds.paint(background, height, width, rng).astype(np.float32)

        region = canvas[top : top + text_h, left : left + text_w]
        background_luma = luma(region)
        fill, contrast = self._draw_text_color(rng, background_luma, skips)
        stroke = draw_color(rng, recipe.colors.stroke) if style.stroke_width else fill
        meta.update(text_color=fill, stroke_color=stroke if style.stroke_width else None, contrast=round(contrast, 1))
        fill_rgb = np.array(hex_to_rgb(fill), np.float32)
        stroke_rgb = np.array(hex_to_rgb(stroke), np.float32)
        ink = stroke_rgb + (fill_rgb - stroke_rgb) * mix[:, :, None]
        a = alpha[:, :, None]
        canvas[top : top + text_h, left : left + text_w] = region * (1 - a) + ink * a
        return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)

    def _draw_text_color(self, rng: np.random.Generator, background_luma: float, skips: Counter[str]) -> tuple[str, float]:
        """A text colour at least `min_contrast` from the background's luma (bounded redraws)."""
        minimum = self.recipe.colors.min_contrast
        best, best_contrast = "#000000", -1.0
        for _ in range(MAX_COLOR_DRAWS):
            color = draw_color(rng, self.recipe.colors.text)
            contrast = abs(luma(hex_to_rgb(color)) - background_luma)
            if contrast >= minimum:
                return color, contrast
            skips["low_contrast_color"] += 1
            if contrast > best_contrast:
                best, best_contrast = color, contrast
        # No draw from the recipe's distribution is readable here: fall back to black or white.
        skips["contrast_fallback"] += 1
        color = "#000000" if background_luma >= 128 else "#ffffff"
        return color, abs(luma(hex_to_rgb(color)) - background_luma)
