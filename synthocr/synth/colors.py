"""Colour distributions: weighted choices of a colour or a per-channel uniform range."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synthocr.recipe import ColorChoice


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
