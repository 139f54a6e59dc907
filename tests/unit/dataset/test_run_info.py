"""The run file's content: the recipe's settings and a digest of every input file it reads."""

from __future__ import annotations

from pathlib import Path

from synthocr.dataset.run_info import RUN_INPUTS, input_digests, run_info, with_inputs
from synthocr.recipe import load_recipe
from tests.integration.generate_fixtures import make_recipe


def test_a_word_list_or_font_changed_in_place_changes_its_digest_only(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path))
    before = input_digests(recipe)
    assert {"text.sources[0]", "fonts.dirs[0]"} <= set(before)
    (tmp_path / "words.txt").write_text("other\n", encoding="utf-8")
    after = input_digests(recipe)
    assert [k for k in before if before[k] != after[k]] == ["text.sources[0]"]
    (tmp_path / "fonts" / "extra.ttf").write_bytes(b"not really a font")
    assert input_digests(recipe)["fonts.dirs[0]"] != after["fonts.dirs[0]"]


def test_the_run_info_names_recipe_seed_counts_weights_and_inputs(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path))
    info = run_info(recipe, {"train": 4}, {"F": 2.0})
    assert info == {"recipe_hash": recipe.digest(), "seed": 7, "counts": {"train": 4}, "font_weights": {"F": 2.0}}
    assert with_inputs(info, recipe)[RUN_INPUTS] == input_digests(recipe) and RUN_INPUTS not in info
