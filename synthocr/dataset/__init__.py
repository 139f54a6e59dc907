"""Reading a synthocr dataset directory: its info, its shards, its records.

Shards are named the TensorFlow Datasets way, `{name}-{split}.tfrecord-{i:05d}-of-{n:05d}`, beside
`synthocr_info.json` and one `{split}.parquet` manifest per split (every name and key:
`synthocr.dataset.schema`). `dataset_info.json` and `features.json` are TFDS's
(`synthocr.dataset.tfds_metadata`); datasets written before they were there kept our info under
`dataset_info.json`, which is still read. Writing one: `synthocr.dataset.generate`. Nothing here
imports TensorFlow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synthocr.dataset.records import Record, decode_example
from synthocr.dataset.schema import DATASET_INFO, INFO_SPLITS, LEGACY_DATASET_INFO, SPLITS, parse_shard_name, shard_name
from synthocr.dataset.tfrecord import read_records
from synthocr.errors import UserError

__all__ = [
    "DATASET_INFO", "LEGACY_DATASET_INFO", "SPLITS", "shard_name", "is_dataset_dir", "read_dataset_info",
    "list_shards", "iter_records", "checked_records", "count_records",
]


def _info_path(data_dir: str | Path) -> Path | None:
    """Our info file: `synthocr_info.json`, else an older dataset's own `dataset_info.json` (not TFDS's)."""
    path = Path(data_dir) / DATASET_INFO
    if path.is_file():
        return path
    legacy = Path(data_dir) / LEGACY_DATASET_INFO
    try:
        ours = legacy.is_file() and isinstance(json.loads(legacy.read_text(encoding="utf-8")).get(INFO_SPLITS), dict)
    except (ValueError, AttributeError, OSError):
        ours = True  # let read_dataset_info name the broken file
    return legacy if ours else None


def is_dataset_dir(path: str | Path) -> bool:
    """Whether `path` holds a synthocr dataset (its info file)."""
    return _info_path(path) is not None


def read_dataset_info(data_dir: str | Path) -> dict[str, Any]:
    """The parsed info of a dataset directory; a UserError if there is none."""
    path = _info_path(data_dir)
    if path is None:
        raise UserError(f"{data_dir}: not a synthocr dataset (no {DATASET_INFO})")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err})") from None


def list_shards(data_dir: str | Path, split: str) -> list[Path]:
    """The complete shards of one split, in index order (temporary files are ignored)."""
    shards = []
    for path in Path(data_dir).iterdir():
        parsed = parse_shard_name(path.name)
        if parsed is not None and parsed[1] == split:
            shards.append((parsed[2], path))
    return [path for _, path in sorted(shards)]


def iter_records(data_dir: str | Path, split: str) -> Iterator[Record]:
    """Every record of a split, shard by shard, in order."""
    shards = list_shards(data_dir, split)
    if not shards:
        raise UserError(f"{data_dir}: no shards for split {split!r}")
    for shard in shards:
        for payload in checked_records(shard):
            yield decode_example(payload)


def checked_records(shard: str | Path) -> Iterator[bytes]:
    """The payloads of one shard; a truncated or corrupt record is a UserError naming shard and record.

    >>> import tempfile
    >>> from synthocr.dataset.tfrecord import frame
    >>> shard = Path(tempfile.mkdtemp()) / "x-train.tfrecord-00000-of-00001"
    >>> _ = shard.write_bytes(frame(b"one") + frame(b"two")[:-3])
    >>> list(checked_records(shard))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: ...x-train.tfrecord-00000-of-00001: record 1 (counted from 0) is truncated or corrupt; generate the dataset again
    """
    count = 0
    try:
        for payload in read_records(shard):
            yield payload
            count += 1
    except ValueError:
        raise UserError(f"{shard}: record {count} (counted from 0) is truncated or corrupt; generate the dataset again") from None


def count_records(shards: list[str]) -> int:
    """The number of records in the shards, every record checked (see `checked_records`)."""
    return sum(1 for shard in shards for _ in checked_records(shard))
