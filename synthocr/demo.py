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


@dataclass(frozen=True)
class DemoOptions:
    out_dir: Path
    minutes: float = 15.0  # the whole demo, generation to report
    count: int = 45000  # samples: up to 4,000 test (~35 a font) and 1,000 val, the rest train
    workers: int = 1
    recipe: Path | None = None  # default: the bundled recipes/default.yaml
    steps: int | None = None  # training steps; default: as many as the time left allows (timed here)
    real_val: tuple[Path, ...] = ()  # real validation sets: scored each epoch, pick the best checkpoint, evaluated at the end


@dataclass
class DemoResult:
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
    real: dict[str, dict[str, float]] = field(default_factory=dict)  # real set name -> summary (scoring.summarise)
    real_predictions: dict[str, Path] = field(default_factory=dict)


# The share of the budget kept after training's own clock: its set-up before the clock starts,
# the last validation and saves after it stops, then evaluation (4,000 images) and the report.
# Runs on 2 cores with 1.5 minutes kept ended at 14.0 and 14.8 minutes; with 2.5, at 12.6; with
# 2.0, at 13.2, 13.9 and 13.2 (evaluation and report took 0.2-0.9 of it).
_TAIL_MINUTES = 2.0
# Where the cosine schedule ends, as a share of the steps the timing below says fit in the time:
# training from shards, with a validation pass and checkpoints each epoch, ran at 68-90% of the
# timed in-memory rate over six demo runs on 2 cores. The clock, not the step count, ends the
# run: a horizon reached early leaves the last minutes at the schedule's floor (2% of the peak),
# which still helps; one reached late stops the run while the rate is still high, which does not.
_RATE_MARGIN = 0.75


def _train_config(recipe: Any) -> Any:
    return recipe.train_config.with_overrides(
        where="demo", model="crnn-small", batch_size=64, learning_rate=0.002, warmup_steps=100,
        lr_schedule="cosine", early_stopping_patience=0, val_samples=500,
    )


def _steps_per_second(config: Any) -> float:
    """Optimiser steps per second of the configured model on this machine (a short timing)."""
    import keras
    import numpy as np

    from synthocr.training.model import build_model

    model = build_model(config.model, 63, config.height, config.width, config.channels)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.CTC())
    rng = np.random.default_rng(0)
    images = rng.random((config.batch_size, config.height, config.width, config.channels), dtype=np.float32)
    labels = rng.integers(1, 63, size=(config.batch_size, 10)).astype(np.int32)
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
    rest mostly train. On 2 cores crnn-small overfits 20,000 words within the default budget (val
    accuracy flat from the 5th epoch), so new words are worth more than more passes over old ones.

    >>> demo_splits(45000)
    {'train': 40000, 'val': 1000, 'test': 4000}
    >>> demo_splits(1000)
    {'train': 800, 'val': 40, 'test': 160}
    """
    test, val = min(4000, round(count * 0.16)), min(1000, round(count * 0.04))
    return {"train": count - val - test, "val": val, "test": test}


def run_demo(options: DemoOptions, on_stage: Callable[[str], None] = lambda message: None,
             on_note: Callable[[str], None] = lambda message: None,
             on_generate: tuple[Callable[[int, int], None], Callable[[int], None]] | None = None,
             train_verbose: int = 2) -> DemoResult:
    """Runs the demo; `on_stage` hears each stage start, `on_note` the details, `on_generate` the
    generation progress (on_start(total, done), on_progress(n)); `train_verbose` is Keras's."""
    from synthocr.dataset.generate import GenerateOptions, generate
    from synthocr.recipe import load_recipe

    started = time.perf_counter()

    def elapsed() -> float:
        return (time.perf_counter() - started) / 60

    def minutes_left() -> float:
        return options.minutes - elapsed()

    from synthocr.training.realval import MJSYNTH_SPLIT, check_real_path

    for path in options.real_val:  # before minutes of generation, not after
        check_real_path(path)
    out = options.out_dir
    recipe_path = options.recipe or bundled("recipes") / "default.yaml"
    recipe = load_recipe(recipe_path)
    recipe = recipe.model_copy(update={"splits": recipe.splits.model_copy(update=demo_splits(options.count))})
    data_dir, run_dir = out / "data", out / "run"
    predictions, report_dir = out / "predictions.parquet", out / "report"
    out.mkdir(parents=True, exist_ok=True)

    on_stage(f"1/4 generate: {options.count:,} samples from {shown_path(recipe_path)} into {data_dir}")
    from synthocr.synth.preview import write_contact_sheet

    sample_sheet = out / "samples.png"
    if not sample_sheet.is_file():
        write_contact_sheet(recipe, sample_sheet, 4)
    on_note(f"sample sheet (4 samples per font): {sample_sheet}")
    resume = data_dir.is_dir() and any(data_dir.iterdir())
    on_start, on_progress = on_generate or (None, None)
    generate(recipe, GenerateOptions(out_dir=data_dir, count=None, workers=options.workers, resume=resume),
             on_start=on_start, on_progress=on_progress)

    from synthocr.training.train import TrainData, TrainRequest, train

    config = _train_config(recipe)
    if options.steps is not None:  # a fixed step count: the schedule and the run both end there
        steps, budget = options.steps, max(minutes_left() - _TAIL_MINUTES, 1.0)
        fit = steps
    elif minutes_left() - _TAIL_MINUTES < 0.6:
        raise UserError(f"--minutes {options.minutes:g}: no time left to train after generating; give the demo more minutes")
    else:
        rate = _steps_per_second(config)
        budget = minutes_left() - _TAIL_MINUTES  # what is left after the timing itself
        fit = max(50, int(rate * (budget * 60 - 10)))  # what the timing says fits: an upper bound in practice
        steps = max(50, int(fit * _RATE_MARGIN))
    on_stage(f"2/4 train: crnn-small for {budget:.1f} minutes, batches of {config.batch_size}, learning rate decayed "
             f"over ~{steps:,} steps, into {run_dir} ({elapsed():.1f} minutes in)")
    resume_run = (run_dir / "checkpoints" / "last.keras").is_file()
    result = train(
        TrainRequest(config=config, data=(TrainData(data_dir),), run_dir=run_dir,
                     max_steps=fit, schedule_steps=steps,
                     minutes=budget, epochs_limited=False, resume=resume_run, verbose=train_verbose,
                     real_val=options.real_val),
        on_message=on_note,
    )

    from synthocr.training.evaluate import EvalRequest, evaluate

    on_stage(f"3/4 evaluate: the test split with {result.model_path} ({elapsed():.1f} minutes in)")
    evaluation = evaluate(EvalRequest(model=result.model_path, data=data_dir, out=predictions, split="test"))

    real, real_predictions = {}, {}
    for name, path in result.real_sets.items():
        real_predictions[name] = out / f"predictions-real-{name}.parquet"
        on_note(f"evaluating the real set {name} ({path})")
        real[name] = evaluate(EvalRequest(model=result.model_path, data=Path(path), out=real_predictions[name],
                                          split=MJSYNTH_SPLIT, allow_charset_mismatch=True)).summary

    on_stage(f"4/4 report: by font into {report_dir} ({elapsed():.1f} minutes in)")
    report = _report(predictions, report_dir)
    return DemoResult(data_dir, run_dir, predictions, report_dir, sample_sheet, recipe_path, evaluation.summary,
                      result.steps, (time.perf_counter() - started) / 60, report, real, real_predictions)


def _report(predictions: Path, report_dir: Path) -> Any:
    from synthocr.report import build_report

    return build_report(predictions, by=["font"], out_dir=report_dir)
