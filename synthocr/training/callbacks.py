"""Keras callbacks of a training run: decoded validation metrics, the step/time budget, resumable state."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

from synthocr.training.charset import Charset
from synthocr.training.decode import greedy_decode
from synthocr.training.scoring import summarise

# Several hosts training in lock-step share the primary host's values (Placement.agree).
Agree = Callable[[Sequence[float]], list[float]]


class DecodedValidation(keras.callbacks.Callback):
    """After each epoch, decodes the val batches and adds val_loss, val_word_accuracy and val_cer to the logs.

    Listed first among the callbacks, so checkpoints, early stopping and the CSV and TensorBoard
    logs all see the decoded metrics, not only the loss. With several hosts, each decodes the
    whole val set and `agree` hands every host the primary's numbers, so that early stopping
    and checkpoints decide alike everywhere.
    """

    def __init__(self, dataset: Any, charset: Charset, agree: Agree | None = None):
        super().__init__()
        self.dataset = dataset
        self.charset = charset
        self.agree = agree
        self._ctc = keras.losses.CTC(reduction=None)

    def evaluate(self) -> dict[str, float]:
        """val_loss (mean CTC), val_word_accuracy (exact match) and val_cer (total edits / total characters)."""
        texts: list[str] = []
        predictions: list[str] = []
        losses: list[np.ndarray] = []
        for images, labels in self.dataset:
            logits = self.model(images, training=False)
            losses.append(keras.ops.convert_to_numpy(self._ctc(labels, logits)))
            labels = keras.ops.convert_to_numpy(labels)
            texts.extend(self.charset.decode(row) for row in labels)
            predictions.extend(d.text for d in greedy_decode(keras.ops.convert_to_numpy(logits), self.charset))
        summary = summarise(texts, predictions)
        return {
            "val_loss": float(np.concatenate(losses).mean()) if losses else float("nan"),
            "val_word_accuracy": summary["exact"],
            "val_cer": summary["cer"],
        }

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            metrics = self.evaluate()
            if self.agree is not None:
                metrics = dict(zip(metrics, self.agree(list(metrics.values()))))
            logs.update(metrics)


class Budget(keras.callbacks.Callback):
    """Stops training once the optimiser has taken `max_steps` steps or `minutes` have passed.

    With several hosts (`agree` given), the primary host's clock decides, every `sync_every`
    steps: the step count is the same everywhere, the clocks are not.
    """

    def __init__(self, max_steps: int | None = None, minutes: float | None = None, agree: Agree | None = None, sync_every: int = 10):
        super().__init__()
        self.max_steps = max_steps
        self.seconds = None if minutes is None else minutes * 60.0
        self.agree = agree
        self.sync_every = sync_every
        self.started = time.monotonic()
        self.reason: str | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.started = time.monotonic()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        steps = int(self.model.optimizer.iterations.numpy())
        if self.max_steps is not None and steps >= self.max_steps:
            self.reason = f"reached {self.max_steps} steps"
        elif self.seconds is not None and self._out_of_time(steps, self.seconds):
            self.reason = f"reached {self.seconds / 60:g} minutes"
        if self.reason:
            self.model.stop_training = True

    def _out_of_time(self, steps: int, seconds: float) -> bool:
        late = time.monotonic() - self.started >= seconds
        if self.agree is None:
            return late
        return steps % self.sync_every == 0 and self.agree([float(late)])[0] > 0


class RunState(keras.callbacks.Callback):
    """Writes `state.json` after each epoch's checkpoint: epochs done, best val_cer, optimiser steps.

    `--resume` reads it to continue the epoch count; the optimiser state itself is in the
    checkpoint `last.keras`.
    """

    def __init__(self, path: Path, monitor: str, best: float | None, checkpoint: keras.callbacks.ModelCheckpoint | None):
        super().__init__()
        self.path = path
        self.monitor = monitor
        self.best = best
        self.checkpoint = checkpoint

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and np.isfinite(value) and (self.best is None or value < self.best):
            self.best = float(value)
        state = {
            "epoch": epoch + 1,
            "steps": int(self.model.optimizer.iterations.numpy()),
            "monitor": self.monitor,
            "best": self.best,
        }
        self.path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def read_state(path: Path) -> dict[str, Any]:
    """The `state.json` of a run, or a UserError naming it."""
    from synthocr.errors import UserError

    if not path.is_file():
        raise UserError(f"{path.parent}: nothing to resume (no {path.name}; train without --resume first)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err})") from None
