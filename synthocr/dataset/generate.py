"""`synthocr generate`: plans shards, writes them in parallel, atomically, resumably; then the manifests.

The same `write_shard(task)` runs in the local process pool and in Beam. A shard is written under
a temporary name unique to the attempt and renamed when complete, after its manifest part (which
holds the shard's SHA-256), so an interrupted run leaves only complete shards and `--resume`
finishes it with identical bytes. A new run draws its first shard in memory before it deletes or
creates anything: a recipe that fails while drawing leaves an old dataset untouched.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import math
import multiprocessing
import os
import signal
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from synthocr import __version__

from synthocr.dataset import storage
from synthocr.dataset import DATASET_INFO, SPLITS, shard_name
from synthocr.errors import UserError
from synthocr.dataset.mixing import MixLoader, ShardMix, ShardMixer, plan_mix
from synthocr.recipe import Recipe
from synthocr.dataset.records import (
    BYTES_KEYS,
    INT64_KEYS,
    Record,
    encode_example,
)
from synthocr.synth.sample import FactoryOptions, SampleFactory
from synthocr.synth.text import word_list_path
from synthocr.dataset.tfrecord import frame

PARTS_DIR = ".parts"
RUN_FILE = ".synthocr-run.json"
TMP_SUFFIX = ".tmp"
PROGRESS_EVERY = 16


@dataclass(frozen=True)
class ShardTask:
    """One shard: samples [start, stop) of a split."""

    split: str
    index: int
    count: int
    start: int
    stop: int

    def file_name(self, name: str) -> str:
        return shard_name(name, self.split, self.index, self.count)

    @property
    def part_name(self) -> str:
        return f"{self.split}-{self.index:05d}.json"


@dataclass
class ShardResult:
    task: ShardTask
    samples: int
    fonts: dict[str, int]
    sources: dict[str, int]
    skips: dict[str, int]
    rows: list[dict[str, Any]] = field(repr=False)
    sha256: str = ""  # of the shard file: a shard on disk counts as complete only if it matches


@dataclass(frozen=True)
class GenerateOptions:
    out_dir: str | Path  # a local folder or a remote URL (gs://...) handled by TensorFlow's file API
    count: int | None = None  # total samples over all splits, in the recipe's proportions
    workers: int = 1
    overwrite: bool = False
    resume: bool = False
    font_weights: dict[str, float] | None = None  # from a report (--weights-from)
    weights_origin: str | None = None
    runner: str = "local"  # local | beam
    beam_options: tuple[str, ...] = ()  # Beam pipeline options, e.g. ("--runner=DataflowRunner", ...)


def default_workers() -> int:
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
        raise UserError(f"{recipe.source}: splits: every split is empty, --count has nothing to scale")
    exact = {s: total * c / whole for s, c in counts.items()}
    result = {s: int(v) for s, v in exact.items()}
    for s in sorted(exact, key=lambda s: (result[s] - exact[s], SPLITS.index(s)))[: total - sum(result.values())]:
        result[s] += 1
    return result


def plan_mixes(recipe: Recipe, counts: dict[str, int], tasks: list[ShardTask]) -> dict[ShardTask, ShardMix]:
    """The mix of every shard of every split that mixes in MJSynth or labels.tsv sources."""
    mixes: dict[ShardTask, ShardMix] = {}
    for split in SPLITS:
        split_tasks = [t for t in tasks if t.split == split]
        plan = plan_mix(recipe, split, counts.get(split, 0), [(t.start, t.stop) for t in split_tasks]) if split_tasks else None
        if plan is not None:
            mixes.update(zip(split_tasks, plan))
    return mixes


def plan_shards(counts: dict[str, int], shard_size: int) -> list[ShardTask]:
    tasks = []
    for split in SPLITS:
        n = counts.get(split, 0)
        shards = math.ceil(n / shard_size)
        for i in range(shards):
            tasks.append(ShardTask(split, i, shards, i * shard_size, min(n, (i + 1) * shard_size)))
    return tasks


def manifest_row(record: Record, task: ShardTask, position: int, shard_file: str) -> dict[str, Any]:
    """One manifest row: the record's fields and every sampled value from its meta."""
    row: dict[str, Any] = {
        "id": record.id,
        "split": task.split,
        "index": task.start + position,
        "shard": shard_file,
        "record_index": position,
        "text": record.text,
        "font": record.font,
        "source": record.source,
        "seed": record.seed,
        "width": record.width,
        "height": record.height,
    }
    for key, value in record.meta.items():
        column = key if key not in row else f"meta_{key}"
        if isinstance(value, list):
            value = "+".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True)
        row[column] = value
    return row


