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

from synthocr.synth import integrity
from synthocr.synth.augment import Augmented, Augmenter
from synthocr.synth.backgrounds import BackgroundSampler, hex_to_rgb, luma
from synthocr.synth.colors import draw_color
from synthocr.errors import UserError
from synthocr.synth.fonts import FontInfo, FontSampler, discover_fonts
from synthocr.recipe import Recipe
from synthocr.dataset.records import SOURCE_SYNTH, Record
from synthocr.synth.render import TextStyle, render_text
from synthocr.synth.text import TextSampler

SPLIT_CODES = {"train": 1, "val": 2, "test": 3}
MAX_TEXT_DRAWS = 50
MAX_COLOR_DRAWS = 10
MAX_BACKGROUND_DRAWS = 3  # backgrounds tried for one layout when no text colour reads on them
MAX_SAMPLE_DRAWS = 8  # draws of style, geometry and background for one text
MAX_TEXT_ROUNDS = 4  # texts tried, each with MAX_SAMPLE_DRAWS draws, before a sample is given up
COLOR_MARGIN = 2.5  # colours are chosen this far above min_contrast: augmentation can more than halve it

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


def _weighted(rng: np.random.Generator, weights: dict[Any, float]) -> Any:
    keys = [k for k, w in weights.items() if w > 0]
    probs = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


