"""The budget of a run: which limit holds, steps per epoch, epochs and the schedule's length."""

from __future__ import annotations

import pytest

from synthocr.training.budget import StepPlan, epochs_bound, plan_steps
from synthocr.training.config import TrainConfig


@pytest.mark.parametrize(("epochs", "steps", "minutes", "bound"), [
    (None, None, None, True), (5, None, None, True), (None, 100, None, False), (None, None, 2.0, False), (5, 100, 2.0, True),
])
def test_epochs_bound_the_run_when_asked_for_or_when_nothing_else_is(epochs, steps, minutes, bound) -> None:  # type: ignore[no-untyped-def]
    assert epochs_bound(epochs, steps, minutes) is bound


def test_a_run_bounded_by_epochs_schedules_over_all_their_steps() -> None:
    assert plan_steps(TrainConfig(batch_size=8, epochs=4), 100) == StepPlan(steps_per_epoch=13, epochs=4, schedule_steps=52)


def test_max_steps_caps_the_epoch_and_the_epochs() -> None:
    plan = plan_steps(TrainConfig(batch_size=8, epochs=20), 1000, max_steps=30, epochs_limited=False)
    assert plan == StepPlan(steps_per_epoch=30, epochs=1, schedule_steps=30)
    assert plan_steps(TrainConfig(batch_size=10, epochs=2), 1000, max_steps=250) == StepPlan(100, 2, 250)


def test_a_minutes_only_run_has_no_epoch_limit_and_an_explicit_schedule_wins() -> None:
    config = TrainConfig(batch_size=10, epochs=3, steps_per_epoch=7)
    assert plan_steps(config, 1000, epochs_limited=False) == StepPlan(7, None, 21)
    assert plan_steps(config, 1000, schedule_steps=500, epochs_limited=False) == StepPlan(7, None, 500)
