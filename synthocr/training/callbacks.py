"""Keras callbacks of a training run: decoded validation metrics, the step/time budget, resumable state."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

from synthocr.metrics import summarise
from synthocr.training.charset import Charset
from synthocr.training.decode import greedy_decode

# Several hosts training in lock-step share the primary host's values (Placement.agree).
Agree = Callable[[Sequence[float]], list[float]]


def compiled_ctc_loss() -> Callable[[Any, Any], Any]:
    """keras.losses.CTC per sample, as one compiled function (tf.function or jax.jit) of (labels, logits).

    Run op by op, the CTC loss of one batch costs ten times (TensorFlow) to two hundred times
    (JAX) as long as the model's compiled forward pass.
    """
    loss = keras.losses.CTC(reduction=None)
    if keras.backend.backend() == "jax":
        import jax

        return jax.jit(lambda labels, logits: loss(labels, logits))
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda labels, logits: loss(labels, logits))
    return loss


def compiled_forward(model: keras.Model) -> Callable[[np.ndarray], np.ndarray]:
    """images -> logits as numpy, through one compiled inference function that reads the current weights.

    Not `predict_on_batch`: under a TensorFlow MirroredStrategy (Keras 3.15) it returns every
    replica's copy of the batch, and under JAX on several hosts it takes each host's batch
    for a part of one global batch. This runs the same batch on every host instead: with
    replicated weights, each host gets the whole result.
    """
    if keras.backend.backend() == "jax":
        import jax

        @jax.jit
        def run(trainable: Any, non_trainable: Any, images: Any) -> Any:
            logits, _ = model.stateless_call(trainable, non_trainable, images, training=False)
            return logits

        def forward(images: np.ndarray) -> np.ndarray:
            trainable = [v.value for v in model.trainable_variables]
            return np.asarray(run(trainable, [v.value for v in model.non_trainable_variables], images))

        return forward
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        graph = tf.function(lambda images: model(images, training=False))
        return lambda images: graph(images).numpy()
    return lambda images: keras.ops.convert_to_numpy(model(images, training=False))


class DecodedValidation(keras.callbacks.Callback):
    """After each epoch, decodes the val batches and adds val_loss, val_word_accuracy and val_cer to the logs.

    Listed first among the callbacks, so checkpoints, early stopping and the CSV and TensorBoard
    logs all see the decoded metrics, not only the loss. With several hosts, each decodes the
    whole val set and `agree` hands every host the primary's numbers, so that early stopping
    and checkpoints decide alike everywhere.

    The model runs compiled (`compiled_forward`); a smaller last batch is padded to
    `batch_size` (with copies of its last sample, left out of the metrics), so that one input
    shape is traced or compiled once.
    """

    def __init__(self, dataset: Any, charset: Charset, batch_size: int, agree: Agree | None = None):
        super().__init__()
        self.dataset = dataset
        self.charset = charset
        self.batch_size = batch_size
        self.agree = agree
        self._ctc = compiled_ctc_loss()
        self._forward: Callable[[np.ndarray], np.ndarray] | None = None

    def evaluate(self) -> dict[str, float]:
        """val_loss (mean CTC), val_word_accuracy (exact match) and val_cer (total edits / total characters)."""
        texts: list[str] = []
        predictions: list[str] = []
        losses: list[np.ndarray] = []
        for images, labels in self.dataset:
            images, labels = np.asarray(images), np.asarray(labels)
            count = len(images)
            if count < self.batch_size:
                images, labels = (np.concatenate([a, np.repeat(a[-1:], self.batch_size - count, axis=0)]) for a in (images, labels))
            if self._forward is None:
                self._forward = compiled_forward(self.model)
            logits = self._forward(images)
            losses.append(keras.ops.convert_to_numpy(self._ctc(labels, logits))[:count])
            texts.extend(self.charset.decode(row) for row in labels[:count])
            predictions.extend(d.text for d in greedy_decode(logits[:count], self.charset))
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


REAL_PREFIX = "real/"
REAL_MONITOR = "real_benchmark"
REAL_METRICS = ("exact", "caseless", "benchmark", "cer")


def _padded_forward(forward: Callable[[np.ndarray], np.ndarray], images: np.ndarray, batch_size: int) -> np.ndarray:
    """Logits of `images` in batches of `batch_size`, the last one padded (one traced shape)."""
    out = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        count = len(batch)
        if count < batch_size:
            batch = np.concatenate([batch, np.repeat(batch[-1:], batch_size - count, axis=0)])
        out.append(forward(batch)[:count])
    return np.concatenate(out) if out else np.zeros((0,))


class RealValidation(keras.callbacks.Callback):
    """After each epoch, reads every real validation set and adds its scores to the logs.

    Keys: `real/<name>/exact`, `.../caseless`, `.../benchmark` (word accuracies in the three
    conventions of `metrics.summarise`) and `.../cer`, per set, and `real_benchmark`, the
    mean benchmark accuracy over the sets (what `select_by="real"` checkpoints follow). With
    `log_dir`, the same scalars go to TensorBoard under their own names (`real/<name>/...`),
    in `log_dir/real`. Listed right after DecodedValidation, before checkpoints and loggers.
    """

    def __init__(self, sets: Sequence[Any], charset: Charset, batch_size: int, agree: Agree | None = None,
                 log_dir: Path | None = None):
        super().__init__()
        self.sets = list(sets)
        self.charset = charset
        self.batch_size = batch_size
        self.agree = agree
        self.log_dir = log_dir
        self._writer: Any = None
        self._forward: Callable[[np.ndarray], np.ndarray] | None = None

    def evaluate(self) -> dict[str, float]:
        if self._forward is None:
            self._forward = compiled_forward(self.model)
        metrics: dict[str, float] = {}
        for real in self.sets:
            logits = _padded_forward(self._forward, real.images, self.batch_size)
            predictions = [d.text for d in greedy_decode(logits, self.charset)]
            summary = summarise(real.texts, predictions)
            metrics.update({f"{REAL_PREFIX}{real.name}/{key}": float(summary[key]) for key in REAL_METRICS})
        benchmarks = [metrics[f"{REAL_PREFIX}{r.name}/benchmark"] for r in self.sets]
        metrics[REAL_MONITOR] = float(np.mean(benchmarks)) if benchmarks else float("nan")
        return metrics

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            return
        metrics = self.evaluate()
        if self.agree is not None:
            metrics = dict(zip(metrics, self.agree(list(metrics.values()))))
        logs.update(metrics)
        if self.log_dir is not None:
            self._write_tensorboard(epoch, metrics)

    def _write_tensorboard(self, epoch: int, metrics: dict[str, float]) -> None:
        if keras.backend.backend() != "tensorflow":
            return
        import tensorflow as tf

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.log_dir / "real"))
        with self._writer.as_default():
            for key, value in metrics.items():
                tf.summary.scalar(key, value, step=epoch)
        self._writer.flush()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class TensorBoardWithoutReal(keras.callbacks.TensorBoard):
    """Keras' TensorBoard callback, leaving the `real/...` scalars to RealValidation (which writes
    them under their own names rather than as `epoch_real/...` among the training scalars)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        kept = {k: v for k, v in (logs or {}).items() if not k.startswith(REAL_PREFIX) and k != REAL_MONITOR}
        super().on_epoch_end(epoch, kept)