def _rotate(alpha: np.ndarray, mix: np.ndarray, degrees: float, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotates the word (counter-clockwise) inside a box that holds it, then fits that box to
    `height`; also returns the 2 x 3 map of pixel centres from before to after."""
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
    moved = integrity.then(matrix, integrity.resize_matrix((new_w, new_h), (scaled_w, height)))
    return (cv2.resize(alpha, (scaled_w, height), interpolation=cv2.INTER_AREA),
            cv2.resize(mix, (scaled_w, height), interpolation=cv2.INTER_AREA), moved)


def _contrast_to(color: str, backgrounds: list[float]) -> float:
    """The least luma distance from a colour to the background strips."""
    value = luma(hex_to_rgb(color))
    return min(abs(value - b) for b in backgrounds)


def _extreme_color(backgrounds: list[float]) -> tuple[str, float]:
    """Black or white, whichever stands out more from every background strip, and its contrast."""
    color = max(("#000000", "#ffffff"), key=lambda c: _contrast_to(c, backgrounds))
    return color, _contrast_to(color, backgrounds)


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


@dataclass
class _Layout:
    """The word placed in its frame before augmentation: the painted background, the ink mask and
    fill/stroke mix at frame size, and the characters' outline points in frame coordinates."""

    background: np.ndarray  # H x W x 3 float32
    alpha: np.ndarray  # H x W ink mask
    mix: np.ndarray
    char_points: np.ndarray | None
    char_owners: np.ndarray | None
    background_keys: tuple[str, ...] = ()  # the meta keys of the painted background


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
                   font_id: str | None) -> tuple[Any, FontInfo]:
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
        layout = self._lay_out(text, font.path, rng, seed, meta)
        frame_ink = layout.alpha
        regions = integrity.ink_regions(frame_ink)
        for _ in range(MAX_BACKGROUND_DRAWS):
            fill, stroke, contrast = self._draw_text_color(rng, layout, regions, meta, skips)
            if contrast >= self.recipe.colors.min_contrast * COLOR_MARGIN:
                break
            # No colour reads on every part of this background (a crop half dark, half light):
            # another background, before anything is drawn on it.
            skips["background_redrawn_for_contrast"] += 1
            self._repaint(layout, rng, meta)
        outline = integrity.outline_points(frame_ink)
        if len(outline) == 0:
            return self._composite(layout, fill, stroke), integrity.REASON_NO_INK
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
        measured = integrity.ink_contrast(augmented.image, regions)
        minimum = self.recipe.colors.min_contrast
        if measured < minimum:
            # Recolour: the extreme that stands out most from the final background, same augmentation.
            skips["low_contrast_recoloured"] += 1
            fill, _ = _extreme_color(integrity.background_lumas(augmented.image, regions))
            stroke = fill if not meta["stroke_width"] else stroke
            augmented = self._augment(layout, fill, stroke, seed, points)  # same seed: same geometry
            measured = integrity.ink_contrast(augmented.image, regions)
            meta.update(text_color=fill, stroke_color=stroke if meta["stroke_width"] else None, recoloured=True)
        else:
            meta["recoloured"] = False
        meta.update(contrast=round(contrast, 1), ink_contrast=measured)
        if measured < minimum:
            return augmented.image, integrity.REASON_CONTRAST
        if layout.char_points is not None and layout.char_owners is not None:
            meta["char_boxes"] = integrity.character_boxes(
                moved[len(outline):], layout.char_owners, len(text), width, height)
        return augmented.image, None

    def _lay_out(self, text: str, font_path: str, rng: np.random.Generator, seed: int, meta: dict[str, Any]) -> _Layout:
        recipe, geometry = self.recipe, self.recipe.geometry
        style = TextStyle(
            font_path=font_path,
            font_size=int(rng.integers(recipe.fonts.size[0], recipe.fonts.size[1] + 1)),
            character_spacing=int(rng.integers(geometry.character_spacing[0], geometry.character_spacing[1] + 1)),
            stroke_width=int(_weighted(rng, recipe.colors.stroke_width)),
            distortion=_weighted(rng, geometry.distortion),
            distortion_orientation=_weighted(rng, geometry.distortion_orientation),
            skew=self._draw_skew(rng),
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
        boxes = recipe.output.char_boxes
        rendered = render_text(text, style, seed, char_labels=boxes)
        alpha, mix = rendered.alpha, rendered.mix

        # Scale the word to the output height less the margins, as trdg does, and paint the
        # background at the final size: compositing at 32 px is far cheaper than at render size.
        top, left, bottom, right = margins
        height = geometry.height
        text_h = max(1, height - top - bottom)
        text_w = max(1, round(alpha.shape[1] * text_h / alpha.shape[0]))
        to_frame = integrity.resize_matrix((alpha.shape[1], alpha.shape[0]), (text_w, text_h))
        interp = cv2.INTER_AREA if alpha.shape[0] > text_h else cv2.INTER_LINEAR
        alpha = cv2.resize(alpha, (text_w, text_h), interpolation=interp)
        mix = cv2.resize(mix, (text_w, text_h), interpolation=interp)
        if style.skew:
            alpha, mix, rotation = _rotate(alpha, mix, style.skew, text_h)
            to_frame = integrity.then(to_frame, rotation)
            text_w = alpha.shape[1]
        to_frame[:, 2] += (left, top)
        width = text_w + left + right
        canvas = self.backgrounds.paint(background, height, width, rng).astype(np.float32)
        frame_alpha = np.zeros((height, width), np.float32)
        frame_mix = np.ones((height, width), np.float32)
        frame_alpha[top : top + text_h, left : left + text_w] = alpha
        frame_mix[top : top + text_h, left : left + text_w] = mix
        char_points = char_owners = None
        if rendered.labels is not None:
            char_points, char_owners = integrity.character_points(rendered.labels, len(text))
            char_points = integrity.move_points(char_points, to_frame)
        return _Layout(canvas, frame_alpha, frame_mix, char_points, char_owners, tuple(background))

    def _draw_skew(self, rng: np.random.Generator) -> float:
        """The word's rotation: uniform in [-skew, skew], or for a `tilt.p` share of the words in
        [-tilt.degrees, tilt.degrees] (drawn only when the recipe has a tilt, so others keep their bytes)."""
        geometry = self.recipe.geometry
        limit = geometry.skew
        if geometry.tilt is not None and geometry.tilt.p > 0 and rng.random() < geometry.tilt.p:
            limit = geometry.tilt.degrees
        return round(float(rng.uniform(-limit, limit)), 2) if limit else 0.0

    def _repaint(self, layout: _Layout, rng: np.random.Generator, meta: dict[str, Any]) -> None:
        """A new background for the layout, drawn and painted at its size."""
        for key in layout.background_keys:
            meta.pop(key, None)
        background = self.backgrounds.draw(rng)
        meta.update(**background)
        layout.background_keys = tuple(background)
        height, width = layout.background.shape[:2]
        layout.background = self.backgrounds.paint(background, height, width, rng).astype(np.float32)

    def _composite(self, layout: _Layout, fill: str, stroke: str) -> np.ndarray:
        fill_rgb = np.array(hex_to_rgb(fill), np.float32)
        stroke_rgb = np.array(hex_to_rgb(stroke), np.float32)
        ink = stroke_rgb + (fill_rgb - stroke_rgb) * layout.mix[:, :, None]
        a = layout.alpha[:, :, None]
        return np.clip(layout.background * (1 - a) + ink * a + 0.5, 0, 255).astype(np.uint8)

    def _augment(self, layout: _Layout, fill: str, stroke: str, seed: int, points: np.ndarray) -> Augmented:
        image = self._composite(layout, fill, stroke)
        return self.augmenter.apply(image, seed, mask=layout.alpha, points=points)

    def _draw_text_color(self, rng: np.random.Generator, layout: _Layout, regions: integrity.InkRegions,
                         meta: dict[str, Any], skips: Counter[str]) -> tuple[str, str, float]:
        """(fill, stroke, contrast): a text colour that stands `COLOR_MARGIN` x min_contrast from the
        background around the ink (bounded redraws), and the stroke colour."""
        recipe = self.recipe
        fill, contrast = self._pick_color(rng, integrity.background_lumas(layout.background, regions), skips)
        stroke = draw_color(rng, recipe.colors.stroke) if meta["stroke_width"] else fill
        meta.update(text_color=fill, stroke_color=stroke if meta["stroke_width"] else None)
        return fill, stroke, contrast

    def _pick_color(self, rng: np.random.Generator, backgrounds: list[float], skips: Counter[str]) -> tuple[str, float]:
        """A colour of the recipe at least `COLOR_MARGIN` x min_contrast from every strip of the
        background; else black or white, whichever stands out more."""
        wanted = min(255.0, self.recipe.colors.min_contrast * COLOR_MARGIN)
        for _ in range(MAX_COLOR_DRAWS):
            color = draw_color(rng, self.recipe.colors.text)
            contrast = _contrast_to(color, backgrounds)
            if contrast >= wanted:
                return color, contrast
            skips["low_contrast_color"] += 1
        # No draw from the recipe's distribution is readable here: fall back to black or white.
        skips["contrast_fallback"] += 1
        return _extreme_color(backgrounds)
