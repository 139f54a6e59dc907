"""Around the word: the cut-off edge of another text line above or below it (`geometry.neighbours`)
and a drop shadow or extrusion behind its letters (`colors.shadow`).

Both are painted in the frame but kept out of the word's ink mask: the checks after augmentation
are about the letters the label names, and another line's cut edge is meant to be cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from synthocr.recipe import GeometryConfig, Recipe
from synthocr.synth.colors import color_luma, draw_color, hex_to_rgb, weighted


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


def neighbour_margins(neighbour: Neighbour, margins: list[int]) -> list[int]:
    """The frame's margins (top, left, bottom, right) with the other line's strip and the gap
    taking that side's margin."""
    top, left, bottom, right = margins
    if neighbour.side == "above":
        return [neighbour.rows + neighbour.gap, left, bottom, right]
    return [top, left, neighbour.rows + neighbour.gap, right]


def neighbour_frame(alpha: np.ndarray, mix: np.ndarray, neighbour: Neighbour, shape: tuple[int, int],
                    x: int) -> tuple[np.ndarray, np.ndarray]:
    """The other line's ink mask and mix in a frame of `shape`: its edge (its last `rows` rows when
    above the word, its first when below) in the frame's outermost rows on that side, its left end
    at column `x`; what falls outside the frame is cut, as the crop of a real sign cuts it."""
    height, width = shape
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
    return frame_alpha, frame_mix


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
