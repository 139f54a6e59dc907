"""The text colour: chosen to stand out from the background strips, else black or white."""

from __future__ import annotations

from collections import Counter

import numpy as np

from synthocr.recipe import ColorChoice
from synthocr.synth.contrast import COLOR_MARGIN, MAX_COLOR_DRAWS, contrast_to, extreme_color, pick_color


def test_contrast_is_to_the_nearest_strip() -> None:
    assert round(contrast_to("#000000", [100.0, 30.0]), 3) == 30.0


def test_extreme_is_the_one_far_from_every_strip() -> None:
    assert extreme_color([20.0, 60.0])[0] == "#ffffff"
    assert extreme_color([230.0, 200.0]) == ("#000000", 200.0)


def test_a_readable_colour_of_the_recipe_is_kept() -> None:
    skips: Counter[str] = Counter()
    color, contrast = pick_color(np.random.default_rng(0), [ColorChoice(color="#000000")], 40.0, [230.0], skips)
    assert (color, round(contrast, 3), skips) == ("#000000", 230.0, Counter())
    assert contrast >= 40.0 * COLOR_MARGIN


def test_an_unreadable_recipe_falls_back_to_black_or_white() -> None:
    skips: Counter[str] = Counter()
    color, _ = pick_color(np.random.default_rng(0), [ColorChoice(color="#e0e0e0")], 40.0, [225.0], skips)
    assert color == "#000000"
    assert skips == Counter({"low_contrast_color": MAX_COLOR_DRAWS, "contrast_fallback": 1})
