"""`train`: fits a recogniser on one or more synthocr datasets into a run directory (`rundir.py`).

`train` reads the data (`run_data.py`), plans the steps (`budget.py`), assembles the callbacks
(`run_callbacks.py`) and runs Keras' fit. The model's charset is the first dataset's (on
resume, the run's own).

Devices (`distribute.py`): every GPU of the machine by default (MirroredStrategy under
TensorFlow, DataParallel under JAX), or `TrainRequest.devices`. `config.batch_size` is the global
batch, split over the devices; the learning rate is not scaled with the number of devices. With
several hosts (JAX, after `keras.distribution.initialize`), every host calls `train` alike; each
reads its own shards, and only the first writes the run directory (the others save into a
scratch folder, deleted at the end, because saving a sharded model is a step they all take).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthocr.errors import UserError
from synthocr.training.budget import StepPlan, plan_steps, schedule_steps
from synthocr.training.charset import Charset
from synthocr.training.config import TrainConfig
from synthocr.training.distribute import Placement
from synthocr.training.run_data import TrainData, charset_gaps, model_charset, read_train_files, split_count
from synthocr.training.rundir import LAST_CHECKPOINT, MODEL_FILE, STATE_FILE, check_run_dir, keep_final_model, write_run_config

__all__ = ["TrainData", "TrainRequest", "TrainResult", "train"]

# model.fit needs an epoch count; a run without one (only steps or minutes) is ended by the Budget callback.
_FIT_EPOCHS_WITHOUT_LIMIT = 10**9


@dataclass(frozen=True)
class TrainRequest:
    """Everything `train` needs: the config, the data, the run directory and the budget.

    The budget (`budget.py`): `config.epochs`, unless `epochs_limited` is False (only steps or
    minutes were asked for: `budget.epochs_bound`); `max_steps` counts optimiser steps over the
    whole run, resumes included; `minutes` counts this invocation's wall time. `schedule_steps`:
    the length of the cosine learning-rate schedule (default: `max_steps`, else the epochs'
    steps); a run that goes past it trains on at the schedule's floor, which lets a time budget
    end after the decay rather than in the middle of it. `devices` ('gpu:0', 'cpu:1', ...): where
    to train; None: every GPU (or every JAX device), else the CPU. `real_val`: real validation
    sets (labels.tsv files, folders with one, MJSynth roots) scored after every epoch; `select_by`
    ('real', 'synthetic' or None: 'real' when real sets are given) decides what picks the best
    checkpoint: their mean benchmark accuracy (`real_benchmark`), or the synthetic val CER.
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


@dataclass
class _Prepared:
    """A run read and planned, before the model: its data, metrics, schedule and precision."""

    charset: Charset
    gaps: dict[str, str]
    plan: StepPlan
    precision: str
    train_data: Any
    skips: Any
    val_data: Any
    monitor: str
    mode: str
    real_sets: list[Any]
    state: dict[str, Any]


def _selection(request: TrainRequest, has_val: bool) -> tuple[str, str]:
    """(monitored log key, 'min' or 'max') for the best checkpoint and early stopping."""
    from synthocr.training.callbacks import REAL_MONITOR

    select_by = request.select_by or ("real" if request.real_val else "synthetic")
    if select_by not in ("real", "synthetic"):
        raise UserError(f"select_by {select_by!r}: expected 'real' or 'synthetic'", params=("select_by",))
    if select_by == "real":
        if not request.real_val:
            raise UserError("select_by 'real': no real validation set given (real_val)", params=("select_by",))
        return REAL_MONITOR, "max"
    return ("val_cer" if has_val else "loss"), "min"


def _real_sets(request: TrainRequest, spec: Any, charset: Charset, on_message: Callable[[str], None]) -> list[Any]:
    """The real validation sets, read once, each announced (with its skips and foreign characters)."""
    if not request.real_val:
        return []
    from synthocr.training.realval import load_real_sets

    real_sets = load_real_sets(list(request.real_val), spec, charset, request.config.real_val_samples)
    for real in real_sets:
        on_message(f"real set {real.name}: {len(real.texts)} images from {real.path}"
                   + (f" (skipped: {', '.join(f'{k} {v}' for k, v in real.skipped.items())})" if real.skipped else ""))
        if real.outside_charset:
            on_message(f"warning: real set {real.name}: labels have characters outside the model charset "
                       f"{real.outside_charset!r}; scored as they are (the benchmark convention, a-z0-9 caseless, is the fair one)")
    return real_sets


