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
from synthocr.synth.colors import color_luma, draw_color, hex_to_rgb
from synthocr.synth.render import TextStyle, crop_to_ink, render_text


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
        return np.maximum.reduce(layers) > 0.05 if len(layers) > 1 else layers[0] > 0.05


def weighted(rng: np.random.Generator, weights: dict[Any, float]) -> Any:
    """A key of `weights` drawn by weight (keys of weight 0 never).

    >>> weighted(np.random.default_rng(0), {"a": 0.0, "b": 1.0})
    'b'
    """
    keys = [k for k, w in weights.items() if w > 0]
    probs = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


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


@dataclass
class Neighbour:
    """Where another line of text sits beside the word: above or below, how many of the frame's
    rows its cut edge takes, the gap to the word, and its text."""

    side: str
    rows: int
    gap: int
    text: str


def draw_neighbour(rng: np.random.Generator, text: str, geometry: GeometryConfig,
                   meta: dict[str, Any]) -> Neighbour | None:
    """For a `neighbours.p` share of the words, a neighbouring line (drawn, and put in `meta`, only
    when the recipe has neighbours). Its text is random letters in the word's case, a little longer
    than the word: only a strip of it shows, so no reader could name it."""
    config = geometry.neighbours
    if config is None or not config.p:
        return None
    if rng.random() >= config.p:
        meta["neighbour"] = None
        return None
    side = "above" if rng.random() < 0.5 else "below"
    rows = max(2, round(float(rng.uniform(*config.visible)) * geometry.height))
    gap = int(rng.integers(config.gap[0], config.gap[1] + 1))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if text.isupper() else "abcdefghijklmnopqrstuvwxyz"
    length = len(text) + int(rng.integers(0, 6))
    other = "".join(letters[i] for i in rng.integers(0, len(letters), size=length))
    meta["neighbour"] = side
    meta["neighbour_rows"] = rows
    return Neighbour(side, rows, gap, other)


SHADOW_DIRECTIONS = {(1, 1): 0.5, (-1, 1): 0.2, (0, 1): 0.15, (1, 0): 0.15}  # (dx, dy): light from above, mostly the left


@dataclass
class Shadow:
    """A shadow's direction, offset in pixels, whether it is extruded, and its colour."""

    dx: int
    dy: int
    offset: int
    extrude: bool
    color: str


def draw_shadow(rng: np.random.Generator, recipe: Recipe, meta: dict[str, Any]) -> Shadow | None:
    """For a `colors.shadow.p` share of the words, a shadow (drawn, and put in `meta`, only when the
    recipe has one)."""
    config = recipe.colors.shadow
    if config is None or not config.p:
        return None
    if rng.random() >= config.p:
        meta["shadow"] = None
        return None
    dx, dy = weighted(rng, SHADOW_DIRECTIONS)
    offset = int(rng.integers(config.offset[0], config.offset[1] + 1))
    extrude = bool(rng.random() < config.extrude)
    color = draw_color(rng, config.colors)
    meta["shadow"] = f"{'extrusion' if extrude else 'drop'} {offset}px"
    return Shadow(dx, dy, offset, extrude, color)


