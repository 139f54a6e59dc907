"""The output folder of a run, from first file to last: which folders may be filled, replaced or
resumed, the run file that lands first, the shards a resumed run keeps, and the finishing
manifests and info that land last (after which the parts and the run file go).

A kill at any moment leaves a folder that `resume=True` finishes and `overwrite=True` replaces;
a folder synthocr did not write is never deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from synthocr.dataset import storage
from synthocr.dataset.info import info_bytes, manifest_bytes
from synthocr.dataset.run_info import RUN_COUNTS, RUN_INPUTS, RUN_RECIPE_HASH, RUN_SEED
from synthocr.dataset.schema import (
    DATASET_INFO,
    INFO_RECIPE_HASH,
    INFO_SEED,
    INFO_SPLITS,
    INFO_VERSION,
    LEGACY_DATASET_INFO,
    PARTS_DIR,
    RUN_FILE,
    SPLIT_COUNT,
    TMP_SUFFIX,
    manifest_name,
)
from synthocr.dataset.shards import ShardResult, ShardTask, load_part
from synthocr.dataset.tfds_metadata import write_tfds_metadata
from synthocr.errors import UserError

_OUT = ("out_dir",)


def check_out_dir(out_dir: str) -> None:
    """Refuses an empty path before anything is drawn."""
    if not out_dir.strip():
        raise UserError("out_dir: empty path; name the folder to write the dataset to", params=_OUT)


def finished_info(out_dir: str, run_info: dict[str, Any]) -> dict[str, Any] | None:
    """The info of a finished dataset in `out_dir` (no run file beside it), else None; a finished
    dataset of another recipe, seed or count is an error."""
    info_path = storage.join(out_dir, DATASET_INFO)
    if not storage.exists(info_path) or storage.exists(storage.join(out_dir, RUN_FILE)):
        return None
    info = json.loads(storage.read_text(info_path))
    counts = {split: data[SPLIT_COUNT] for split, data in info.get(INFO_SPLITS, {}).items()}
    wanted = {split: n for split, n in run_info[RUN_COUNTS].items() if n}
    if info.get(INFO_RECIPE_HASH) != run_info[RUN_RECIPE_HASH] or info.get(INFO_SEED) != run_info[RUN_SEED] or counts != wanted:
        raise UserError(
            f"out_dir {out_dir}: holds a finished dataset of another recipe, seed or count; use overwrite=True",
            params=(*_OUT, "overwrite=True"),
        )
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
    for info in sorted({DATASET_INFO, LEGACY_DATASET_INFO} & set(names)):  # ours, under its name now or before
        if _json_has(storage.join(out_dir, info), INFO_VERSION):
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
        raise UserError(f"out_dir {out_dir}: {path} is a file, not a folder", params=_OUT)
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"out_dir {out_dir}: {path} is not writable", params=_OUT)


def _changed_run(out_dir: str, previous: dict[str, Any], run_info: dict[str, Any]) -> UserError:
    """The error for a resumed run started with something else: which files, or which settings."""
    changed = sorted(k for k in run_info if previous.get(k) != run_info[k])
    params = (*_OUT, "resume=True", "overwrite=True")
    if changed == [RUN_INPUTS] and isinstance(previous.get(RUN_INPUTS), dict):
        before, now = previous[RUN_INPUTS], run_info[RUN_INPUTS]
        files = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        return UserError(
            f"out_dir {out_dir}: the contents of {', '.join(files)} changed since the run started; "
            "resume=True needs the same files (or use overwrite=True)", params=params,
        )
    return UserError(
        f"out_dir {out_dir}: was started with a different {', '.join(changed)}; "
        "resume=True needs the same recipe, seed, count, weights and input files (or use overwrite=True)", params=params,
    )


def resumable(out_dir: str, run_info: dict[str, Any]) -> bool:
    """Checks a folder to resume: True if it holds this run's shards (its temporary files are
    cleared); False if the run is to be started anew (nothing of it there)."""
    if not storage.isdir(out_dir):
        return False
    names = storage.listdir(out_dir)
    if not names or _only_debris(names):  # killed before it began: nothing to keep
        return False
    if RUN_FILE not in names:
        raise UserError(
            f"out_dir {out_dir}: nothing to resume (no {RUN_FILE}); use overwrite=True to start anew",
            params=(*_OUT, "overwrite=True"),
        )
    try:
        previous = json.loads(storage.read_text(storage.join(out_dir, RUN_FILE)))
    except ValueError:
        raise UserError(
            f"out_dir {out_dir}: {RUN_FILE} is unreadable, so the run cannot be resumed; use overwrite=True",
            params=(*_OUT, "overwrite=True"),
        ) from None
    if previous != run_info:
        raise _changed_run(out_dir, previous, run_info)
    for folder in (out_dir, storage.join(out_dir, PARTS_DIR)):
        if storage.isdir(folder):
            for name in storage.listdir(folder):
                if name.endswith(TMP_SUFFIX):
                    storage.remove(storage.join(folder, name))
    return True


def check_replaceable(out_dir: str, replace: bool) -> None:
    """Refuses, before anything is drawn, a folder that a new run may not fill or replace."""
    if storage.exists(out_dir) and not storage.isdir(out_dir):
        raise UserError(f"out_dir {out_dir}: exists and is not a directory", params=_OUT)
    if storage.isdir(out_dir) and storage.listdir(out_dir):
        if not replace:
            raise UserError(
                f"out_dir {out_dir}: is not empty; pass overwrite=True to replace it or resume=True to finish an interrupted run",
                params=(*_OUT, "overwrite=True", "resume=True"),
            )
        if not _is_own_folder(out_dir):
            raise UserError(f"out_dir {out_dir}: does not look like a synthocr dataset; refusing to delete it", params=_OUT)
    _check_writable(out_dir)


def start_folder(out_dir: str, run_info: dict[str, Any]) -> None:
    """Empties (or creates) the folder for a new run; the run file lands first, so a kill at any
    later moment leaves a folder that `resume` and `overwrite` both recognise."""
    storage.makedirs(out_dir)
    storage.write_atomic(storage.join(out_dir, RUN_FILE), json.dumps(run_info, sort_keys=True, indent=1).encode("utf-8"))
    for name in storage.listdir(out_dir):
        if name != RUN_FILE:
            path = storage.join(out_dir, name)
            storage.rmtree(path) if storage.isdir(path) else storage.remove(path)
    storage.makedirs(storage.join(out_dir, PARTS_DIR))


def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with storage.open_file(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def complete_shards(out_dir: str, dataset_name: str, tasks: list[ShardTask]) -> dict[ShardTask, ShardResult]:
    """The shards on disk whose bytes match the checksum in their part; any other is written again."""
    done: dict[ShardTask, ShardResult] = {}
    for task in tasks:
        shard = storage.join(out_dir, task.file_name(dataset_name))
        if not storage.exists(shard):
            continue
        part = load_part(out_dir, task)
        if part is not None and part.sha256 and _file_sha256(shard) == part.sha256:
            done[task] = part
    return done


def load_results(out_dir: str, tasks: list[ShardTask]) -> list[ShardResult]:
    """The part of every shard, in task order; a missing one is an error (a runner lost a shard)."""
    results = [load_part(out_dir, t) for t in tasks]
    missing = [t for t, r in zip(tasks, results) if r is None]
    if missing:
        raise RuntimeError(f"{len(missing)} shard parts missing after generation (first: {missing[0]})")
    return [r for r in results if r is not None]


def finish_folder(out_dir: str, info: dict[str, Any], manifests: dict[str, list[dict[str, Any]]]) -> None:
    """Writes the manifests, TFDS's metadata and, last, our info; then the parts and run file go."""
    for split, rows in manifests.items():
        storage.write_atomic(storage.join(out_dir, manifest_name(split)), manifest_bytes(rows))
    write_tfds_metadata(out_dir, info)  # TFDS's dataset_info.json and features.json; ours lands last
    storage.write_atomic(storage.join(out_dir, DATASET_INFO), info_bytes(info))
    storage.rmtree(storage.join(out_dir, PARTS_DIR))
    storage.remove(storage.join(out_dir, RUN_FILE))