def _prepare(request: TrainRequest, placement: Placement, on_message: Callable[[str], None]) -> _Prepared:
    """Reads the data, plans the steps, picks the precision and the checkpoint metric, builds the datasets."""
    from synthocr.training.callbacks import read_state
    from synthocr.training.pipeline import ImageSpec, SkipCounter, labelled_dataset, training_dataset
    from synthocr.training.precision import gpu_capabilities, resolve_precision
    from synthocr.training.run_data import host_sources, val_files

    config, run = request.config, request.run_dir
    placement.check_batch(config.batch_size)
    datasets = read_train_files(request.data)
    state = read_state(run / STATE_FILE) if request.resume else {"epoch": 0, "best": None}
    charset = model_charset(datasets, run, request.resume)
    gaps = charset_gaps(datasets, charset)
    for path, missing in gaps.items():
        on_message(f"{path}: samples with characters outside the model charset are skipped: {missing!r}")
    spec = ImageSpec(config.height, config.width, config.channels, config.model, config.resize)
    plan = plan_steps(config, sum(split_count(d) for d in datasets), request.max_steps, request.schedule_steps, request.epochs_limited)
    precision = resolve_precision(config.precision, gpu_capabilities(placement))
    on_message(f"{placement.describe(config.batch_size)}; precision {precision}, {plan.steps_per_epoch} steps per epoch")
    skips = SkipCounter()
    train_data = training_dataset(host_sources(datasets, placement), charset, spec, placement.host_batch(config.batch_size),
                                  config.shuffle_buffer, config.seed, skips, config.width_jitter)
    val = val_files(request.data[0])
    val_data = labelled_dataset(val, charset, spec, config.batch_size, SkipCounter(), limit=config.val_samples).cache() if val else None
    if val_data is None:
        on_message(f"{request.data[0].path}: no val split; checkpoints and early stopping follow the training loss")
    monitor, mode = _selection(request, val_data is not None)
    real_sets = _real_sets(request, spec, charset, on_message)
    if real_sets:
        on_message(f"best checkpoint: {'highest mean real benchmark accuracy' if mode == 'max' else 'lowest ' + monitor}")
    if state.get("monitor", monitor) != monitor:
        state["best"] = None  # the resumed run followed another metric: its best says nothing here
    return _Prepared(charset, gaps, plan, precision, train_data, skips, val_data, monitor, mode, real_sets, state)


def _model(request: TrainRequest, prepared: _Prepared, placement: Placement) -> Any:
    """The resumed model, or a new one compiled with Adam, the schedule and the CTC loss."""
    import keras

    from synthocr.training.budget import learning_rate
    from synthocr.training.models import build_model

    config = request.config
    if request.resume:
        return keras.models.load_model(request.run_dir / LAST_CHECKPOINT, safe_mode=True)
    model = build_model(config.model, prepared.charset.num_classes, config.height, config.width, config.channels)
    optimizer = keras.optimizers.Adam(learning_rate(config, prepared.plan.schedule_steps), global_clipnorm=config.clip_norm)
    # JAX without jit runs op by op (very slow); the cuDNN-LSTM reason to keep XLA off is TensorFlow's.
    jit = config.jit_compile if placement.backend == "tensorflow" else True
    model.compile(optimizer=optimizer, loss=keras.losses.CTC(), jit_compile=jit)
    return model


