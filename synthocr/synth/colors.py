"""Colours: weighted choices of a colour or a per-channel uniform range, and their luma; and the
weighted draw of a key that the layout's other choices use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from synthocr.recipe import ColorChoice


def weighted(rng: np.random.Generator, weights: dict[Any, float]) -> Any:
    """A key of `weights` drawn by weight (keys of weight 0 never).

    >>> weighted(np.random.default_rng(0), {"a": 0.0, "b": 1.0})
    'b'
    """
    keys = [k for k, w in weights.items() if w > 0]
    probs = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


def draw_color(rng: np.random.Generator, choices: Sequence[ColorChoice]) -> str:
    """Draws '#rrggbb' from weighted choices; a range '#000000-#404040' is uniform per channel.

    >>> draw_color(np.random.default_rng(0), [ColorChoice(color="#102030")])
    '#102030'
    """
    weights = np.array([c.weight for c in choices], dtype=float)
    choice = choices[int(rng.choice(len(choices), p=weights / weights.sum()))] if len(choices) > 1 else choices[0]
    parts = choice.color.split("-")
    low = [int(parts[0][i : i + 2], 16) for i in (1, 3, 5)]
    high = [int(parts[-1][i : i + 2], 16) for i in (1, 3, 5)]
    channels = [int(rng.integers(min(a, b), max(a, b) + 1)) for a, b in zip(low, high)]
    return "#{:02x}{:02x}{:02x}".format(*channels)


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """The (r, g, b) channels of '#rrggbb'.

    >>> hex_to_rgb("#ff8000")
    (255, 128, 0)
    """
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def color_luma(color: str) -> float:
    """ITU-R BT.601 luma of '#rrggbb' (0-255), as the contrast checks weigh R, G and B.

    >>> color_luma("#000000"), round(color_luma("#ffffff"), 3)
    (0.0, 255.0)
    """
    rgb = np.asarray(hex_to_rgb(color), dtype=np.float32)
    return float(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
