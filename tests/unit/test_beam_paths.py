"""The recipe a Beam job ships: bundled fonts, backgrounds and word lists are found on a worker installed elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synthocr.recipe.paths as recipe_paths
from synthocr.paths import bundled
from synthocr.recipe import load_recipe, local_recipe, portable_recipe, recipe_from_dict


def test_bundled_paths_travel_relative_to_the_installation() -> None:
    recipe = load_recipe(bundled("recipes") / "default.yaml")
    shipped = portable_recipe(recipe)
    assert shipped.fonts.dirs == ["synthocr-bundled:fonts"]
    assert shipped.backgrounds.dirs == ["synthocr-bundled:backgrounds"]
    assert [s.path for s in shipped.text.sources if s.kind == "words"] == ["english_common", "english_common", "english", "trdg:en"]
    assert str(bundled("fonts").parent) not in json.dumps(shipped.resolved())  # no path of this machine
    assert local_recipe(shipped).resolved() == recipe.resolved()
    assert local_recipe(shipped).digest() == recipe.digest()


def test_a_worker_reads_its_own_installed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = portable_recipe(load_recipe(bundled("recipes") / "default.yaml"))
    worker_site = tmp_path / "site-packages" / "synthocr" / "_bundled"
    monkeypatch.setattr(recipe_paths, "bundled", lambda name: worker_site / name)
    on_worker = local_recipe(shipped)
    assert on_worker.fonts.dirs == [str(worker_site / "fonts")]
    assert on_worker.backgrounds.dirs == [str(worker_site / "backgrounds")]


def test_other_paths_are_shipped_as_they_are(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("alpha\n", encoding="utf-8")
    (tmp_path / "my_fonts").mkdir()
    recipe = recipe_from_dict(
        {"text": {"sources": [{"path": "words.txt"}]}, "fonts": {"dirs": ["my_fonts", str(bundled("fonts"))]}},
        base_dir=tmp_path,
    )
    shipped = portable_recipe(recipe)
    assert shipped.text.sources[0].path == str(words)
    assert shipped.fonts.dirs == [str(tmp_path / "my_fonts"), "synthocr-bundled:fonts"]


def test_the_recipe_hash_survives_a_moved_checkout_but_not_other_user_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipe = load_recipe(bundled("recipes") / "default.yaml")
    here = recipe.digest()
    shipped = portable_recipe(recipe)
    moved_site = tmp_path / "elsewhere" / "synthocr"
    monkeypatch.setattr(recipe_paths, "bundled", lambda name: moved_site / name)
    moved = local_recipe(shipped)  # the same recipe, loaded in a checkout moved to tmp_path
    assert moved.fonts.dirs == [str(moved_site / "fonts")] != recipe.fonts.dirs
    assert moved.digest() == here

    words_a, words_b = tmp_path / "a" / "words.txt", tmp_path / "b" / "words.txt"
    for words in (words_a, words_b):
        words.parent.mkdir()
        words.write_text("alpha\n", encoding="utf-8")
    mine = [recipe_from_dict({"text": {"sources": [{"path": str(w)}]}}, base_dir=tmp_path) for w in (words_a, words_b)]
    assert mine[0].digest() != mine[1].digest()  # a user's own word list is told apart by its path
