"""`generate`: plans a run's shards and their mixes, then has a runner write them into the output
folder and finishes it with the manifests and the info.

Shards are written atomically and resumably (`synthocr.dataset.shards`, `.folder`) by the local
process pool or an Apache Beam pipeline (`synthocr.dataset.runners`). A new run draws its first
shard in memory before it deletes or creates anything: a recipe that fails while drawing leaves
an old dataset untouched.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthocr.dataset import folder
from synthocr.dataset.info import build_info, summarise_splits
from synthocr.dataset.mixing import ShardMix, plan_mix
from synthocr.dataset.run_info import run_info, with_inputs
from synthocr.dataset.runners import ShardJob, run_beam, run_pool, run_serial
from synthocr.dataset.schema import SPLITS
from synthocr.dataset.shards import ShardResult, ShardTask, ShardWriter, WriterSpec
from synthocr.errors import UserError
from synthocr.recipe import Recipe
from synthocr.synth.sample import FactoryOptions


@dataclass(frozen=True)
class GenerateOptions:
    """How to run `generate`: where to, how many samples, with what, and on which runner."""

    out_dir: str | Path  # a local folder or a remote URL (gs://...) handled by TensorFlow's file API
    count: int | None = None  # total samples over all splits, in the recipe's proportions
    workers: int = 1
    overwrite: bool = False
    resume: bool = False
    font_weights: dict[str, float] | None = None  # from a report (report.weights.font_weights_from_report)
    weights_origin: str | None = None
    runner: str = "local"  # local: this process or a process pool; beam: an Apache Beam pipeline
    beam_options: tuple[str, ...] = ()  # Beam pipeline options, e.g. ("--runner=DataflowRunner", ...)


@dataclass
class GenerateSummary:
    """What a run did: its folder, samples per split, shards written and kept, and the info it wrote."""

    out_dir: str
    counts: dict[str, int]
    written_shards: int
    reused_shards: int
    info: dict[str, Any]


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def split_counts(recipe: Recipe, total: int | None) -> dict[str, int]:
    """Samples per split: the recipe's, or `total` shared in the recipe's proportions.

    Largest-remainder rounding, so the counts add up to `total` exactly.
    """
    counts = {s: getattr(recipe.splits, s) for s in SPLITS}
    if total is None:
        return counts
    whole = sum(counts.values())
    if whole == 0:
        raise UserError(f"{recipe.source}: splits: every split is empty, count has nothing to scale", params=("count",))
    exact = {s: total * c / whole for s, c in counts.items()}
    result = {s: int(v) for s, v in exact.items()}
    for s in sorted(exact, key=lambda s: (result[s] - exact[s], SPLITS.index(s)))[: total - sum(result.values())]:
        result[s] += 1
    return result


def plan_shards(counts: dict[str, int], shard_size: int) -> list[ShardTask]:
    """The shards of every split, in SPLITS order, `shard_size` samples each (the last fewer)."""
    tasks = []
    for split in SPLITS:
        n = counts.get(split, 0)
        shards = math.ceil(n / shard_size)
        for i in range(shards):
            tasks.append(ShardTask(split, i, shards, i * shard_size, min(n, (i + 1) * shard_size)))
    return tasks


def plan_mixes(recipe: Recipe, counts: dict[str, int], tasks: list[ShardTask]) -> dict[ShardTask, ShardMix]:
    """The mix of every shard of every split that mixes in MJSynth or labels.tsv sources."""
    mixes: dict[ShardTask, ShardMix] = {}
    for split in SPLITS:
        split_tasks = [t for t in tasks if t.split == split]
        plan = plan_mix(recipe, split, counts.get(split, 0), [(t.start, t.stop) for t in split_tasks]) if split_tasks else None
        if plan is not None:
            mixes.update(zip(split_tasks, plan))
    return mixes


@dataclass
class _Run:
    """One run being carried out: its plan, its writer and the shards done so far."""

    recipe: Recipe
    options: GenerateOptions
    out_dir: str
    tasks: list[ShardTask]
    writer: ShardWriter
    factory_options: FactoryOptions
    mixes: dict[ShardTask, ShardMix]
    done: dict[ShardTask, ShardResult]

    def jobs(self) -> list[ShardJob]:
        return [(t, self.mixes.get(t)) for t in self.tasks if t not in self.done]

    def record(self, result: ShardResult) -> None:
        self.done[result.task] = result


def generate(
    recipe: Recipe,
    options: GenerateOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> GenerateSummary:
    """Generates a dataset directory for a recipe.

    `on_start(total_samples, samples_already_done)` and `on_progress(n_new_samples)` feed a
    progress bar. A new run draws its first shard in memory before it touches `out_dir`: an error
    while drawing leaves an existing dataset there as it was.
    """
    out_dir = str(options.out_dir)
    folder.check_out_dir(out_dir)
    counts = split_counts(recipe, options.count)
    if sum(counts.values()) == 0:
        raise UserError(f"{recipe.source}: splits: nothing to generate (every split is 0)")
    tasks = plan_shards(counts, recipe.output.shard_size)
    factory_options = FactoryOptions(font_weights=options.font_weights)
    started_with = run_info(recipe, counts, options.font_weights)
    # Build the factory first: a bad recipe must fail before anything is deleted or created.
    writer = ShardWriter(recipe, out_dir, factory_options)
    finished = folder.finished_info(out_dir, started_with) if options.resume else None
    if finished is not None:
        return GenerateSummary(out_dir, counts, 0, len(tasks), finished)
    # Mixed-in sources are checked and their samples chosen before anything is written.
    run = _Run(recipe, options, out_dir, tasks, writer, factory_options, plan_mixes(recipe, counts, tasks), {})
    try:
        resumed = _prepare(run, with_inputs(started_with, recipe))
        jobs = run.jobs()
        if on_start is not None:
            on_start(sum(counts.values()), sum(r.samples for r in run.done.values()))
        _write(run, jobs, on_progress)
        info = _finish(run)
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        raise UserError(
            f"out_dir {out_dir}: cannot write the dataset there ({err.strerror or err}{where})", params=("out_dir",)
        ) from None
    written = len(jobs) + (0 if resumed else 1)
    return GenerateSummary(out_dir, counts, written, len(tasks) - written, info)


def _prepare(run: _Run, started_with: dict[str, Any]) -> bool:
    """Readies the folder: keeps a resumed run's complete shards (True), or starts it anew with
    the first shard, drawn before the folder is touched (False)."""
    if run.options.resume and folder.resumable(run.out_dir, started_with):
        run.done.update(folder.complete_shards(run.out_dir, run.recipe.name, run.tasks))
        return True
    folder.check_replaceable(run.out_dir, replace=run.options.overwrite or run.options.resume)
    first = run.tasks[0]
    data, first_result = run.writer.render_shard(first, run.mixes.get(first))
    folder.start_folder(run.out_dir, started_with)
    run.writer.store_shard(data, first_result)
    run.record(first_result)
    return False


def _write(run: _Run, jobs: list[ShardJob], on_progress: Callable[[int], None] | None) -> None:
    """Writes the shards still to do on the runner the options name."""
    spec = WriterSpec(run.recipe, run.out_dir, run.factory_options, built=run.writer)
    workers = max(1, min(run.options.workers, len(jobs)))
    if run.options.runner == "beam":
        run_beam(spec, jobs, run.options.beam_options)
    elif workers == 1:
        run_serial(run.writer, jobs, on_progress, run.record)
    else:
        run_pool(spec, jobs, workers, on_progress, run.record)


def _finish(run: _Run) -> dict[str, Any]:
    """Writes the manifests and the info from every shard's part; returns the info."""
    splits = summarise_splits(folder.load_results(run.out_dir, run.tasks), run.recipe.name)
    info = build_info(run.recipe, run.writer.factory.fonts, splits, run.options.weights_origin)
    folder.finish_folder(run.out_dir, info, {split: s.rows for split, s in splits.items()})
    return info
