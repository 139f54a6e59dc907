"""`synthocr demo`: the whole loop on the bundled fonts, backgrounds and default recipe, on a CPU.

generate (default recipe) -> train `crnn-small` within the time left -> evaluate the test split
-> report by font. Every stage writes under one folder and is resumable: running the demo again
reuses a finished dataset and continues a started training run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthocr.errors import UserError
from synthocr.paths import bundled
from synthocr.predictions import PREDICTIONS_FILE


@dataclass(frozen=True)
class DemoOptions:
    """What the demo is asked: its folder, its time budget, its size and optional real validation sets."""

    out_dir: Path
    minutes: float = 15.0  # the whole demo, generation to report
    count: int = 45000  # samples: up to 4,000 test (~35 a font) and 1,000 val, the rest train
    workers: int = 1
    recipe: Path | None = None  # default: the bundled recipes/default.yaml
    steps: int | None = None  # training steps; default: as many as the time left allows (timed here)
    real_val: tuple[Path, ...] = ()  # real validation sets: scored each epoch, pick the best checkpoint, evaluated at the end


@dataclass
class DemoResult:
    """Where each stage wrote, and the scores: test split, real sets, steps and minutes taken."""

    data_dir: Path
    run_dir: Path
    predictions: Path
    report_dir: Path
    sample_sheet: Path
    recipe: Path
    summary: dict[str, float]
    train_steps: int
    minutes: float
    report: Any = None
    real: dict[str, dict[str, float]] = field(default_factory=dict)  # real set name -> summary (metrics.summarise)
    real_predictions: dict[str, Path] = field(default_factory=dict)


# Minutes kept after training's own clock for its set-up, last validation and saves, evaluation and the report.
_TAIL_MINUTES = 2.0
# Where the cosine schedule ends, as a share of the steps the timing says fit: training from shards runs slower.
_RATE_MARGIN = 0.75
# The least a demo worth reading needs: minutes for all four stages, samples for val and test splits.
MIN_MINUTES = 3.0
MIN_COUNT = 500


def check_demo_options(minutes: float, count: int) -> None:
    """A UserError when the demo would be too short or too small to say anything (the command line's
    check; the tests run smaller demos).

    >>> check_demo_options(15.0, 45000)
    >>> check_demo_options(1.0, 45000)
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: DemoOptions.minutes 1: the demo needs at least 3 minutes (generate, train, evaluate, report)
    """
    if minutes < MIN_MINUTES:
        raise UserError(f"DemoOptions.minutes {minutes:g}: the demo needs at least {MIN_MINUTES:g} minutes "
                        "(generate, train, evaluate, report)", params=("DemoOptions.minutes",))
    if count < MIN_COUNT:
        raise UserError(f"DemoOptions.count {count}: the demo needs at least {MIN_COUNT} samples to have val and test "
                        "splits worth reading", params=("DemoOptions.count",))


def _train_config(recipe: Any) -> Any:
    return recipe.train_config.with_overrides(
        where="demo", model="crnn-small", batch_size=64, learning_rate=0.002, warmup_steps=100,
        lr_schedule="cosine", early_stopping_patience=0, val_samples=500,
    )


def _steps_per_second(config: Any, num_classes: int) -> float:
    """Optimiser steps per second of the configured model on this machine (a short timing)."""
    import keras
    import numpy as np

    from synthocr.training.models import build_model

    model = build_model(config.model, num_classes, config.height, config.width, config.channels)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.CTC())
    rng = np.random.default_rng(0)
    images = rng.random((config.batch_size, config.height, config.width, config.channels), dtype=np.float32)
    labels = rng.integers(1, num_classes, size=(config.batch_size, 10)).astype(np.int32)
    model.train_on_batch(images, labels)
    start, steps = time.perf_counter(), 0
    while time.perf_counter() - start < 4.0:
        model.train_on_batch(images, labels)
        steps += 1
    return steps / (time.perf_counter() - start)


def shown_path(path: Path) -> Path:
    """`path` relative to the working directory when it lies under it (what a user would type).

    >>> shown_path(Path.cwd() / "recipes" / "default.yaml")
    PosixPath('recipes/default.yaml')
    >>> shown_path(Path("/elsewhere/default.yaml"))
    PosixPath('/elsewhere/default.yaml')
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def demo_splits(count: int) -> dict[str, int]:
    """The demo's splits: a test split large enough for a per-font report (~35 samples a font), the
    rest train, because new words are worth more to a short run than more passes over old ones.

    >>> demo_splits(45000)
    {'train': 40000, 'val': 1000, 'test': 4000}
    >>> demo_splits(1000)
    {'train': 800, 'val': 40, 'test': 160}
    """
    test, val = min(4000, round(count * 0.16)), min(1000, round(count * 0.04))
    return {"train": count - val - test, "val": val, "test": test}


