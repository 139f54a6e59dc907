"""A tiny recipe (two shards of three samples) and its writer, shared by the dataset unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.dataset.generate import plan_shards
from synthocr.dataset.shards import ShardTask, ShardWriter
from synthocr.recipe import Recipe, load_recipe
from tests.integration.generate_fixtures import make_recipe


@pytest.fixture(scope="session")
def tiny_recipe(tmp_path_factory: pytest.TempPathFactory) -> Recipe:
    folder = tmp_path_factory.mktemp("recipe")
    return load_recipe(make_recipe(folder, splits={"train": 6, "val": 0, "test": 0}, output={"shard_size": 3}))


@pytest.fixture(scope="session")
def tiny_tasks(tiny_recipe: Recipe) -> list[ShardTask]:
    return plan_shards({"train": 6}, 3)


@pytest.fixture
def writer(tiny_recipe: Recipe, tmp_path: Path) -> ShardWriter:
    """A writer into a fresh folder whose parts folder exists (as a started run's does)."""
    (tmp_path / "out" / ".parts").mkdir(parents=True)
    return ShardWriter(tiny_recipe, tmp_path / "out")