class ShardWriter:
    """Writes shards for one recipe; built once per process."""

    def __init__(self, recipe: Recipe, out_dir: str | Path, factory_options: FactoryOptions | None = None):
        self.recipe = recipe
        self.out_dir = str(out_dir)
        self.factory = SampleFactory(recipe, factory_options)
        self.loader = MixLoader()

    def records(
        self, task: ShardTask, skips: Counter[str], mix: ShardMix | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Record]:
        """The shard's records in order: synthetic ones and, where the mix schedules them, others."""
        mixer = ShardMixer(mix, self.loader, self.factory.text.rejection, skips) if mix is not None else None
        pending = 0
        for index in range(task.start, task.stop):
            record = None
            if mixer is not None and (number := mixer.source_at(index - task.start)):
                record = mixer.take(number)  # None: that source ran out, a synthetic sample stands in
            yield record if record is not None else self.factory.make(task.split, index, skips)
            pending += 1
            if progress is not None and pending >= PROGRESS_EVERY:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)

    def _encode(
        self, task: ShardTask, stream: Any, mix: ShardMix | None, progress: Callable[[int], None] | None
    ) -> ShardResult:
        """Writes the shard's framed records to `stream`; the result holds their SHA-256."""
        final_name = task.file_name(self.recipe.name)
        skips: Counter[str] = Counter()
        fonts: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        digest = hashlib.sha256()
        rows = []
        for position, record in enumerate(self.records(task, skips, mix, progress)):
            framed = frame(encode_example(record))
            stream.write(framed)
            digest.update(framed)
            fonts[record.font] += 1
            sources[record.source] += 1
            rows.append(manifest_row(record, task, position, final_name))
        return ShardResult(task, len(rows), dict(sorted(fonts.items())), dict(sorted(sources.items())),
                           dict(sorted(skips.items())), rows, digest.hexdigest())

    def write_shard(
        self, task: ShardTask, mix: ShardMix | None = None, progress: Callable[[int], None] | None = None
    ) -> ShardResult:
        temporary = unique_temporary(storage.join(self.out_dir, task.file_name(self.recipe.name)))
        with storage.open_file(temporary, "wb") as stream:
            result = self._encode(task, stream, mix, progress)
            storage.sync(stream)
        self._commit(result, temporary)
        return result

    def render_shard(self, task: ShardTask, mix: ShardMix | None = None) -> tuple[bytes, ShardResult]:
        """The shard's bytes and result, in memory: nothing is written."""
        buffer = io.BytesIO()
        result = self._encode(task, buffer, mix, None)
        return buffer.getvalue(), result

    def store_shard(self, data: bytes, result: ShardResult) -> None:
        """Writes a shard drawn by `render_shard`, as `write_shard` would have."""
        temporary = unique_temporary(storage.join(self.out_dir, result.task.file_name(self.recipe.name)))
        with storage.open_file(temporary, "wb") as stream:
            stream.write(data)
            storage.sync(stream)
        self._commit(result, temporary)

    def _commit(self, result: ShardResult, temporary: str) -> None:
        # The part (stats + manifest rows + checksum) lands first, the shard last.
        part = storage.join(self.out_dir, PARTS_DIR, result.task.part_name)
        storage.write_atomic(part, json.dumps(asdict(result), sort_keys=True).encode("utf-8"))
        storage.rename(temporary, storage.join(self.out_dir, result.task.file_name(self.recipe.name)))


def unique_temporary(path: str) -> str:
    """A temporary name for `path` that no other attempt uses (a worker left over from a killed
    run must never rename a resumed run's file into place).

    >>> a, b = unique_temporary("x"), unique_temporary("x")
    >>> a != b and a.startswith("x.") and a.endswith(TMP_SUFFIX)
    True
    """
    return f"{path}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}"


