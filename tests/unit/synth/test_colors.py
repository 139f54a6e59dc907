"""Colours: weighted choices, per-channel ranges, hex parsing and luma."""

from __future__ import annotations

import numpy as np

from synthocr.recipe import ColorChoice
from synthocr.synth.colors import color_luma, draw_color, hex_to_rgb


def test_a_range_is_uniform_per_channel_within_its_ends() -> None:
    choices = [ColorChoice(color="#100020-#2000ff")]
    drawn = [hex_to_rgb(draw_color(np.random.default_rng(seed), choices)) for seed in range(200)]
    reds, greens, blues = zip(*drawn)
    assert min(reds) >= 0x10 and max(reds) <= 0x20 and set(greens) == {0}
    assert min(blues) >= 0x20 and max(blues) <= 0xFF and len(set(blues)) > 50


def test_weights_choose_between_colours() -> None:
    choices = [ColorChoice(color="#000000", weight=1), ColorChoice(color="#ffffff", weight=0)]
    assert {draw_color(np.random.default_rng(seed), choices) for seed in range(30)} == {"#000000"}


def test_luma_weighs_green_most() -> None:
    assert color_luma("#00ff00") > color_luma("#ff0000") > color_luma("#0000ff")
    assert abs(color_luma("#ffffff") - 255.0) < 1e-3
