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


@pytest.mark.parametrize(("minutes", "count", "line"), [
    (2.5, 45000, "--minutes 2.5: the demo needs at least 3 minutes (generate, train, evaluate, report)"),
    (15.0, 499, "--count 499: the demo needs at least 500 samples to have val and test splits worth reading"),
])
def test_a_demo_too_short_or_too_small_is_refused_naming_the_option(minutes: float, count: int, line: str) -> None:
    from synthocr.cli import FLAG_NAMES
    from synthocr.demo import check_demo_options
    from synthocr.errors import UserError

    check_demo_options(3.0, 500)
    with pytest.raises(UserError) as caught:
        check_demo_options(minutes, count)
    assert caught.value.spelled(FLAG_NAMES) == line


def test_a_fixed_step_count_sets_the_schedule_and_the_limit(tmp_path: Path) -> None:
    from synthocr.demo import DemoOptions, _Clock, _train_budget

    steps, minutes, limit = _train_budget(DemoOptions(tmp_path, minutes=10.0, steps=40), _Clock(10.0), config=None, num_classes=63)
    assert (steps, limit) == (40, 40)
    assert 7.9 < minutes <= 8.0  # the budget less the two minutes kept for evaluation and the report


def test_no_time_left_to_train_names_the_minutes(tmp_path: Path) -> None:
    from synthocr.cli import FLAG_NAMES
    from synthocr.demo import DemoOptions, _Clock, _train_budget
    from synthocr.errors import UserError

    with pytest.raises(UserError) as caught:
        _train_budget(DemoOptions(tmp_path, minutes=2.0), _Clock(2.0), config=None, num_classes=63)
    assert caught.value.spelled(FLAG_NAMES) == "--minutes 2: no time left to train after generating; give the demo more minutes"
