"""The text colour: one of the recipe's that stands out from the background around the ink, else
black or white, whichever stands out more (bounded draws, every one from the sample's RNG)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from synthocr.recipe import ColorChoice
from synthocr.synth.colors import color_luma, draw_color

MAX_COLOR_DRAWS = 10
COLOR_MARGIN = 2.5  # colours are chosen this far above min_contrast: augmentation can more than halve it


def contrast_to(color: str, backgrounds: list[float]) -> float:
    """The least luma distance from a colour to the background strips.

    >>> round(contrast_to("#ffffff", [55.0, 200.0]), 1)
    55.0
    """
    value = color_luma(color)
    return min(abs(value - b) for b in backgrounds)


def extreme_color(backgrounds: list[float]) -> tuple[str, float]:
    """Black or white, whichever stands out more from every background strip, and its contrast.

    >>> extreme_color([200.0, 180.0])
    ('#000000', 180.0)
    """
    color = max(("#000000", "#ffffff"), key=lambda c: contrast_to(c, backgrounds))
    return color, contrast_to(color, backgrounds)


def pick_color(rng: np.random.Generator, choices: Sequence[ColorChoice], min_contrast: float,
               backgrounds: list[float], skips: Counter[str]) -> tuple[str, float]:
    """(colour, contrast): a colour of `choices` at least `COLOR_MARGIN` x `min_contrast` from every
    strip of the background; else black or white, whichever stands out more. Draws that fall
    short are counted in `skips`."""
    wanted = min(255.0, min_contrast * COLOR_MARGIN)
    for _ in range(MAX_COLOR_DRAWS):
        color = draw_color(rng, choices)
        contrast = contrast_to(color, backgrounds)
        if contrast >= wanted:
            return color, contrast
        skips["low_contrast_color"] += 1
    # No draw from the recipe's distribution is readable here: fall back to black or white.
    skips["contrast_fallback"] += 1
    return extreme_color(backgrounds)
