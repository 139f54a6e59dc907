"""`train`: fits the CRNN on one or more synthocr datasets into a run directory.

A run directory holds `model.keras` (the best model by val_cer), `charset.json`, `config.json`
(the resolved TrainConfig, data and budget), `checkpoints/last.keras` + `state.json` (what
`--resume` continues from), `checkpoints/best.keras`, `log.csv` and TensorBoard `logs/`.

The model's charset is the `charset` of the first dataset (on resume, the run's own): the first
dataset is the one the recipe was designed for; samples of other datasets with characters
outside it are dropped and counted, never trained on with a wrong label.

Devices (`distribute.py`): every GPU of the machine by default (MirroredStrategy under
TensorFlow, DataParallel under JAX), or `TrainRequest.devices`. `config.batch_size` is the global
batch, split over the devices; the learning rate is not scaled with the number of devices. With
several hosts (JAX, after `keras.distribution.initialize`), every host calls `train` alike; each
reads its own shards, and only the first writes the run directory (the others save into a
scratch folder, deleted at the end, because saving a sharded model is a step they all take).
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthocr.dataset import list_shards, read_dataset_info
from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.config import TrainConfig
from synthocr.training.distribute import Placement, host_shards

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
    `minutes` counts this invocation's wall time. `schedule_steps`: the length of the cosine
    learning-rate schedule (default: `max_steps`, else the epochs' steps); a run that goes past
    it trains on at the schedule's floor, which lets a time budget end after the decay rather
    than in the middle of it. `devices` ('gpu:0', 'cpu:1', ...): where to train; None: every
    GPU (or every JAX device), else the CPU. `real_val`: real validation sets (labels.tsv files,
    folders with one, MJSynth roots) scored after every epoch; `select_by` ('real', 'synthetic'
    or None: 'real' when real sets are given) decides what picks the best checkpoint: their mean
    benchmark accuracy (`real_benchmark`), or the synthetic val CER.
    """

    config: TrainConfig
    data: tuple[TrainData, ...]
    run_dir: Path
    max_steps: int | None = None
    minutes: float | None = None
    schedule_steps: int | None = None
    epochs_limited: bool = True
    resume: bool = False
    verbose: int = 1
    devices: tuple[str, ...] | None = None
    real_val: tuple[Path, ...] = ()
    select_by: str | None = None


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
    monitor: str = "val_cer"
    best: float | None = None
    real_sets: dict[str, str] = field(default_factory=dict)


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


def _gpu_capabilities(placement: Placement) -> list[tuple[int, int]]:
    """Compute capabilities of the GPUs the run trains on (empty on CPUs)."""
    if not any(d.startswith(("/gpu", "gpu")) for d in placement.devices):
        return []
    if placement.backend == "jax":
        import jax

        gpus = [d for d in jax.local_devices() if d.platform == "gpu"]
        return [tuple(int(x) for x in str(getattr(d, "compute_capability", "0.0")).split(".")[:2]) for d in gpus]
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
    from synthocr.dataset.tfrecord import read_records

    return sum(1 for f in files for _ in read_records(f, verify=False))


def _host_sources(request: TrainRequest, infos_files: list[tuple[dict[str, Any], list[str]]], placement: Placement) -> list[Any]:
    """Each dataset's training shards as this host reads them: its own shards, or its share of the records."""
    from synthocr.training.pipeline import WeightedSource

    index, count = placement.process_index, placement.process_count
    sources = []
    for data, (_, files) in zip(request.data, infos_files):
        if len(files) >= count:
            sources.append(WeightedSource(tuple(host_shards(files, index, count)), data.weight))
        else:  # fewer shards than hosts: every host reads them all and keeps its share of the records
            sources.append(WeightedSource(tuple(files), data.weight, records_share=(index, count)))
    return sources


def _tensorboard_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorboard") is not None


def _selection(request: TrainRequest, has_val: bool) -> tuple[str, str]:
    """(monitored log key, 'min' or 'max') for the best checkpoint and early stopping."""
    from synthocr.training.callbacks import REAL_MONITOR

    select_by = request.select_by or ("real" if request.real_val else "synthetic")
    if select_by not in ("real", "synthetic"):
        raise UserError(f"select_by {select_by!r}: expected 'real' or 'synthetic'")
    if select_by == "real":
        if not request.real_val:
            raise UserError("select_by 'real': no real validation set given (real_val)")
        return REAL_MONITOR, "max"
    return ("val_cer" if has_val else "loss"), "min"


def _check_run_dir(request: TrainRequest) -> None:
    run = request.run_dir
    if request.resume:
        if not (run / LAST_CHECKPOINT).is_file():
            raise UserError(f"--out {run}: nothing to resume (no {LAST_CHECKPOINT}; train without --resume first)")
    elif (run / LAST_CHECKPOINT).exists() or (run / MODEL_FILE).exists():
        raise UserError(f"--out {run}: already holds a run; pass --resume to continue it or choose another --out")


