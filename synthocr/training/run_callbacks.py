"""The callbacks of one training run, in the order they must run: metrics first, then the budget,
the checkpoints and the run state, then early stopping and the logs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from synthocr.training.callbacks import Agree, Budget, DecodedValidation, RealValidation, RunState, TensorBoardWithoutReal
from synthocr.training.charset import Charset
from synthocr.training.config import TrainConfig
from synthocr.training.rundir import BEST_CHECKPOINT, LAST_CHECKPOINT, LOG_FILE, LOGS_DIR, STATE_FILE


@dataclass(frozen=True)
class CallbackSettings:
    """What the callbacks of a run watch and where they write.

    `monitor` and `mode` ('min' or 'max') pick the best checkpoint and drive early stopping;
    `best` is the best value of a resumed run (None: none yet); `val_data` the decoded val
    batches (None: no val split); `write_logs`: this host writes TensorBoard's real-set scalars.
    """

    out: Path
    config: TrainConfig
    charset: Charset
    monitor: str
    mode: str
    best: float | None = None
    val_data: Any = None
    real_sets: Sequence[Any] = ()
    max_steps: int | None = None
    minutes: float | None = None
    resume: bool = False
    agree: Agree | None = None
    write_logs: bool = True


def tensorboard_installed() -> bool:
    """TensorBoard logs need the tensorboard package (an optional extra)."""
    return importlib.util.find_spec("tensorboard") is not None


def run_callbacks(settings: CallbackSettings, on_message: Callable[[str], None] = lambda message: None) -> tuple[list[Any], Budget]:
    """(the run's callbacks, its Budget callback, which says why the run stopped)."""
    s, out = settings, settings.out
    batch_size = s.config.batch_size
    tensorboard = tensorboard_installed()
    callbacks: list[keras.callbacks.Callback] = []
    if s.val_data is not None:
        callbacks.append(DecodedValidation(s.val_data, s.charset, batch_size, s.agree))
    if s.real_sets:
        log_dir = out / LOGS_DIR if tensorboard and s.write_logs else None
        callbacks.append(RealValidation(s.real_sets, s.charset, batch_size, s.agree, log_dir=log_dir))
    last = keras.callbacks.ModelCheckpoint(out / LAST_CHECKPOINT, save_best_only=False)
    best = keras.callbacks.ModelCheckpoint(out / BEST_CHECKPOINT, monitor=s.monitor, mode=s.mode, save_best_only=True)
    if s.best is not None:
        best.best = s.best
    budget = Budget(s.max_steps, s.minutes, agree=s.agree)
    callbacks += [budget, keras.callbacks.TerminateOnNaN(), last, best, RunState(out / STATE_FILE, s.monitor, s.best, last, s.mode)]
    if s.config.early_stopping_patience:
        callbacks.append(keras.callbacks.EarlyStopping(monitor=s.monitor, mode=s.mode, patience=s.config.early_stopping_patience))
    callbacks.append(keras.callbacks.CSVLogger(str(out / LOG_FILE), append=s.resume))
    if tensorboard:
        callbacks.append(TensorBoardWithoutReal(log_dir=str(out / LOGS_DIR), write_graph=False, profile_batch=0))
    else:
        on_message("tensorboard is not installed: no TensorBoard logs (log.csv has the same scalars)")
    return callbacks, budget
