"""Mixing plans: even spreading of sources, and the MJSynth settings applied to a recipe."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.dataset.mixing import apply_mix_options, interleave
from synthocr.errors import UserError
from synthocr.recipe import Recipe


def test_interleave_keeps_each_count_and_spreads_it() -> None:
    schedule = interleave([6, 3, 1]).tolist()
    assert [schedule.count(i) for i in range(3)] == [6, 3, 1]
    ones = [i for i, s in enumerate(schedule) if s == 1]
    assert max(b - a for a, b in zip(ones, ones[1:])) <= 4
    assert interleave([0, 0]).tolist() == []


def test_mix_options_set_the_root_and_the_fraction(tiny_recipe: Recipe, tmp_path: Path) -> None:
    assert apply_mix_options(tiny_recipe) is tiny_recipe
    mixed = apply_mix_options(tiny_recipe, tmp_path / "mj", 0.25)
    assert mixed.mix.mjsynth is not None
    assert (mixed.mix.mjsynth.path, mixed.mix.mjsynth.fraction) == (str((tmp_path / "mj").resolve()), 0.25)
    again = apply_mix_options(mixed, mjsynth_fraction=0.5)
    assert (again.mix.mjsynth.path, again.mix.mjsynth.fraction) == (mixed.mix.mjsynth.path, 0.5)


def test_a_fraction_without_a_root_names_the_parameters(tiny_recipe: Recipe) -> None:
    with pytest.raises(UserError) as caught:
        apply_mix_options(tiny_recipe, mjsynth_fraction=0.2)
    assert str(caught.value) == "mjsynth_fraction needs mjsynth_root or a mix.mjsynth section in the recipe"
    assert caught.value.spelled(FLAG_NAMES) == "--mjsynth-fraction needs --mjsynth PATH or a mix.mjsynth section in the recipe"