def shadow_of(alpha: np.ndarray, shadow: Shadow) -> np.ndarray:
    """The ink mask moved by the shadow's offset (every step of it for an extrusion), cut at the frame."""
    height, width = alpha.shape
    out = np.zeros_like(alpha)
    for step in range(1 if shadow.extrude else shadow.offset, shadow.offset + 1):
        x, y = shadow.dx * step, shadow.dy * step
        target = out[max(0, y) : height + min(0, y), max(0, x) : width + min(0, x)]
        source = alpha[max(0, -y) : height - max(0, y), max(0, -x) : width - max(0, x)]
        np.maximum(target, source, out=target)
    return out


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
    # Scale the word to the output height less the margins, as trdg does, and paint the
    # background at the final size: compositing at 32 px is far cheaper than at render size.
    top, left, bottom, right = margins
    if neighbour is not None:  # the other line's strip and the gap take that side's margin
        if neighbour.side == "above":
            top = neighbour.rows + neighbour.gap
        else:
            bottom = neighbour.rows + neighbour.gap
        meta["margins"] = [top, left, bottom, right]
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
        # The same font, size, stroke, distortion, stretch, slant and rotation as the word: a line
        # of the same sign. Scaled by the word's own factor, so its letters are as tall as the word's.
        other = crop_to_ink(render_text(neighbour.text, style, seed + 1))
        other_h = max(1, round(other.alpha.shape[0] * text_h / rendered.alpha.shape[0]))
        other_alpha, other_mix, _ = scale_word(other.alpha, other.mix, style.skew, other_h, stretch, shear)
        place_neighbour(layout, other_alpha, other_mix, neighbour, int(rng.integers(-text_w // 3, text_w // 3 + 1)) + left)
    return layout


def place_neighbour(layout: Layout, alpha: np.ndarray, mix: np.ndarray, neighbour: Neighbour, x: int) -> None:
    """Puts the edge of the other line (its last `rows` rows when above the word, its first when
    below) in the frame's outermost rows on that side, its left end at column `x`; what falls
    outside the frame is cut, as the crop of a real sign cuts it."""
    height, width = layout.alpha.shape
    rows = min(neighbour.rows, alpha.shape[0])
    if neighbour.side == "above":
        source, target = slice(alpha.shape[0] - rows, alpha.shape[0]), slice(neighbour.rows - rows, neighbour.rows)
    else:
        source, target = slice(0, rows), slice(height - neighbour.rows, height - neighbour.rows + rows)
    first, last = max(0, x), min(width, x + alpha.shape[1])
    frame_alpha = np.zeros((height, width), np.float32)
    frame_mix = np.ones((height, width), np.float32)
    if last > first:
        frame_alpha[target, first:last] = alpha[source, first - x : last - x]
        frame_mix[target, first:last] = mix[source, first - x : last - x]
    layout.neighbour_alpha, layout.neighbour_mix = frame_alpha, frame_mix


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


SHADOW_MIN_LUMA_GAP = 60.0


def shadow_rgb(shadow: str, fill: str) -> tuple[int, int, int]:
    """The shadow's colour, or black or white (whichever stands out more) when it is within
    `SHADOW_MIN_LUMA_GAP` of the letters' luma: a shadow in the letters' own colour only fattens them.

    >>> shadow_rgb("#202020", "#ffffff"), shadow_rgb("#202020", "#101010")
    ((32, 32, 32), (255, 255, 255))
    """
    if abs(color_luma(shadow) - color_luma(fill)) >= SHADOW_MIN_LUMA_GAP:
        return hex_to_rgb(shadow)
    return (0, 0, 0) if color_luma(fill) >= 128 else (255, 255, 255)


def composite(layout: Layout, fill: str, stroke: str) -> np.ndarray:
    """The word in its fill and stroke colours over the background, as H x W x 3 uint8 RGB."""
    fill_rgb = np.array(hex_to_rgb(fill), np.float32)
    stroke_rgb = np.array(hex_to_rgb(stroke), np.float32)
    background = layout.background
    if layout.neighbour_alpha is not None and layout.neighbour_mix is not None:
        other = stroke_rgb + (fill_rgb - stroke_rgb) * layout.neighbour_mix[:, :, None]
        b = layout.neighbour_alpha[:, :, None]
        background = background * (1 - b) + other * b
    if layout.shadow_alpha is not None and layout.shadow_color is not None:
        shade = np.array(shadow_rgb(layout.shadow_color, fill), np.float32)
        s = layout.shadow_alpha[:, :, None]
        background = background * (1 - s) + shade * s
    ink = stroke_rgb + (fill_rgb - stroke_rgb) * layout.mix[:, :, None]
    a = layout.alpha[:, :, None]
    return np.clip(background * (1 - a) + ink * a + 0.5, 0, 255).astype(np.uint8)
