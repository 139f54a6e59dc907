"""Planning a run: samples per split and shards per split (the run itself: tests/integration/test_generate.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.dataset.generate import GenerateOptions, generate, plan_shards, split_counts
from synthocr.dataset.shards import ShardTask
from synthocr.errors import UserError
from synthocr.recipe import Recipe, load_recipe
from tests.integration.generate_fixtures import make_recipe


def test_a_total_is_shared_in_the_recipe_proportions_and_adds_up(tiny_recipe: Recipe) -> None:
    recipe = tiny_recipe.model_copy(update={"splits": tiny_recipe.splits.model_copy(update={"train": 8, "val": 1, "test": 1})})
    assert split_counts(recipe, None) == {"train": 8, "val": 1, "test": 1}
    assert split_counts(recipe, 7) == {"train": 5, "val": 1, "test": 1}  # 5.6, 0.7, 0.7: the two largest remainders
    assert split_counts(recipe, 1000) == {"train": 800, "val": 100, "test": 100}
    assert sum(split_counts(recipe, 13).values()) == 13


def test_shards_cover_every_split_in_order() -> None:
    tasks = plan_shards({"train": 7, "val": 0, "test": 3}, 3)
    assert tasks == [ShardTask("train", 0, 3, 0, 3), ShardTask("train", 1, 3, 3, 6), ShardTask("train", 2, 3, 6, 7),
                     ShardTask("test", 0, 1, 0, 3)]


def test_errors_name_the_parameters(tmp_path: Path) -> None:
    empty = load_recipe(make_recipe(tmp_path, splits={"train": 0, "val": 0, "test": 0}))
    with pytest.raises(UserError) as caught:
        split_counts(empty, 5)
    assert str(caught.value).endswith("every split is empty, count has nothing to scale")
    assert caught.value.spelled(FLAG_NAMES).endswith("every split is empty, --count has nothing to scale")
    with pytest.raises(UserError, match="^out_dir: empty path"):
        generate(empty, GenerateOptions(out_dir=" "))
