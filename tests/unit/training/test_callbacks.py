"""The run's own callbacks: the step and time budget, the resumable state file."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from synthocr.errors import UserError
from synthocr.training.callbacks import Budget, RunState, read_state


def _model(steps: int) -> SimpleNamespace:
    """Just what the callbacks read of a model: the optimiser's step count and stop_training."""
    return SimpleNamespace(optimizer=SimpleNamespace(iterations=SimpleNamespace(numpy=lambda: steps)), stop_training=False)


def test_the_budget_counts_steps_from_the_optimisers_count_and_stops_at_max_steps() -> None:
    budget = Budget(max_steps=12)
    budget.set_model(_model(10))
    budget.on_train_begin()
    budget.on_train_batch_end(0)
    assert not budget.model.stop_training and budget.reason is None
    budget.on_train_batch_end(1)
    assert budget.model.stop_training and budget.reason == "reached 12 steps"


def test_the_budget_stops_when_the_minutes_are_spent() -> None:
    budget = Budget(minutes=0.0)
    budget.set_model(_model(0))
    budget.on_train_begin()
    budget.on_train_batch_end(0)
    assert budget.reason == "reached 0 minutes"


@pytest.mark.parametrize(("mode", "values", "best"), [("min", [0.5, 0.3, 0.4], 0.3), ("max", [0.5, 0.7, 0.6], 0.7)])
def test_the_state_keeps_the_best_value_in_the_monitors_direction(tmp_path: Path, mode: str, values: list[float], best: float) -> None:
    state = RunState(tmp_path / "state.json", "m", None, None, mode)
    state.set_model(_model(40))
    for epoch, value in enumerate(values):
        state.on_epoch_end(epoch, {"m": value})
    assert json.loads((tmp_path / "state.json").read_text()) == {"epoch": 3, "steps": 40, "monitor": "m", "best": best}
    assert read_state(tmp_path / "state.json")["best"] == best


def test_a_missing_state_says_there_is_nothing_to_resume(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        read_state(tmp_path / "state.json")
    assert caught.value.spelled({"resume=True": "--resume"}) == f"{tmp_path}: nothing to resume (no state.json; train without --resume first)"