def train(request: TrainRequest, on_message: Callable[[str], None] = lambda message: None) -> TrainResult:
    """Trains (or resumes) a run; `on_message` receives one-line notes (devices, precision, data)."""
    _check_run_dir(request)
    import keras

    from synthocr.training.callbacks import Budget, DecodedValidation, RealValidation, RunState, TensorBoardWithoutReal, read_state
    from synthocr.training.distribute import place
    from synthocr.training.model import build_model
    from synthocr.training.pipeline import ImageSpec, SkipCounter, labelled_dataset, training_dataset

    config, run = request.config, request.run_dir
    placement = place(request.devices)
    placement.check_batch(config.batch_size)
    infos_files = [_train_files(d) for d in request.data]
    state = read_state(run / STATE_FILE) if request.resume else {"epoch": 0, "best": None}
    first_info = infos_files[0][0]
    if request.resume:
        charset = Charset.load(run)
    elif "charset" in first_info:
        charset = Charset(first_info["charset"])
    else:
        raise UserError(f"--data {request.data[0].path}: its synthocr_info.json has no charset")
    gaps = {str(d.path): charset.missing(info.get("charset", "")) for d, (info, _) in zip(request.data, infos_files)}
    gaps = {k: v for k, v in gaps.items() if v}
    for path, missing in gaps.items():
        on_message(f"{path}: samples with characters outside the model charset are skipped: {missing!r}")

    spec = ImageSpec(config.height, config.width, config.channels)
    train_count = sum(_split_count(info, "train", files) for info, files in infos_files)
    # One step takes the global batch whatever the number of devices, so an epoch has as many steps.
    steps_per_epoch = config.steps_per_epoch or max(1, math.ceil(train_count / config.batch_size))
    if request.max_steps is not None:
        steps_per_epoch = min(steps_per_epoch, request.max_steps)
    epochs = config.epochs if request.epochs_limited else 10**9
    if request.max_steps is not None:
        epochs = min(epochs, math.ceil(request.max_steps / steps_per_epoch))
    horizon = request.schedule_steps or request.max_steps or steps_per_epoch * (epochs if epochs < 10**9 else config.epochs)

    precision = resolve_precision(config.precision, _gpu_capabilities(placement))
    on_message(f"{placement.describe(config.batch_size)}; precision {precision}, {steps_per_epoch} steps per epoch")

    skips = SkipCounter()
    train_ds = training_dataset(
        _host_sources(request, infos_files, placement),
        charset, spec, placement.host_batch(config.batch_size), config.shuffle_buffer, config.seed, skips,
    )
    val_files = [str(p) for p in list_shards(request.data[0].path, "val")]
    val_skips = SkipCounter()
    val_ds = labelled_dataset(val_files, charset, spec, config.batch_size, val_skips, limit=config.val_samples).cache() if val_files else None
    if val_ds is None:
        on_message(f"{request.data[0].path}: no val split; checkpoints and early stopping follow the training loss")
    monitor, mode = _selection(request, val_ds is not None)
    real_sets = []
    if request.real_val:
        from synthocr.training.realval import load_real_sets

        real_sets = load_real_sets(list(request.real_val), spec, charset, config.real_val_samples)
        for real in real_sets:
            on_message(f"real set {real.name}: {len(real.texts)} images from {real.path}"
                       + (f" (skipped: {', '.join(f'{k} {v}' for k, v in real.skipped.items())})" if real.skipped else ""))
            if real.outside_charset:
                on_message(f"warning: real set {real.name}: labels have characters outside the model charset "
                           f"{real.outside_charset!r}; scored as they are (the benchmark convention, a-z0-9 caseless, is the fair one)")
        on_message(f"best checkpoint: {'highest mean real benchmark accuracy' if mode == 'max' else 'lowest ' + monitor}")
    if state.get("monitor", monitor) != monitor:
        state["best"] = None  # the resumed run followed another metric: its best says nothing here

    # Every host saves (saving a sharded model is a collective step); only the primary's files are kept.
    out = run if placement.is_primary else Path(tempfile.mkdtemp(prefix=f"synthocr-host{placement.process_index}-"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "checkpoints").mkdir(exist_ok=True)
    charset.save(out)
    agree = placement.agree if placement.process_count > 1 else None
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    keras.utils.set_random_seed(config.seed)
    try:
        with placement.scope():
            if request.resume:
                model = keras.models.load_model(run / LAST_CHECKPOINT, safe_mode=True)
            else:
                model = build_model(config.model, charset.num_classes, config.height, config.width, config.channels)
                optimizer = keras.optimizers.Adam(_learning_rate(config, horizon), global_clipnorm=config.clip_norm)
                # JAX without jit runs op by op (very slow); the cuDNN-LSTM reason to keep XLA off is TensorFlow's.
                jit = config.jit_compile if placement.backend == "tensorflow" else True
                model.compile(optimizer=optimizer, loss=keras.losses.CTC(), jit_compile=jit)
            _write_config(out, request, charset, precision, steps_per_epoch, epochs, _schedule_steps(model.optimizer), placement, monitor)
            last = keras.callbacks.ModelCheckpoint(out / LAST_CHECKPOINT, save_best_only=False)
            best = keras.callbacks.ModelCheckpoint(out / BEST_CHECKPOINT, monitor=monitor, mode=mode, save_best_only=True)
            if state.get("best") is not None:
                best.best = state["best"]
            budget = Budget(request.max_steps, request.minutes, agree=agree)
            callbacks: list[keras.callbacks.Callback] = []
            if val_ds is not None:
                callbacks.append(DecodedValidation(val_ds, charset, config.batch_size, agree))
            tensorboard = _tensorboard_installed()
            if real_sets:
                callbacks.append(RealValidation(real_sets, charset, config.batch_size, agree,
                                                log_dir=out / "logs" if tensorboard and placement.is_primary else None))
            callbacks += [budget, keras.callbacks.TerminateOnNaN(), last, best, RunState(out / STATE_FILE, monitor, state.get("best"), last, mode)]
            if config.early_stopping_patience:
                callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=config.early_stopping_patience))
            callbacks.append(keras.callbacks.CSVLogger(str(out / "log.csv"), append=request.resume))
            if tensorboard:
                callbacks.append(TensorBoardWithoutReal(log_dir=str(out / "logs"), write_graph=False, profile_batch=0))
            else:
                on_message("tensorboard is not installed: no TensorBoard logs (log.csv has the same scalars)")
            initial_epoch = int(state["epoch"])
            history: dict[str, list[float]] = {}
            if initial_epoch < epochs and (request.max_steps is None or int(model.optimizer.iterations.numpy()) < request.max_steps):
                fitted = model.fit(
                    train_ds, epochs=epochs, initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                    callbacks=callbacks, verbose=request.verbose if placement.is_primary else 0,
                )
                history = {k: [float(v) for v in vs] for k, vs in fitted.history.items()}
            else:
                on_message(f"{run}: the budget was already spent ({initial_epoch} epochs, {int(model.optimizer.iterations.numpy())} steps)")
            steps = int(model.optimizer.iterations.numpy())
    finally:
        keras.config.set_dtype_policy(previous_policy)

    final_state = read_state(out / STATE_FILE) if (out / STATE_FILE).is_file() else {"epoch": initial_epoch, "best": None}
    if placement.is_primary:
        final = run / (BEST_CHECKPOINT if (run / BEST_CHECKPOINT).is_file() else LAST_CHECKPOINT)
        shutil.copyfile(final, run / MODEL_FILE)
    else:
        shutil.rmtree(out, ignore_errors=True)
    return TrainResult(
        run_dir=run,
        model_path=run / MODEL_FILE,
        epochs_done=int(final_state["epoch"]),
        steps=steps,
        history=history,
        best_val_cer=final_state.get("best") if monitor == "val_cer" else None,
        precision=precision,
        devices=placement.replicas,
        skipped=skips.counts(),
        samples_read=skips.seen,
        stopped_because=budget.reason,
        charset_gaps=gaps,
        monitor=monitor,
        best=final_state.get("best"),
        real_sets={r.name: str(r.path) for r in real_sets},
    )


