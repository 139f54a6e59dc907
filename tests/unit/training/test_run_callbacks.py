"""The callbacks of a run and their order: metrics, budget, checkpoints, state, early stopping, logs."""

from __future__ import annotations

from pathlib import Path

import keras

from synthocr.training.callbacks import Budget, RunState
from synthocr.training.charset import Charset
from synthocr.training.config import TrainConfig
from synthocr.training.run_callbacks import CallbackSettings, run_callbacks, tensorboard_installed


def test_without_val_or_real_sets_the_budget_comes_first_and_the_logs_last(tmp_path: Path) -> None:
    notes: list[str] = []
    settings = CallbackSettings(tmp_path, TrainConfig(early_stopping_patience=3), Charset("ab"), "loss", "min", best=0.25, max_steps=9)
    callbacks, budget = run_callbacks(settings, notes.append)
    kinds = [type(c).__name__ for c in callbacks]
    assert kinds[:7] == ["Budget", "TerminateOnNaN", "ModelCheckpoint", "ModelCheckpoint", "RunState", "EarlyStopping", "CSVLogger"]
    assert isinstance(budget, Budget) and budget is callbacks[0] and budget.max_steps == 9
    last, best = callbacks[2], callbacks[3]
    assert (Path(last.filepath), Path(best.filepath)) == (tmp_path / "checkpoints/last.keras", tmp_path / "checkpoints/best.keras")
    assert best.best == 0.25 and isinstance(callbacks[4], RunState) and callbacks[4].best == 0.25
    if tensorboard_installed():
        assert kinds[7:] == ["TensorBoardWithoutReal"] and notes == []
    else:
        assert len(kinds) == 7 and notes == ["tensorboard is not installed: no TensorBoard logs (log.csv has the same scalars)"]


def test_no_early_stopping_with_patience_0(tmp_path: Path) -> None:
    settings = CallbackSettings(tmp_path, TrainConfig(early_stopping_patience=0), Charset("ab"), "val_cer", "min")
    callbacks, _ = run_callbacks(settings)
    assert not any(isinstance(c, keras.callbacks.EarlyStopping) for c in callbacks)