# Worker-process state (fork: inherited from the parent; spawn: rebuilt by the initializer).
_WRITER: ShardWriter | None = None
_PROGRESS: Any = None


def _die_with_parent(parent: int) -> None:
    """Ends this worker when its parent dies, even by SIGKILL: otherwise it would go on writing
    shards beside the `--resume` that follows. Linux's parent-death signal, and on every system
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


def _init_worker(
    recipe: Recipe | None, out_dir: str, options: FactoryOptions | None, queue: Any, parent: int | None = None
) -> None:
    global _WRITER, _PROGRESS
    if parent is not None:
        _die_with_parent(parent)
    if _WRITER is None and recipe is not None:
        _WRITER = ShardWriter(recipe, out_dir, options)
    _PROGRESS = queue


def _worker_task(task: ShardTask, mix: ShardMix | None) -> ShardResult:
    assert _WRITER is not None
    result = _WRITER.write_shard(task, mix, _PROGRESS.put if _PROGRESS is not None else None)
    result.rows = []  # the parent reads rows from the part file: no need to pickle them twice
    return result


def _load_part(out_dir: str, task: ShardTask) -> ShardResult | None:
    part = storage.join(out_dir, PARTS_DIR, task.part_name)
    if not storage.exists(part):
        return None
    data = json.loads(storage.read_text(part))
    data["task"] = ShardTask(**data["task"])
    return ShardResult(**data)


def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with storage.open_file(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _complete_shards(out_dir: str, recipe: Recipe, tasks: list[ShardTask]) -> dict[ShardTask, ShardResult]:
    """The shards on disk whose bytes match the checksum in their part; any other is written again."""
    done: dict[ShardTask, ShardResult] = {}
    for task in tasks:
        shard = storage.join(out_dir, task.file_name(recipe.name))
        if not storage.exists(shard):
            continue
        part = _load_part(out_dir, task)
        if part is not None and part.sha256 and _file_sha256(shard) == part.sha256:
            done[task] = part
    return done


def _folder_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def input_digests(recipe: Recipe) -> dict[str, str]:
    """A digest of the contents of every file the recipe reads, keyed by where the recipe names it.

    The recipe's hash covers the paths; this covers what lies at them, so `--resume` notices a
    word list, font or background that changed in place. MJSynth and the images of labels.tsv
    files are left out (millions of files); the labels files themselves are in.
    """
    from synthocr.synth.fonts import trdg_latin_dir
    from synthocr.sources.labels_tsv import resolve_labels_file

    digests: dict[str, str] = {}
    for i, source in enumerate(recipe.text.sources):
        path = word_list_path(source.path) if getattr(source, "path", None) else None
        if path is not None and path.is_file():
            digests[f"text.sources[{i}]"] = _folder_digest([path])
    folders = [(f"fonts.dirs[{i}]", d) for i, d in enumerate(recipe.fonts.dirs)]
    folders += [(f"backgrounds.dirs[{i}]", d) for i, d in enumerate(recipe.backgrounds.dirs)]
    if recipe.fonts.trdg_latin:
        folders.append(("fonts.trdg_latin", str(trdg_latin_dir())))
    for key, folder in folders:
        if not storage.is_remote(folder) and Path(folder).is_dir():
            digests[key] = _folder_digest(sorted(p for p in Path(folder).iterdir() if p.is_file()))
    for i, real in enumerate(recipe.mix.real):
        digests[f"mix.real[{i}]"] = _folder_digest([resolve_labels_file(real.path)])
    return digests


def _already_complete(out_dir: str, options: GenerateOptions, run_info: dict[str, Any]) -> dict[str, Any] | None:
    """The info of a finished dataset that `--resume` is asked to finish again, else None."""
    info_path = storage.join(out_dir, DATASET_INFO)
    if not (options.resume and storage.exists(info_path) and not storage.exists(storage.join(out_dir, RUN_FILE))):
        return None
    info = json.loads(storage.read_text(info_path))
    counts = {split: data["count"] for split, data in info.get("splits", {}).items()}
    wanted = {split: n for split, n in run_info["counts"].items() if n}
    if info.get("recipe_hash") != run_info["recipe_hash"] or info.get("seed") != run_info["seed"] or counts != wanted:
        raise UserError(f"--out {out_dir}: holds a finished dataset of another recipe, seed or count; use --overwrite")
    return info


def _json_has(path: str, key: str) -> bool:
    try:
        data = json.loads(storage.read_text(path))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and key in data


def _only_debris(names: list[str]) -> bool:
    """What a run killed before its run file landed leaves behind: its parts folder, temporary files."""
    return all(name == PARTS_DIR or (name.startswith(RUN_FILE) and name.endswith(TMP_SUFFIX)) for name in names)


def _is_own_folder(out_dir: str) -> bool:
    """Whether synthocr wrote this folder: its run file, its own info (with synthocr's version in
    it, which a TensorFlow Datasets folder's dataset_info.json lacks), or only a killed run's debris."""
    names = storage.listdir(out_dir)
    if RUN_FILE in names:  # its name is ours, even if a crash left it unreadable
        return True
    for info in sorted({DATASET_INFO, "dataset_info.json"} & set(names)):  # ours, under its name now or before
        if _json_has(storage.join(out_dir, info), "synthocr_version"):
            return True
    return _only_debris(names)


def _check_writable(out_dir: str) -> None:
    """A local folder that can never be written is refused before anything is drawn."""
    if storage.is_remote(out_dir):
        return
    path = Path(out_dir).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    if not path.is_dir():
        raise UserError(f"--out {out_dir}: {path} is a file, not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"--out {out_dir}: {path} is not writable")


def _resumable(out_dir: str, run_info: dict[str, Any]) -> bool:
    """Checks a `--resume` folder: True if it holds this run's shards; False if it is to be started anew."""
    if not storage.isdir(out_dir):
        return False
    names = storage.listdir(out_dir)
    if not names or _only_debris(names):  # killed before it began: nothing to keep
        return False
    run_file = storage.join(out_dir, RUN_FILE)
    if RUN_FILE not in names:
        raise UserError(f"--out {out_dir}: nothing to resume (no {RUN_FILE}); use --overwrite to start anew")
    try:
        previous = json.loads(storage.read_text(run_file))
    except ValueError:
        raise UserError(f"--out {out_dir}: {RUN_FILE} is unreadable, so the run cannot be resumed; use --overwrite") from None
    if previous != run_info:
        changed = sorted(k for k in run_info if previous.get(k) != run_info[k])
        if changed == ["inputs"] and isinstance(previous.get("inputs"), dict):
            before, now = previous["inputs"], run_info["inputs"]
            files = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
            raise UserError(
                f"--out {out_dir}: the contents of {', '.join(files)} changed since the run started; "
                "--resume needs the same files (or use --overwrite)"
            )
        raise UserError(
            f"--out {out_dir}: was started with a different {', '.join(changed)}; "
            "--resume needs the same recipe, seed, count, weights and input files (or use --overwrite)"
        )
    parts = storage.join(out_dir, PARTS_DIR)
    for folder in (out_dir, parts):
        if storage.isdir(folder):
            for name in storage.listdir(folder):
                if name.endswith(TMP_SUFFIX):
                    storage.remove(storage.join(folder, name))
    return True


def _check_replaceable(out_dir: str, replace: bool) -> None:
    """Refuses, before anything is drawn, a folder that a new run may not fill or replace."""
    if storage.exists(out_dir) and not storage.isdir(out_dir):
        raise UserError(f"--out {out_dir}: exists and is not a directory")
    if storage.isdir(out_dir) and storage.listdir(out_dir):
        if not replace:
            raise UserError(
                f"--out {out_dir}: is not empty; pass --overwrite to replace it or --resume to finish an interrupted run"
            )
        if not _is_own_folder(out_dir):
            raise UserError(f"--out {out_dir}: does not look like a synthocr dataset; refusing to delete it")
    _check_writable(out_dir)


def _replace_out_dir(out_dir: str, run_info: dict[str, Any]) -> None:
    """Empties (or creates) the folder for a new run; the run file lands first, so a kill at any
    later moment leaves a folder that `--resume` and `--overwrite` both recognise."""
    storage.makedirs(out_dir)
    run_file = storage.join(out_dir, RUN_FILE)
    storage.write_atomic(run_file, json.dumps(run_info, sort_keys=True, indent=1).encode("utf-8"))
    for name in storage.listdir(out_dir):
        if name != RUN_FILE:
            path = storage.join(out_dir, name)
            storage.rmtree(path) if storage.isdir(path) else storage.remove(path)
    storage.makedirs(storage.join(out_dir, PARTS_DIR))


@dataclass
class GenerateSummary:
    out_dir: str
    counts: dict[str, int]
    written_shards: int
    reused_shards: int
    info: dict[str, Any]


def generate(
    recipe: Recipe,
    options: GenerateOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> GenerateSummary:
    """Generates a dataset directory for a recipe.

    `on_start(total_samples, samples_already_done)` and `on_progress(n_new_samples)` feed the
    CLI's progress bar. A new run draws its first shard in memory before it touches `out_dir`:
    an error while drawing leaves an existing dataset there as it was.
    """
    out_dir = str(options.out_dir)
    if not out_dir.strip():
        raise UserError("--out: empty path; name the folder to write the dataset to")
    counts = split_counts(recipe, options.count)
    if sum(counts.values()) == 0:
        raise UserError(f"{recipe.source}: splits: nothing to generate (every split is 0)")
    tasks = plan_shards(counts, recipe.output.shard_size)
    factory_options = FactoryOptions(font_weights=options.font_weights)
    run_info: dict[str, Any] = {
        "recipe_hash": recipe.digest(),
        "seed": recipe.seed,
        "counts": counts,
        "font_weights": options.font_weights,
    }
    # Build the factory first: a bad recipe must fail before anything is deleted or created.
    writer = ShardWriter(recipe, out_dir, factory_options)
    finished = _already_complete(out_dir, options, run_info)
    if finished is not None:
        return GenerateSummary(out_dir, counts, 0, len(tasks), finished)
    # Mixed-in sources are checked and their samples chosen before anything is written.
    mixes = plan_mixes(recipe, counts, tasks)
    run_info["inputs"] = input_digests(recipe)
    try:
        resumed = options.resume and _resumable(out_dir, run_info)
        if resumed:
            done = _complete_shards(out_dir, recipe, tasks)
        else:
            _check_replaceable(out_dir, replace=options.overwrite or options.resume)
            first = tasks[0]
            data, first_result = writer.render_shard(first, mixes.get(first))
            _replace_out_dir(out_dir, run_info)
            writer.store_shard(data, first_result)
            done = {first: first_result}
        todo = [t for t in tasks if t not in done]
        if on_start is not None:
            on_start(sum(counts.values()), sum(r.samples for r in done.values()))

        workers = max(1, min(options.workers, len(todo)))
        if options.runner == "beam":
            from synthocr.dataset.beam import run_beam

            run_beam(recipe, out_dir, [(t, mixes.get(t)) for t in todo], factory_options, list(options.beam_options))
        elif workers == 1:
            for task in todo:
                done[task] = writer.write_shard(task, mixes.get(task), on_progress)
        else:
            _run_pool(writer, todo, mixes, workers, out_dir, factory_options, on_progress, done)

        info = _finalise(writer, recipe, out_dir, counts, tasks, options)
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        raise UserError(f"--out {out_dir}: cannot write the dataset there ({err.strerror or err}{where})") from None
    written = len(todo) + (0 if resumed else 1)
    return GenerateSummary(out_dir, counts, written, len(tasks) - written, info)


def _run_pool(
    writer: ShardWriter,
    todo: list[ShardTask],
    mixes: dict[ShardTask, ShardMix],
    workers: int,
    out_dir: str,
    factory_options: FactoryOptions,
    on_progress: Callable[[int], None] | None,
    done: dict[ShardTask, ShardResult],
) -> None:
    global _WRITER
    use_fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if use_fork else "spawn")
    queue = context.SimpleQueue()
    if use_fork:
        _WRITER = writer  # inherited by the forked workers: fonts and backgrounds loaded once
        initargs: tuple[Any, ...] = (None, out_dir, factory_options, queue, os.getpid())
    else:
        initargs = (writer.recipe, out_dir, factory_options, queue, os.getpid())
    pool = context.Pool(workers, initializer=_init_worker, initargs=initargs)
    try:
        pending = [pool.apply_async(_worker_task, (task, mixes.get(task))) for task in todo]
        while pending:
            while not queue.empty():
                n = queue.get()
                if on_progress is not None:
                    on_progress(n)
            still = []
            for async_result in pending:
                if async_result.ready():
                    result = async_result.get()  # re-raises a worker's exception here
                    done[result.task] = result
                else:
                    still.append(async_result)
            pending = still
            if pending:
                pending[0].wait(0.05)
        while not queue.empty():
            n = queue.get()
            if on_progress is not None:
                on_progress(n)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _WRITER = None


def _finalise(
    writer: ShardWriter, recipe: Recipe, out_dir: str, counts: dict[str, int], tasks: list[ShardTask], options: GenerateOptions
) -> dict[str, Any]:
    import pandas as pd

    results = [_load_part(out_dir, t) for t in tasks]
    missing = [t for t, r in zip(tasks, results) if r is None]
    if missing:
        raise RuntimeError(f"{len(missing)} shard parts missing after generation (first: {missing[0]})")
    splits: dict[str, Any] = {}
    sources: dict[str, dict[str, int]] = {}
    fonts: dict[str, dict[str, int]] = {}
    skipped: Counter[str] = Counter()
    skipped_by_split: dict[str, dict[str, int]] = {}
    for split in SPLITS:
        split_results = [r for r in results if r is not None and r.task.split == split]
        if not split_results:
            continue
        splits[split] = {
            "count": sum(r.samples for r in split_results),
            "shards": [{"file": r.task.file_name(recipe.name), "count": r.samples} for r in split_results],
        }
        split_sources: Counter[str] = Counter()
        split_fonts: Counter[str] = Counter()
        split_skips: Counter[str] = Counter()
        rows: list[dict[str, Any]] = []
        for r in split_results:
            split_sources.update(r.sources)
            split_fonts.update(r.fonts)
            split_skips.update(r.skips)
            rows.extend(r.rows)
        sources[split] = dict(sorted(split_sources.items()))
        fonts[split] = dict(sorted(split_fonts.items()))
        skipped_by_split[split] = dict(sorted(split_skips.items()))
        skipped.update(split_skips)
        buffer = io.BytesIO()
        pd.DataFrame(rows).to_parquet(buffer, index=False)
        storage.write_atomic(storage.join(out_dir, f"{split}.parquet"), buffer.getvalue())

    font_list = writer.factory.fonts.fonts
    weights = dict(zip((f.id for f in font_list), (round(float(w), 6) for w in writer.factory.fonts.weights)))
    info = {
        "synthocr_version": __version__,
        "name": recipe.name,
        "seed": recipe.seed,
        "recipe_hash": recipe.digest(),
        "recipe": recipe.resolved(),
        "charset": recipe.text.charset,
        "max_length": recipe.text.max_length,
        "image_height": recipe.geometry.height,
        "features": {**{k: "bytes" for k in BYTES_KEYS}, **{k: "int64" for k in INT64_KEYS}},
        "splits": splits,
        "sources": sources,
        "fonts": fonts,
        "skipped": dict(sorted(skipped.items())),
        "skipped_by_split": skipped_by_split,
        "font_weights": weights,
        "font_weights_from": options.weights_origin,
        "font_catalogue": [
            {"id": f.id, "family": f.family, "style": f.style, "category": f.category, "licence": f.licence}
            for f in font_list
        ],
    }
    from synthocr.dataset.tfds_metadata import write_tfds_metadata

    write_tfds_metadata(out_dir, info)  # TFDS's dataset_info.json and features.json; ours lands last
    text = json.dumps(info, indent=2, ensure_ascii=False) + "\n"
    storage.write_atomic(storage.join(out_dir, DATASET_INFO), text.encode("utf-8"))
    storage.rmtree(storage.join(out_dir, PARTS_DIR))
    storage.remove(storage.join(out_dir, RUN_FILE))
    return info
