"""The demo's small helpers: how paths are shown and how a sample count is split."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.demo import demo_splits, shown_path


def test_a_path_under_the_working_directory_is_shown_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "recipes" / "default.yaml") == Path("recipes/default.yaml")


def test_a_path_elsewhere_is_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert shown_path(tmp_path / "there" / "r.yaml") == tmp_path / "there" / "r.yaml"


@pytest.mark.parametrize(("count", "expected"), [
    (45000, {"train": 40000, "val": 1000, "test": 4000}),
    (1000, {"train": 800, "val": 40, "test": 160}),
])
def test_demo_splits_cap_test_and_val_and_keep_the_rest_for_training(count: int, expected: dict[str, int]) -> None:
    splits = demo_splits(count)
    assert splits == expected
    assert sum(splits.values()) == count
