"""The word in its frame: style and geometry drawn, the word rendered, scaled to the output height,
tilted, set on its painted background, and composited with its colours.

The ink mask and the characters' outline points follow every step, so the checks after
augmentation (`sample.py`, `integrity.py`) see where the ink really is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from synthocr.recipe import GeometryConfig, Recipe
from synthocr.synth import integrity
from synthocr.synth.backgrounds import BackgroundSampler
from synthocr.synth.colors import hex_to_rgb, weighted
from synthocr.synth.render import TextStyle, crop_to_ink, render_text
from synthocr.synth.surround import (
    Neighbour,
    draw_neighbour,
    draw_shadow,
    neighbour_frame,
    neighbour_margins,
    shadow_of,
    shadow_rgb,
)


@dataclass
class Layout:
    """The word placed in its frame before augmentation: the painted background, the ink mask and
    fill/stroke mix at frame size, and the characters' outline points in frame coordinates."""

    background: np.ndarray  # H x W x 3 float32
    alpha: np.ndarray  # H x W ink mask
    mix: np.ndarray
    char_points: np.ndarray | None
    char_owners: np.ndarray | None
    background_keys: tuple[str, ...] = ()  # the meta keys of the painted background
    # The cut-off edge of another text line (`geometry.neighbours`), drawn in the word's colours
    # but not part of its ink mask: the checks are about the word the label names.
    neighbour_alpha: np.ndarray | None = None
    neighbour_mix: np.ndarray | None = None
    # A drop shadow or extrusion behind the letters (`colors.shadow`), likewise outside the ink mask.
    shadow_alpha: np.ndarray | None = None
    shadow_color: str | None = None

    def not_background(self) -> np.ndarray | None:
        """Pixels painted by something other than the word (another line, a shadow): never the
        background the word's contrast is measured against. None when there are none."""
        layers = [a for a in (self.neighbour_alpha, self.shadow_alpha) if a is not None]
        if not layers:
            return None
        return np.maximum.reduce(layers) > 0.05


def draw_skew(rng: np.random.Generator, geometry: GeometryConfig) -> float:
    """The word's rotation: uniform in [-skew, skew], or for a `tilt.p` share of the words in
    [-tilt.degrees, tilt.degrees] (drawn only when the recipe has a tilt, so others keep their bytes)."""
    limit = geometry.skew
    if geometry.tilt is not None and geometry.tilt.p > 0 and rng.random() < geometry.tilt.p:
        limit = geometry.tilt.degrees
    return round(float(rng.uniform(-limit, limit)), 2) if limit else 0.0


def draw_tight(rng: np.random.Generator, geometry: GeometryConfig, meta: dict[str, Any]) -> bool:
    """Whether the word is cut to its ink before the margins, with probability `geometry.tight`
    (drawn, and put in `meta`, only when it is set, so other recipes keep their bytes)."""
    if not geometry.tight:
        return False
    meta["tight"] = bool(rng.random() < geometry.tight)
    return meta["tight"]


def draw_stretch(rng: np.random.Generator, geometry: GeometryConfig, meta: dict[str, Any]) -> float:
    """The word's width factor, uniform in `geometry.stretch` (drawn, and put in `meta`, only when
    the range is not [1, 1], so other recipes keep their bytes)."""
    low, high = geometry.stretch
    if low == high == 1.0:
        return 1.0
    meta["stretch"] = round(float(rng.uniform(low, high)), 3)
    return meta["stretch"]


def draw_shear(rng: np.random.Generator, geometry: GeometryConfig, meta: dict[str, Any]) -> float:
    """The word's slant in degrees: for a `shear.p` share of the words uniform in [-degrees, degrees],
    else 0 (drawn, and the slant put in `meta`, only when the recipe has a shear)."""
    shear = geometry.shear
    if shear is None or not shear.p:
        return 0.0
    slant = round(float(rng.uniform(-shear.degrees, shear.degrees)), 2) if rng.random() < shear.p else 0.0
    meta["shear"] = slant
    return slant


