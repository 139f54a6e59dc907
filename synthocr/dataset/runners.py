"""The runners that write a run's shards: in this process, in a pool of worker processes, or in
an Apache Beam pipeline. Every one runs the same `ShardWriter.write_shard`, so the bytes match.

Workers keep their state in the objects they are handed (a `WriterSpec`, built once per
process), not in module globals. Beam: `beam.Create(jobs) | beam.Map(BeamShardJob(spec))`;
DirectRunner locally, Dataflow, Flink or Spark on a cluster (docs/scale-out.md). The recipe
travels to Beam workers pickled with `portable_recipe`: paths into synthocr's own fonts,
backgrounds and recipes as `synthocr-bundled:NAME/...`, which each worker reads from its own
installed copy; any other path (your fonts, word lists, MJSynth, labels.tsv) must exist at the
same place on every worker.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from synthocr.dataset.mixing import ShardMix
from synthocr.dataset.shards import Progress, ShardResult, ShardTask, ShardWriter, WriterSpec
from synthocr.errors import UserError
from synthocr.recipe import portable_recipe

ShardJob = tuple[ShardTask, ShardMix | None]  # a shard and its mix, as runners take them
OnResult = Callable[[ShardResult], None]


def run_serial(writer: ShardWriter, jobs: Sequence[ShardJob], on_progress: Progress | None, on_result: OnResult) -> None:
    """Writes the shards one after another in this process."""
    for task, mix in jobs:
        on_result(writer.write_shard(task, mix, on_progress))


def _die_with_parent(parent: int) -> None:
    """Ends this worker when its parent dies, even by SIGKILL: otherwise it would go on writing
    shards beside the resumed run that follows. Linux's parent-death signal, and on every system
    a thread that polls the parent's pid."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, name="synthocr-parent-watch", daemon=True).start()


@dataclass
class _PoolWorker:
    """One worker process's state, handed to it when it starts: the writer's spec and the parent's
    queue, which takes sample counts and results (a forked worker inherits the built writer)."""

    spec: WriterSpec
    messages: Any

    def progress(self, count: int) -> None:
        self.messages.put(("progress", count))

    def run(self, jobs: Any, parent: int) -> None:
        """Writes the jobs it takes from `jobs` until it takes None; stops at the first error."""
        _die_with_parent(parent)
        while (job := jobs.get()) is not None:
            try:
                result = self.spec.writer().write_shard(*job, self.progress)
            except Exception as err:  # handed to the parent, which raises it
                self.messages.put(("error", _picklable(err)))
                return
            result.rows = []  # the parent reads rows from the part file: no need to pickle them twice
            self.messages.put(("result", result))


def _picklable(err: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err


def run_pool(
    spec: WriterSpec, jobs: Sequence[ShardJob], workers: int, on_progress: Progress | None, on_result: OnResult
) -> None:
    """Writes the shards in `workers` processes; `on_result` gets each result as it comes."""
    use_fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if use_fork else "spawn")
    todo, messages = context.Queue(), context.Queue()
    for job in [*jobs, *[None] * workers]:
        todo.put(job)
    # Forked workers inherit the parent's writer: fonts and backgrounds loaded once.
    worker = _PoolWorker(spec if use_fork else WriterSpec(spec.recipe, spec.out_dir, spec.options), messages)
    processes = [context.Process(target=worker.run, args=(todo, os.getpid()), daemon=True) for _ in range(workers)]
    try:
        for process in processes:
            process.start()
        remaining = len(jobs)
        while remaining:
            kind, value = _next_message(messages, processes)
            if kind == "error":
                raise value
            if kind == "result":
                on_result(value)
                remaining -= 1
            elif on_progress is not None:
                on_progress(value)
    except BaseException:
        for process in processes:
            process.terminate()
        raise
    finally:
        for process in processes:
            process.join()


def _next_message(messages: Any, processes: list[Any]) -> tuple[str, Any]:
    """The next message from the workers; a worker that died without saying why is an error."""
    while True:
        try:
            return messages.get(timeout=0.5)
        except queue.Empty:
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a shard worker process died (exit code {dead[0]})") from None


@dataclass
class BeamShardJob:
    """One Beam element, (shard task, its mix): writes the shard and its part; returns a summary.

    The object travels to the Beam workers; each builds its writer once from the spec."""

    spec: WriterSpec

    def __call__(self, element: ShardJob) -> dict[str, Any]:
        task, mix = element
        result = self.spec.writer().write_shard(task, mix)
        return {"split": task.split, "shard": task.index, "samples": result.samples}


def run_beam(spec: WriterSpec, jobs: Sequence[ShardJob], beam_args: Sequence[str]) -> None:
    """Runs the shard jobs through Beam with `beam_args` as its pipeline options; blocks until done."""
    try:
        import apache_beam as beam
        from apache_beam.options.pipeline_options import PipelineOptions
    except ImportError:
        raise UserError(
            "runner='beam' needs Apache Beam: install synthocr[beam] (uv sync --extra beam)", params=("runner='beam'",)
        ) from None
    if not jobs:
        return
    try:
        pipeline_options = PipelineOptions(list(beam_args))
    except SystemExit:  # Beam's argparse exits on a malformed option
        raise UserError(
            f"beam_options: not valid Beam pipeline options: {' '.join(beam_args)}", params=("beam_options",)
        ) from None
    shipped = WriterSpec(portable_recipe(spec.recipe), spec.out_dir, spec.options, portable=True)
    with beam.Pipeline(options=pipeline_options) as pipeline:
        (
            pipeline
            | "Shards" >> beam.Create(list(jobs), reshuffle=True)
            | "WriteShard" >> beam.Map(BeamShardJob(shipped))
        )
