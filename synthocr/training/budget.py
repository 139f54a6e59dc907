"""How long a run trains: epochs, steps per epoch and the learning-rate schedule's length; no TensorFlow.

The budget is `config.epochs`, unless only steps or minutes were asked for (`epochs_bound`);
`max_steps` counts optimiser steps over the whole run, resumes included; minutes count one
invocation's wall time (the `Budget` callback watches both while the run goes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from synthocr.training.config import TrainConfig


def epochs_bound(epochs: int | None, max_steps: int | None, minutes: float | None) -> bool:
    """Whether the configured epochs bound a run: when epochs were asked for, or no other limit was.

    >>> epochs_bound(None, None, None), epochs_bound(None, 500, None), epochs_bound(3, None, 10.0)
    (True, False, True)
    """
    return epochs is not None or (max_steps is None and minutes is None)


@dataclass(frozen=True)
class StepPlan:
    """Steps per epoch, the epochs to run (None: no epoch limit, steps or minutes end the run) and
    the length of the cosine schedule in steps."""

    steps_per_epoch: int
    epochs: int | None
    schedule_steps: int


def plan_steps(config: TrainConfig, train_count: int, max_steps: int | None = None, schedule_steps: int | None = None,
               epochs_limited: bool = True) -> StepPlan:
    """The StepPlan of a run over `train_count` training samples.

    One step takes the global batch whatever the number of devices, so an epoch has as many steps;
    the schedule lasts `schedule_steps`, else `max_steps`, else the configured epochs' steps.

    >>> plan_steps(TrainConfig(batch_size=10, epochs=3), 95)
    StepPlan(steps_per_epoch=10, epochs=3, schedule_steps=30)
    >>> plan_steps(TrainConfig(batch_size=10, epochs=3), 95, max_steps=25, epochs_limited=False)
    StepPlan(steps_per_epoch=10, epochs=3, schedule_steps=25)
    >>> plan_steps(TrainConfig(batch_size=10, epochs=3), 95, epochs_limited=False)
    StepPlan(steps_per_epoch=10, epochs=None, schedule_steps=30)
    """
    steps_per_epoch = config.steps_per_epoch or max(1, math.ceil(train_count / config.batch_size))
    if max_steps is not None:
        steps_per_epoch = min(steps_per_epoch, max_steps)
    epochs = config.epochs if epochs_limited else None
    if max_steps is not None:
        by_steps = math.ceil(max_steps / steps_per_epoch)
        epochs = by_steps if epochs is None else min(epochs, by_steps)
    horizon = schedule_steps or max_steps or steps_per_epoch * (epochs if epochs is not None else config.epochs)
    return StepPlan(steps_per_epoch, epochs, horizon)


def learning_rate(config: TrainConfig, total_steps: int) -> Any:
    """Adam's learning rate: the configured constant, or a linear warm-up then cosine decay over `total_steps`."""
    import keras

    if config.lr_schedule == "constant":
        return config.learning_rate
    warmup = min(config.warmup_steps, total_steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0 if warmup else config.learning_rate,
        warmup_target=config.learning_rate if warmup else None,
        warmup_steps=warmup,
        decay_steps=max(1, total_steps - warmup),
        alpha=config.min_lr_ratio,
    )


def schedule_steps(optimizer: Any) -> int | None:
    """Warm-up plus decay steps of the optimiser's learning-rate schedule (a resumed run's is the
    one it was built with), or None for a constant rate."""
    schedule = optimizer.get_config().get("learning_rate")
    if not isinstance(schedule, dict):
        return None
    settings = schedule.get("config", {})
    return int(settings.get("decay_steps", 0)) + int(settings.get("warmup_steps", 0))