def draw_style(rng: np.random.Generator, recipe: Recipe, font_path: str) -> TextStyle:
    """Font size, spacing, stroke, distortion and skew of one draw, in this order from `rng`."""
    geometry = recipe.geometry
    return TextStyle(
        font_path=font_path,
        font_size=int(rng.integers(recipe.fonts.size[0], recipe.fonts.size[1] + 1)),
        character_spacing=int(rng.integers(geometry.character_spacing[0], geometry.character_spacing[1] + 1)),
        stroke_width=int(weighted(rng, recipe.colors.stroke_width)),
        distortion=weighted(rng, geometry.distortion),
        distortion_orientation=weighted(rng, geometry.distortion_orientation),
        skew=draw_skew(rng, geometry),
    )


def rotate(alpha: np.ndarray, mix: np.ndarray, degrees: float, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def slant(alpha: np.ndarray, mix: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shears the word horizontally by `degrees` (positive: the top leans right, as italic does) in a
    frame widened to hold it at the same height; also returns the 2 x 3 map of pixel centres."""
    h, w = alpha.shape
    t = float(np.tan(np.deg2rad(degrees)))
    # x' = x + t * (h - 1 - y) for a right lean, x' = x - t * y for a left one: never below 0.
    matrix = np.array([[1.0, -t, t * (h - 1) if t > 0 else 0.0], [0.0, 1.0, 0.0]])
    new_w = w + int(np.ceil(abs(t) * (h - 1)))
    alpha = cv2.warpAffine(alpha, matrix, (new_w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    mix = cv2.warpAffine(mix, matrix, (new_w, h), flags=cv2.INTER_LINEAR, borderValue=1.0)
    return alpha, mix, matrix


def scale_word(alpha: np.ndarray, mix: np.ndarray, skew: float, text_h: int,
               stretch: float = 1.0, shear: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The word scaled to `text_h` pixels high as trdg does (its width times `stretch`), slanted by
    `shear`, then rotated by `skew`: its ink mask, its mix and the 2 x 3 map of pixel centres from
    render size to this size."""
    text_w = max(1, round(alpha.shape[1] * text_h / alpha.shape[0] * stretch))
    to_frame = integrity.resize_matrix((alpha.shape[1], alpha.shape[0]), (text_w, text_h))
    interp = cv2.INTER_AREA if alpha.shape[0] > text_h else cv2.INTER_LINEAR
    alpha = cv2.resize(alpha, (text_w, text_h), interpolation=interp)
    mix = cv2.resize(mix, (text_w, text_h), interpolation=interp)
    if shear:
        alpha, mix, slanting = slant(alpha, mix, shear)
        to_frame = integrity.then(to_frame, slanting)
    if skew:
        alpha, mix, rotation = rotate(alpha, mix, skew, text_h)
        to_frame = integrity.then(to_frame, rotation)
    return alpha, mix, to_frame


def lay_out(text: str, font_path: str, rng: np.random.Generator, seed: int, meta: dict[str, Any],
            recipe: Recipe, backgrounds: BackgroundSampler) -> Layout:
    """Draws style, margins and background (recorded in `meta`), renders the word with `seed` and
    places it in a frame of the output height."""
    geometry = recipe.geometry
    style = draw_style(rng, recipe, font_path)
    margins = [int(m) for m in rng.integers(geometry.margins[0], geometry.margins[1] + 1, size=4)]
    background = backgrounds.draw(rng)
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
    rendered = render_text(text, style, seed, char_labels=recipe.output.char_boxes)
    if draw_tight(rng, geometry, meta):
        rendered = crop_to_ink(rendered)
    stretch = draw_stretch(rng, geometry, meta)
    shear = draw_shear(rng, geometry, meta)
    neighbour = draw_neighbour(rng, text, geometry, meta)
    if neighbour is not None:
        margins = meta["margins"] = neighbour_margins(neighbour, margins)
    # Scale the word to the output height less the margins, as trdg does, and paint the
    # background at the final size: compositing at 32 px is far cheaper than at render size.
    top, left, bottom, right = margins
    height = geometry.height
    text_h = max(1, height - top - bottom)
    alpha, mix, to_frame = scale_word(rendered.alpha, rendered.mix, style.skew, text_h, stretch, shear)
    text_w = alpha.shape[1]
    to_frame[:, 2] += (left, top)
    width = text_w + left + right
    canvas = backgrounds.paint(background, height, width, rng).astype(np.float32)
    frame_alpha = np.zeros((height, width), np.float32)
    frame_mix = np.ones((height, width), np.float32)
    frame_alpha[top : top + text_h, left : left + text_w] = alpha
    frame_mix[top : top + text_h, left : left + text_w] = mix
    char_points = char_owners = None
    if rendered.labels is not None:
        char_points, char_owners = integrity.character_points(rendered.labels, len(text))
        char_points = integrity.move_points(char_points, to_frame)
    layout = Layout(canvas, frame_alpha, frame_mix, char_points, char_owners, tuple(background))
    shadow = draw_shadow(rng, recipe, meta)
    if shadow is not None:
        layout.shadow_alpha, layout.shadow_color = shadow_of(frame_alpha, shadow), shadow.color
    if neighbour is not None:
        other_alpha, other_mix = neighbour_line(neighbour, style, seed, text_h / rendered.alpha.shape[0], stretch, shear)
        x = int(rng.integers(-text_w // 3, text_w // 3 + 1)) + left
        layout.neighbour_alpha, layout.neighbour_mix = neighbour_frame(other_alpha, other_mix, neighbour, (height, width), x)
    return layout


def neighbour_line(neighbour: Neighbour, style: TextStyle, seed: int, scale: float, stretch: float,
                   shear: float) -> tuple[np.ndarray, np.ndarray]:
    """The other line at output size: the word's font, size, stroke, distortion, stretch, slant and
    rotation (a line of the same sign), scaled by the word's own factor so its letters are as tall."""
    other = crop_to_ink(render_text(neighbour.text, style, seed + 1))
    other_h = max(1, round(other.alpha.shape[0] * scale))
    alpha, mix, _ = scale_word(other.alpha, other.mix, style.skew, other_h, stretch, shear)
    return alpha, mix


def repaint(layout: Layout, rng: np.random.Generator, meta: dict[str, Any], backgrounds: BackgroundSampler) -> None:
    """A new background for the layout, drawn and painted at its size (its keys replace the old
    ones in `meta`)."""
    for key in layout.background_keys:
        meta.pop(key, None)
    background = backgrounds.draw(rng)
    meta.update(**background)
    layout.background_keys = tuple(background)
    height, width = layout.background.shape[:2]
    layout.background = backgrounds.paint(background, height, width, rng).astype(np.float32)


def composite(layout: Layout, fill: str, stroke: str) -> np.ndarray:
    """The word in its fill and stroke colours over the background (and over another line's edge
    and a shadow, when the layout has them), as H x W x 3 uint8 RGB."""
    fill_rgb = np.array(hex_to_rgb(fill), np.float32)
    stroke_rgb = np.array(hex_to_rgb(stroke), np.float32)

    def over(base: np.ndarray, color: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        return base * (1 - alpha[:, :, None]) + color * alpha[:, :, None]

    def ink(mix: np.ndarray) -> np.ndarray:
        return stroke_rgb + (fill_rgb - stroke_rgb) * mix[:, :, None]

    image = layout.background
    if layout.neighbour_alpha is not None and layout.neighbour_mix is not None:
        image = over(image, ink(layout.neighbour_mix), layout.neighbour_alpha)
    if layout.shadow_alpha is not None and layout.shadow_color is not None:
        image = over(image, np.array(shadow_rgb(layout.shadow_color, fill), np.float32), layout.shadow_alpha)
    image = over(image, ink(layout.mix), layout.alpha)
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)