@dataclass(frozen=True)
class _Clock:
    """The demo's time budget: minutes since the start, minutes left."""

    minutes: float
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return (time.perf_counter() - self.started) / 60

    def left(self) -> float:
        return self.minutes - self.elapsed()


@dataclass(frozen=True)
class _Folders:
    """Where each stage writes, under the demo folder."""

    out: Path
    data: Path
    run: Path
    predictions: Path
    report: Path

    @classmethod
    def under(cls, out: Path) -> _Folders:
        return cls(out, out / "data", out / "run", out / PREDICTIONS_FILE, out / "report")


def _generate_stage(options: DemoOptions, recipe: Any, recipe_path: Path, folders: _Folders, on_stage: Callable[[str], None],
                    on_note: Callable[[str], None], on_generate: tuple[Callable[[int, int], None], Callable[[int], None]] | None) -> Path:
    """Writes the sample sheet (once) and generates (or finishes) the dataset; returns the sheet's path."""
    from synthocr.dataset.generate import GenerateOptions, generate
    from synthocr.synth.preview import write_contact_sheet

    on_stage(f"1/4 generate: {options.count:,} samples from {shown_path(recipe_path)} into {folders.data}")
    sample_sheet = folders.out / "samples.png"
    if not sample_sheet.is_file():
        write_contact_sheet(recipe, sample_sheet, 4)
    on_note(f"sample sheet (4 samples per font): {sample_sheet}")
    resume = folders.data.is_dir() and any(folders.data.iterdir())
    on_start, on_progress = on_generate or (None, None)
    generate(recipe, GenerateOptions(out_dir=folders.data, count=None, workers=options.workers, resume=resume),
             on_start=on_start, on_progress=on_progress)
    return sample_sheet


def _train_budget(options: DemoOptions, clock: _Clock, config: Any, num_classes: int) -> tuple[int, float, int]:
    """(schedule steps, training minutes, step limit): a fixed step count, else what the timing says fits."""
    if options.steps is not None:  # a fixed step count: the schedule and the run both end there
        return options.steps, max(clock.left() - _TAIL_MINUTES, 1.0), options.steps
    if clock.left() - _TAIL_MINUTES < 0.6:
        raise UserError(f"DemoOptions.minutes {options.minutes:g}: no time left to train after generating; give the demo more minutes",
                        params=("DemoOptions.minutes",))
    rate = _steps_per_second(config, num_classes)
    budget = clock.left() - _TAIL_MINUTES  # what is left after the timing itself
    fit = max(50, int(rate * (budget * 60 - 10)))  # what the timing says fits: an upper bound in practice
    return max(50, int(fit * _RATE_MARGIN)), budget, fit