class Budget(keras.callbacks.Callback):
    """Stops training once the optimiser has taken `max_steps` steps or `minutes` have passed.

    Steps are counted here, from the optimiser's count at the start: reading the optimiser
    after every step would wait for the device each time (and, under JAX, reattach the whole
    training state to the model). With several hosts (`agree` given), the primary host's clock
    decides, every `sync_every` steps: the step count is the same everywhere, the clocks are not.
    """

    def __init__(self, max_steps: int | None = None, minutes: float | None = None, agree: Agree | None = None, sync_every: int = 10):
        super().__init__()
        self.max_steps = max_steps
        self.seconds = None if minutes is None else minutes * 60.0
        self.agree = agree
        self.sync_every = sync_every
        self.started = time.monotonic()
        self.steps = 0
        self.reason: str | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.started = time.monotonic()
        self.steps = int(self.model.optimizer.iterations.numpy())

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.steps += 1
        if self.max_steps is not None and self.steps >= self.max_steps:
            self.reason = f"reached {self.max_steps} steps"
        elif self.seconds is not None and self._out_of_time(self.seconds):
            self.reason = f"reached {self.seconds / 60:g} minutes"
        if self.reason:
            self.model.stop_training = True

    def _out_of_time(self, seconds: float) -> bool:
        late = time.monotonic() - self.started >= seconds
        if self.agree is None:
            return late
        return self.steps % self.sync_every == 0 and self.agree([float(late)])[0] > 0


class RunState(keras.callbacks.Callback):
    """Writes `state.json` after each epoch's checkpoint: epochs done, the best monitored value
    (lowest val_cer or loss, or highest real_benchmark with mode 'max'), optimiser steps.

    A resumed run reads it to continue the epoch count; the optimiser state itself is in the
    last checkpoint (`rundir.LAST_CHECKPOINT`).
    """

    def __init__(self, path: Path, monitor: str, best: float | None, checkpoint: keras.callbacks.ModelCheckpoint | None,
                 mode: str = "min"):
        super().__init__()
        self.path = path
        self.monitor = monitor
        self.best = best
        self.checkpoint = checkpoint
        self.mode = mode

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and np.isfinite(value):
            if self.best is None or (value > self.best if self.mode == "max" else value < self.best):
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
        raise UserError(f"{path.parent}: nothing to resume (no {path.name}; train without resume=True first)", params=("resume=True",))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err})") from None
