"""`train`: fits the CRNN on one or more synthocr datasets into a run directory.

A run directory holds `model.keras` (the best model by val_cer), `charset.json`, `config.json`
(the resolved TrainConfig, data and budget), `checkpoints/last.keras` + `state.json` (what
`--resume` continues from), `checkpoints/best.keras`, `log.csv` and TensorBoard `logs/`.

The model's charset is the `charset` of the first dataset (on resume, the run's own): the first
dataset is the one the recipe was designed for; samples of other datasets with characters
outside it are dropped and counted, never trained on with a wrong label.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthocr.dataset import list_shards, read_dataset_info
from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.config import TrainConfig

MODEL_FILE = "model.keras"
CONFIG_FILE = "config.json"
STATE_FILE = "state.json"
LAST_CHECKPOINT = "checkpoints/last.keras"
BEST_CHECKPOINT = "checkpoints/best.keras"


@dataclass(frozen=True)
class TrainData:
    """One dataset directory and its weight in the training mix."""

    path: Path
    weight: float = 1.0


@dataclass(frozen=True)
class TrainRequest:
    """Everything `train` needs: the config, the data, the run directory and the budget.

    The budget: `config.epochs`, unless `epochs_limited` is False (only steps or minutes were
    asked for); `max_steps` counts optimiser steps over the whole run, resumes included;
    `minutes` counts this invocation's wall time.
    """

    config: TrainConfig
    data: tuple[TrainData, ...]
    run_dir: Path
    max_steps: int | None = None
    minutes: float | None = None
    epochs_limited: bool = True
    resume: bool = False
    verbose: int = 1


@dataclass
class TrainResult:
    """What a run did."""

    run_dir: Path
    model_path: Path
    epochs_done: int
    steps: int
    history: dict[str, list[float]]
    best_val_cer: float | None
    precision: str
    devices: int
    skipped: dict[str, int] = field(default_factory=dict)
    samples_read: int = 0
    stopped_because: str | None = None
    charset_gaps: dict[str, str] = field(default_factory=dict)


def resolve_precision(precision: str, gpu_capabilities: list[tuple[int, int]]) -> str:
    """'float32' or 'mixed_float16': 'auto' picks mixed on GPUs of compute capability >= 7 only.

    >>> resolve_precision("auto", [(8, 0)]), resolve_precision("auto", [])
    ('mixed_float16', 'float32')
    """
    if precision == "mixed":
        return "mixed_float16"
    if precision == "auto" and gpu_capabilities and min(gpu_capabilities) >= (7, 0):
        return "mixed_float16"
    return "float32"


def _gpu_capabilities() -> list[tuple[int, int]]:
    import tensorflow as tf

    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capabilities.append(tuple(details.get("compute_capability", (0, 0))))
    return capabilities


def _learning_rate(config: TrainConfig, total_steps: int) -> Any:
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


def _train_files(data: TrainData) -> tuple[dict[str, Any], list[str]]:
    info = read_dataset_info(data.path)
    files = [str(p) for p in list_shards(data.path, "train")]
    if not files:
        raise UserError(f"--data {data.path}: no train shards")
    return info, files


def _split_count(info: dict[str, Any], split: str, files: list[str]) -> int:
    count = info.get("splits", {}).get(split, {}).get("count")
    if isinstance(count, int) and count > 0:
        return count
    from synthocr.tfrecord import read_records

    return sum(1 for f in files for _ in read_records(f, verify=False))


def _tensorboard_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorboard") is not None


def _check_run_dir(request: TrainRequest) -> None:
    run = request.run_dir
    if request.resume:
        if not (run / LAST_CHECKPOINT).is_file():
            raise UserError(f"--out {run}: nothing to resume (no {LAST_CHECKPOINT}; train without --resume first)")
    elif (run / LAST_CHECKPOINT).exists() or (run / MODEL_FILE).exists():
        raise UserError(f"--out {run}: already holds a run; pass --resume to continue it or choose another --out")


def train(request: TrainRequest, on_message: Callable[[str], None] = lambda message: None) -> TrainResult:
    """Trains (or resumes) a run; `on_message` receives one-line notes (device, precision, data)."""
    _check_run_dir(request)
    import keras
    import tensorflow as tf

    from synthocr.training.callbacks import Budget, DecodedValidation, RunState, read_state
    from synthocr.training.model import build_model
    from synthocr.training.pipeline import ImageSpec, SkipCounter, WeightedSource, labelled_dataset, training_dataset

    config, run = request.config, request.run_dir
    infos_files = [_train_files(d) for d in request.data]
    state = read_state(run / STATE_FILE) if request.resume else {"epoch": 0, "best": None}
    first_info = infos_files[0][0]
    if request.resume:
        charset = Charset.load(run)
    elif "charset" in first_info:
        charset = Charset(first_info["charset"])
    else:
        raise UserError(f"--data {request.data[0].path}: dataset_info.json has no charset")
    gaps = {str(d.path): charset.missing(info.get("charset", "")) for d, (info, _) in zip(request.data, infos_files)}
    gaps = {k: v for k, v in gaps.items() if v}
    for path, missing in gaps.items():
        on_message(f"{path}: samples with characters outside the model charset are skipped: {missing!r}")

    spec = ImageSpec(config.height, config.width, config.channels)
    train_count = sum(_split_count(info, "train", files) for info, files in infos_files)
    steps_per_epoch = config.steps_per_epoch or max(1, math.ceil(train_count / config.batch_size))
    if request.max_steps is not None:
        steps_per_epoch = min(steps_per_epoch, request.max_steps)
    epochs = config.epochs if request.epochs_limited else 10**9
    if request.max_steps is not None:
        epochs = min(epochs, math.ceil(request.max_steps / steps_per_epoch))
    horizon = request.max_steps or steps_per_epoch * (epochs if epochs < 10**9 else config.epochs)

    capabilities = _gpu_capabilities()
    precision = resolve_precision(config.precision, capabilities)
    strategy = tf.distribute.MirroredStrategy() if len(capabilities) > 1 else tf.distribute.get_strategy()
    on_message(f"{len(capabilities) or 'no'} GPU(s), precision {precision}, {steps_per_epoch} steps per epoch")

    skips = SkipCounter()
    train_ds = training_dataset(
        [WeightedSource(tuple(files), d.weight) for d, (_, files) in zip(request.data, infos_files)],
        charset, spec, config.batch_size, config.shuffle_buffer, config.seed, skips,
    )
    val_files = [str(p) for p in list_shards(request.data[0].path, "val")]
    val_skips = SkipCounter()
    val_ds = labelled_dataset(val_files, charset, spec, config.batch_size, val_skips, limit=config.val_samples).cache() if val_files else None
    if val_ds is None:
        on_message(f"{request.data[0].path}: no val split; checkpoints and early stopping follow the training loss")
    monitor = "val_cer" if val_ds is not None else "loss"

    run.mkdir(parents=True, exist_ok=True)
    (run / "checkpoints").mkdir(exist_ok=True)
    charset.save(run)
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    keras.utils.set_random_seed(config.seed)
    try:
        with strategy.scope():
            if request.resume:
                model = keras.models.load_model(run / LAST_CHECKPOINT, safe_mode=True)
            else:
                model = build_model(config.model, charset.num_classes, config.height, config.width, config.channels)
                optimizer = keras.optimizers.Adam(_learning_rate(config, horizon), global_clipnorm=config.clip_norm)
                model.compile(optimizer=optimizer, loss=keras.losses.CTC(), jit_compile=config.jit_compile)
        _write_config(run, request, charset, precision, steps_per_epoch, epochs)
        last = keras.callbacks.ModelCheckpoint(run / LAST_CHECKPOINT, save_best_only=False)
        best = keras.callbacks.ModelCheckpoint(run / BEST_CHECKPOINT, monitor=monitor, mode="min", save_best_only=True)
        if state.get("best") is not None:
            best.best = state["best"]
        budget = Budget(request.max_steps, request.minutes)
        callbacks: list[keras.callbacks.Callback] = []
        if val_ds is not None:
            callbacks.append(DecodedValidation(val_ds, charset))
        callbacks += [budget, keras.callbacks.TerminateOnNaN(), last, best, RunState(run / STATE_FILE, monitor, state.get("best"), last)]
        if config.early_stopping_patience:
            callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, mode="min", patience=config.early_stopping_patience))
        callbacks.append(keras.callbacks.CSVLogger(str(run / "log.csv"), append=request.resume))
        if _tensorboard_installed():
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run / "logs"), write_graph=False, profile_batch=0))
        else:
            on_message("tensorboard is not installed: no TensorBoard logs (log.csv has the same scalars)")
        initial_epoch = int(state["epoch"])
        history: dict[str, list[float]] = {}
        if initial_epoch < epochs and (request.max_steps is None or int(model.optimizer.iterations.numpy()) < request.max_steps):
            fitted = model.fit(
                train_ds, epochs=epochs, initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                callbacks=callbacks, verbose=request.verbose,
            )
            history = {k: [float(v) for v in vs] for k, vs in fitted.history.items()}
        else:
            on_message(f"{run}: the budget was already spent ({initial_epoch} epochs, {int(model.optimizer.iterations.numpy())} steps)")
    finally:
        keras.config.set_dtype_policy(previous_policy)

    final = run / (BEST_CHECKPOINT if (run / BEST_CHECKPOINT).is_file() else LAST_CHECKPOINT)
    shutil.copyfile(final, run / MODEL_FILE)
    final_state = read_state(run / STATE_FILE) if (run / STATE_FILE).is_file() else {"epoch": initial_epoch, "best": None}
    return TrainResult(
        run_dir=run,
        model_path=run / MODEL_FILE,
        epochs_done=int(final_state["epoch"]),
        steps=int(model.optimizer.iterations.numpy()),
        history=history,
        best_val_cer=final_state.get("best") if monitor == "val_cer" else None,
        precision=precision,
        devices=strategy.num_replicas_in_sync,
        skipped=skips.counts(),
        samples_read=skips.seen,
        stopped_because=budget.reason,
        charset_gaps=gaps,
    )


def _write_config(run: Path, request: TrainRequest, charset: Charset, precision: str, steps_per_epoch: int, epochs: int) -> None:
    resolved = {
        "train": request.config.model_dump(),
        "data": [{"path": str(d.path.resolve()), "weight": d.weight} for d in request.data],
        "charset": charset.chars,
        "precision": precision,
        "steps_per_epoch": steps_per_epoch,
        "epochs": epochs if epochs < 10**9 else None,
        "max_steps": request.max_steps,
        "minutes": request.minutes,
    }
    (run / CONFIG_FILE).write_text(json.dumps(resolved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
