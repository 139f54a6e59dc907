"""One synthetic sample: every value drawn from an RNG seeded by (recipe seed, split, index).

`SampleFactory.make` draws text, font, colours, geometry and background, renders the word with
trdg's layout, composites, augments, scales to the recipe height and encodes PNG. The text's ink
mask is drawn in the same pass and follows every geometric step, so each sample is checked on its
final pixels: a draw whose ink leaves the frame or does not stand out from its background is
recoloured or drawn again (bounded, from the sample's own RNG), never written. Every drawn value
goes into the record's `meta`, and every rejected draw is counted by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from synthocr.dataset.records import SOURCE_SYNTH, Record
from synthocr.dataset.schema import SPLIT_CODES
from synthocr.errors import UserError
from synthocr.recipe import Recipe
from synthocr.synth import integrity
from synthocr.synth.augment import Augmented, Augmenter
from synthocr.synth.backgrounds import BackgroundSampler
from synthocr.synth.colors import draw_color
from synthocr.synth.contrast import COLOR_MARGIN, extreme_color, pick_color
from synthocr.synth.fonts import FontInfo, FontSampler, discover_fonts
from synthocr.synth.layout import Layout, composite, lay_out, repaint
from synthocr.synth.text import DrawnText, TextSampler

MAX_TEXT_DRAWS = 50
MAX_BACKGROUND_DRAWS = 3  # backgrounds tried for one layout when no text colour reads on them
MAX_SAMPLE_DRAWS = 8  # draws of style, geometry and background for one text
MAX_TEXT_ROUNDS = 4  # texts tried, each with MAX_SAMPLE_DRAWS draws, before a sample is given up

CHECK_HINTS = {
    integrity.REASON_CUT: "the geometry or the augmentations push the text out of the frame "
                          "(geometric transforms: fit_output: true or a smaller scale; or wider geometry.margins)",
    integrity.REASON_CONTRAST: "the text cannot reach colors.min_contrast on these backgrounds after augmentation "
                               "(lower it, add text colours, or soften the photometric augmentations)",
    integrity.REASON_NO_INK: "the text draws no ink at this size (fonts.size, or the font's glyphs)",
}


def sample_seed(recipe_seed: int, split: str, index: int) -> int:
    """A 63-bit seed for one sample, independent of workers and of every other sample.

    >>> sample_seed(0, "train", 0) == sample_seed(0, "train", 0) != sample_seed(0, "train", 1)
    True
    """
    state = np.random.SeedSequence([recipe_seed & 0xFFFFFFFF, recipe_seed >> 32 & 0xFFFFFFFF, SPLIT_CODES.get(split, 9), index])
    high, low = state.generate_state(2, np.uint32)
    return int((int(high) << 32 | int(low)) & 0x7FFFFFFFFFFFFFFF)


class GenerationFailed(UserError):
    """A sample index for which no usable draw was found within the bounded retries."""


@dataclass
class FactoryOptions:
    font_weights: dict[str, float] | None = None  # overrides recipe.fonts.weights (the report loop)


@dataclass
class Rejected:
    """A draw that failed a check: why, and the image it would have written (for previews)."""

    reason: str
    image: np.ndarray


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

    def make(self, split: str, index: int, skips: Counter[str], font_id: str | None = None,
             rejects: list[Rejected] | None = None) -> Record:
        """The sample at `index` of `split`; `font_id` forces a font (previews), texts it lacks are
        redrawn; `rejects` collects the draws that failed a check."""
        seed = sample_seed(self.recipe.seed, split, index)
        rng = np.random.default_rng(seed)
        reasons: list[str] = []
        image = None
        for text_round in range(MAX_TEXT_ROUNDS):
            # A text and font that fail every draw (a hairline face on busy photos) give way to
            # another text; a recipe that fails them all stops.
            drawn, font = self._draw_text(rng, split, index, skips, font_id)
            for attempt in range(MAX_SAMPLE_DRAWS):
                # The first draw keeps the sample's own seed for trdg and albumentations; redraws
                # take theirs from the sample's stream, so they too follow from (seed, split, index).
                draw_seed = seed if text_round == attempt == 0 else int(rng.integers(0, 2**63 - 1))
                meta: dict[str, Any] = dict(text_source=drawn.source, case=drawn.case, font_category=font.category)
                image, failure = self._draw_checked(drawn.text, font, rng, draw_seed, meta, skips)
                if failure is None:
                    break
                skips[failure] += 1
                reasons.append(failure)
                if rejects is not None:
                    rejects.append(Rejected(failure, image))
            if failure is None:
                break
        else:
            counts = Counter(reasons).most_common()
            raise GenerationFailed(
                f"{self.recipe.source}: {split}[{index}]: every one of {len(reasons)} draws "
                f"({MAX_TEXT_ROUNDS} texts) failed the label checks ({', '.join(f'{k} {v}' for k, v in counts)}): "
                f"{CHECK_HINTS[counts[0][0]]}"
            )
        meta.update(redraws=len(reasons), redraw_reasons=reasons)
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

    def _draw_text(self, rng: np.random.Generator, split: str, index: int, skips: Counter[str],
                   font_id: str | None) -> tuple[DrawnText, FontInfo]:
        """A text of the recipe and a font that draws every one of its characters."""
        for _ in range(MAX_TEXT_DRAWS):
            drawn = self.text.draw(rng)
            reason = self.text.rejection(drawn.text)
            if reason:
                skips[reason] += 1
                continue
            if font_id is not None:
                font = self.fonts.by_id(font_id)
                if not self.fonts.draws(font, drawn.text):
                    skips["font_lacks_glyph"] += 1
                    continue
                return drawn, font
            chosen, redrawn = self.fonts.draw(rng, drawn.text)
            if chosen is None:
                skips["no_font_covers_text"] += 1
                continue
            if redrawn:
                skips["font_lacks_glyph"] += 1
            return drawn, chosen
        raise GenerationFailed(
            f"{self.recipe.source}: text: no usable text for {split}[{index}] in {MAX_TEXT_DRAWS} draws "
            f"({', '.join(f'{k} {v}' for k, v in sorted(skips.items()))}); do the text sources fit "
            "text.charset and text.max_length?"
        )

    def _draw_checked(self, text: str, font: FontInfo, rng: np.random.Generator, seed: int,
                      meta: dict[str, Any], skips: Counter[str]) -> tuple[np.ndarray, str | None]:
        """One draw of style, geometry, background and colour, augmented and checked on its final
        pixels: (image, None) when it passes, (image, reason) when it does not."""
        layout = lay_out(text, font.path, rng, seed, meta, self.recipe, self.backgrounds)
        frame_ink = layout.alpha
        regions = integrity.ink_regions(frame_ink)
        painted = layout.not_background()
        if painted is not None:  # another line or a shadow is not the background around the word
            regions.ring &= ~painted
        fill, stroke, contrast = self._color_layout(rng, layout, regions, meta, skips)
        outline = integrity.outline_points(frame_ink)
        if len(outline) == 0:
            return composite(layout, fill, stroke), integrity.REASON_NO_INK
        points = outline if layout.char_points is None else np.concatenate([outline, layout.char_points])
        augmented = self._augment(layout, fill, stroke, seed, points)
        height, width = augmented.image.shape[:2]
        meta["augment"] = augmented.applied
        moved, ink = augmented.points, augmented.mask  # the augmentation moves them with the image
        if integrity.leaves_frame(moved[: len(outline)], width, height):
            return augmented.image, integrity.REASON_CUT
        if integrity.ink_on_border(ink) and not integrity.ink_on_border(frame_ink):
            return augmented.image, integrity.REASON_CUT  # a bending transform the outline cannot follow
        if ink is not frame_ink and not np.array_equal(ink, frame_ink):
            regions = integrity.ink_regions(ink)  # a geometric transform moved the ink
        augmented, measured = self._recolor_if_faint(layout, augmented, regions, stroke, seed, points, meta, skips)
        meta.update(contrast=round(contrast, 1), ink_contrast=measured)
        if measured < self.recipe.colors.min_contrast:
            return augmented.image, integrity.REASON_CONTRAST
        if layout.char_points is not None and layout.char_owners is not None:
            meta["char_boxes"] = integrity.character_boxes(
                moved[len(outline):], layout.char_owners, len(text), width, height)
        return augmented.image, None

    def _color_layout(self, rng: np.random.Generator, layout: Layout, regions: integrity.InkRegions,
                      meta: dict[str, Any], skips: Counter[str]) -> tuple[str, str, float]:
        """(fill, stroke, contrast) for the layout; when no colour reads on every part of its
        background (a crop half dark, half light), another background, before anything is drawn
        on it (at most `MAX_BACKGROUND_DRAWS`)."""
        for _ in range(MAX_BACKGROUND_DRAWS):
            fill, stroke, contrast = self._draw_text_color(rng, layout, regions, meta, skips)
            if contrast >= self.recipe.colors.min_contrast * COLOR_MARGIN:
                break
            skips["background_redrawn_for_contrast"] += 1
            repaint(layout, rng, meta, self.backgrounds)
        return fill, stroke, contrast

    def _recolor_if_faint(self, layout: Layout, augmented: Augmented, regions: integrity.InkRegions, stroke: str,
                          seed: int, points: np.ndarray, meta: dict[str, Any],
                          skips: Counter[str]) -> tuple[Augmented, float]:
        """The augmented draw and its measured ink contrast; below `min_contrast`, drawn again in
        the extreme that stands out most from the final background, with the same augmentation."""
        measured = integrity.ink_contrast(augmented.image, regions)
        if measured >= self.recipe.colors.min_contrast:
            meta["recoloured"] = False
            return augmented, measured
        skips["low_contrast_recoloured"] += 1
        fill, _ = extreme_color(integrity.background_lumas(augmented.image, regions))
        stroke = fill if not meta["stroke_width"] else stroke
        augmented = self._augment(layout, fill, stroke, seed, points)  # same seed: same geometry
        meta.update(text_color=fill, stroke_color=stroke if meta["stroke_width"] else None, recoloured=True)
        return augmented, integrity.ink_contrast(augmented.image, regions)

    def _augment(self, layout: Layout, fill: str, stroke: str, seed: int, points: np.ndarray) -> Augmented:
        image = composite(layout, fill, stroke)
        return self.augmenter.apply(image, seed, mask=layout.alpha, points=points)

    def _draw_text_color(self, rng: np.random.Generator, layout: Layout, regions: integrity.InkRegions,
                         meta: dict[str, Any], skips: Counter[str]) -> tuple[str, str, float]:
        """(fill, stroke, contrast): a text colour that stands `COLOR_MARGIN` x min_contrast from the
        background around the ink (bounded redraws), and the stroke colour."""
        colors = self.recipe.colors
        backgrounds = integrity.background_lumas(layout.background, regions)
        fill, contrast = pick_color(rng, colors.text, colors.min_contrast, backgrounds, skips)
        stroke = draw_color(rng, colors.stroke) if meta["stroke_width"] else fill
        meta.update(text_color=fill, stroke_color=stroke if meta["stroke_width"] else None)
        return fill, stroke, contrast