def _train_stage(options: DemoOptions, recipe: Any, folders: _Folders, clock: _Clock, on_stage: Callable[[str], None],
                 on_note: Callable[[str], None], train_verbose: int) -> Any:
    """Trains (or continues) crnn-small within the time left; returns the TrainResult."""
    from synthocr.training.charset import Charset
    from synthocr.training.quiet import quiet_tensorflow
    from synthocr.training.rundir import LAST_CHECKPOINT

    quiet_tensorflow()  # generation's workers are done: TensorFlow may load now, without its start-up lines
    from synthocr.training.train import TrainData, TrainRequest, train

    config = _train_config(recipe)
    steps, budget, fit = _train_budget(options, clock, config, Charset(recipe.text.charset).num_classes)
    on_stage(f"2/4 train: crnn-small for {budget:.1f} minutes, batches of {config.batch_size}, learning rate decayed "
             f"over ~{steps:,} steps, into {folders.run} ({clock.elapsed():.1f} minutes in)")
    request = TrainRequest(config=config, data=(TrainData(folders.data),), run_dir=folders.run, max_steps=fit, schedule_steps=steps,
                           minutes=budget, epochs_limited=False, resume=(folders.run / LAST_CHECKPOINT).is_file(),
                           verbose=train_verbose, real_val=options.real_val)
    return train(request, on_message=on_note)


def _evaluate_stage(trained: Any, folders: _Folders, clock: _Clock, on_stage: Callable[[str], None],
                    on_note: Callable[[str], None]) -> tuple[dict[str, float], dict[str, dict[str, float]], dict[str, Path]]:
    """(test split summary, real set summaries, real set predictions) of the trained model."""
    from synthocr.training.evaluate import EvalRequest, evaluate
    from synthocr.training.realval import MJSYNTH_SPLIT

    on_stage(f"3/4 evaluate: the test split with {trained.model_path} ({clock.elapsed():.1f} minutes in)")
    evaluation = evaluate(EvalRequest(model=trained.model_path, data=folders.data, out=folders.predictions, split="test"))
    real, real_predictions = {}, {}
    for name, path in trained.real_sets.items():
        real_predictions[name] = folders.out / f"predictions-real-{name}.parquet"
        on_note(f"evaluating the real set {name} ({path})")
        real[name] = evaluate(EvalRequest(model=trained.model_path, data=Path(path), out=real_predictions[name],
                                          split=MJSYNTH_SPLIT, allow_charset_mismatch=True)).summary
    return evaluation.summary, real, real_predictions


def run_demo(options: DemoOptions, on_stage: Callable[[str], None] = lambda message: None,
             on_note: Callable[[str], None] = lambda message: None,
             on_generate: tuple[Callable[[int, int], None], Callable[[int], None]] | None = None,
             train_verbose: int = 2) -> DemoResult:
    """Runs the demo; `on_stage` hears each stage start, `on_note` the details, `on_generate` the
    generation progress (on_start(total, done), on_progress(n)); `train_verbose` is Keras's."""
    from synthocr.recipe import load_recipe
    from synthocr.report import build_report
    from synthocr.training.realval import check_real_path

    clock = _Clock(options.minutes)
    for path in options.real_val:  # before minutes of generation, not after
        check_real_path(path)
    folders = _Folders.under(options.out_dir)
    recipe_path = options.recipe or bundled("recipes") / "default.yaml"
    recipe = load_recipe(recipe_path)
    recipe = recipe.model_copy(update={"splits": recipe.splits.model_copy(update=demo_splits(options.count))})
    folders.out.mkdir(parents=True, exist_ok=True)
    sample_sheet = _generate_stage(options, recipe, recipe_path, folders, on_stage, on_note, on_generate)
    trained = _train_stage(options, recipe, folders, clock, on_stage, on_note, train_verbose)
    summary, real, real_predictions = _evaluate_stage(trained, folders, clock, on_stage, on_note)
    on_stage(f"4/4 report: by font into {folders.report} ({clock.elapsed():.1f} minutes in)")
    report = build_report(folders.predictions, by=["font"], out_dir=folders.report)
    return DemoResult(folders.data, folders.run, folders.predictions, folders.report, sample_sheet, recipe_path, summary,
                      trained.steps, clock.elapsed(), report, real, real_predictions)