def _fit(request: TrainRequest, prepared: _Prepared, placement: Placement, out: Path,
         on_message: Callable[[str], None]) -> tuple[dict[str, list[float]], int, Any]:
    """Builds or loads the model on the devices and fits it: (history, optimiser steps, Budget callback)."""
    import keras

    from synthocr.training.run_callbacks import CallbackSettings, run_callbacks

    p, plan = prepared, prepared.plan
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(p.precision)
    keras.utils.set_random_seed(request.config.seed)
    try:
        with placement.scope():
            model = _model(request, p, placement)
            write_run_config(out, _resolved_config(request, p, schedule_steps(model.optimizer), placement))
            settings = CallbackSettings(
                out, request.config, p.charset, p.monitor, p.mode, p.state.get("best"), p.val_data, p.real_sets,
                request.max_steps, request.minutes, request.resume,
                agree=placement.agree if placement.process_count > 1 else None, write_logs=placement.is_primary,
            )
            callbacks, budget = run_callbacks(settings, on_message)
            initial_epoch, steps = int(p.state["epoch"]), int(model.optimizer.iterations.numpy())
            history: dict[str, list[float]] = {}
            epochs = plan.epochs if plan.epochs is not None else _FIT_EPOCHS_WITHOUT_LIMIT
            if initial_epoch < epochs and (request.max_steps is None or steps < request.max_steps):
                fitted = model.fit(p.train_data, epochs=epochs, initial_epoch=initial_epoch, steps_per_epoch=plan.steps_per_epoch,
                                   shuffle=False,  # tf.data shuffles; Keras would warn that it ignores True
                                   callbacks=callbacks, verbose=request.verbose if placement.is_primary else 0)
                history = {k: [float(v) for v in vs] for k, vs in fitted.history.items()}
            else:
                on_message(f"{request.run_dir}: the budget was already spent ({initial_epoch} epochs, {steps} steps)")
            return history, int(model.optimizer.iterations.numpy()), budget
    finally:
        keras.config.set_dtype_policy(previous_policy)


def train(request: TrainRequest, on_message: Callable[[str], None] = lambda message: None) -> TrainResult:
    """Trains (or resumes) a run; `on_message` receives one-line notes (devices, precision, data)."""
    check_run_dir(request.run_dir, request.resume)
    from synthocr.training.callbacks import read_state
    from synthocr.training.distribute import place
    from synthocr.training.rundir import writing_dir

    run = request.run_dir
    placement = place(request.devices)
    prepared = _prepare(request, placement, on_message)
    out = writing_dir(run, placement.is_primary, placement.process_index)
    prepared.charset.save(out)
    history, steps, budget = _fit(request, prepared, placement, out, on_message)
    final_state = read_state(out / STATE_FILE) if (out / STATE_FILE).is_file() else {"epoch": int(prepared.state["epoch"]), "best": None}
    if placement.is_primary:
        keep_final_model(run)
    else:
        shutil.rmtree(out, ignore_errors=True)
    return TrainResult(
        run_dir=run, model_path=run / MODEL_FILE, epochs_done=int(final_state["epoch"]), steps=steps, history=history,
        best_val_cer=final_state.get("best") if prepared.monitor == "val_cer" else None,
        precision=prepared.precision, devices=placement.replicas, skipped=prepared.skips.counts(),
        samples_read=prepared.skips.seen, stopped_because=budget.reason, charset_gaps=prepared.gaps,
        monitor=prepared.monitor, best=final_state.get("best"), real_sets={r.name: str(r.path) for r in prepared.real_sets},
    )


def _resolved_config(request: TrainRequest, prepared: _Prepared, schedule: int | None, placement: Placement) -> dict[str, Any]:
    """What `config.json` records: the config, the data, the charset, the budget and the devices."""
    return {
        "train": request.config.model_dump(),
        "data": [{"path": str(d.path.resolve()), "weight": d.weight} for d in request.data],
        "charset": prepared.charset.chars,
        "precision": prepared.precision,
        "steps_per_epoch": prepared.plan.steps_per_epoch,
        "epochs": prepared.plan.epochs,
        "max_steps": request.max_steps,
        "minutes": request.minutes,
        "schedule_steps": schedule,
        "backend": placement.backend,
        "devices": list(placement.devices),
        "hosts": placement.process_count,
        "real_val": [str(Path(p).resolve()) for p in request.real_val],
        "best_checkpoint_by": prepared.monitor,
    }
