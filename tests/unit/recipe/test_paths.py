"""Recipe paths: resolved against the recipe's folder, portable across installations."""

from __future__ import annotations

from pathlib import Path

from synthocr.paths import bundled
from synthocr.recipe import BUNDLED_PREFIX
from synthocr.recipe.paths import resolve_path, to_local, to_portable


def test_bundled_paths_go_portable_and_back() -> None:
    font = str(bundled("fonts") / "Cabin-Bold.otf")
    portable = to_portable(font)
    assert portable == f"{BUNDLED_PREFIX}fonts/Cabin-Bold.otf"
    assert Path(to_local(portable)) == Path(font)
    assert to_portable(str(bundled("backgrounds"))) == f"{BUNDLED_PREFIX}backgrounds"


def test_other_paths_stay_as_they_are(tmp_path: Path) -> None:
    assert to_portable(str(tmp_path)) == str(tmp_path)
    assert to_local(str(tmp_path)) == str(tmp_path)
    assert to_portable("trdg:en") == "trdg:en"


def test_relative_paths_resolve_against_the_recipe_folder(tmp_path: Path) -> None:
    assert resolve_path(tmp_path, "../x") == str((tmp_path / "../x").resolve())
    assert resolve_path(tmp_path, "/abs/y") == "/abs/y"
    assert resolve_path(tmp_path, "english") == "english"