def _schedule_steps(optimizer: Any) -> int | None:
    """Warm-up plus decay steps of the optimiser's learning-rate schedule (a resumed run's is the
    one it was built with), or None for a constant rate."""
    schedule = optimizer.get_config().get("learning_rate")
    if not isinstance(schedule, dict):
        return None
    settings = schedule.get("config", {})
    return int(settings.get("decay_steps", 0)) + int(settings.get("warmup_steps", 0))


def _write_config(
    run: Path, request: TrainRequest, charset: Charset, precision: str, steps_per_epoch: int, epochs: int,
    schedule_steps: int | None, placement: Placement, monitor: str = "val_cer",
) -> None:
    resolved = {
        "train": request.config.model_dump(),
        "data": [{"path": str(d.path.resolve()), "weight": d.weight} for d in request.data],
        "charset": charset.chars,
        "precision": precision,
        "steps_per_epoch": steps_per_epoch,
        "epochs": epochs if epochs < 10**9 else None,
        "max_steps": request.max_steps,
        "minutes": request.minutes,
        "schedule_steps": schedule_steps,
        "backend": placement.backend,
        "devices": list(placement.devices),
        "hosts": placement.process_count,
        "real_val": [str(Path(p).resolve()) for p in request.real_val],
        "best_checkpoint_by": monitor,
    }
    (run / CONFIG_FILE).write_text(json.dumps(resolved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
