"""A synthocr dataset directory on disk: shard names, `dataset_info.json`, manifests, records.

Shards are named the TensorFlow Datasets way, `{name}-{split}.tfrecord-{i:05d}-of-{n:05d}`, beside
`dataset_info.json` and one `{split}.parquet` manifest per split. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synthocr.errors import UserError
from synthocr.records import Record, decode_example
from synthocr.tfrecord import read_records

DATASET_INFO = "dataset_info.json"
SPLITS = ("train", "val", "test")
_SHARD_RE = re.compile(r"^(?P<name>.+)-(?P<split>[A-Za-z0-9_]+)\.tfrecord-(?P<i>\d{5})-of-(?P<n>\d{5})$")


def shard_name(name: str, split: str, index: int, count: int) -> str:
    """The TFDS-style file name of one shard.

    >>> shard_name("default", "train", 3, 64)
    'default-train.tfrecord-00003-of-00064'
    """
    return f"{name}-{split}.tfrecord-{index:05d}-of-{count:05d}"


def manifest_path(data_dir: str | Path, split: str) -> Path:
    return Path(data_dir) / f"{split}.parquet"


def is_dataset_dir(path: str | Path) -> bool:
    return (Path(path) / DATASET_INFO).is_file()


def read_dataset_info(data_dir: str | Path) -> dict[str, Any]:
    """The parsed `dataset_info.json` of a dataset directory; a UserError if there is none."""
    path = Path(data_dir) / DATASET_INFO
    if not path.is_file():
        raise UserError(f"{data_dir}: not a synthocr dataset (no {DATASET_INFO})")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err})") from None


def list_shards(data_dir: str | Path, split: str) -> list[Path]:
    """The complete shards of one split, in index order (temporary files are ignored)."""
    shards = []
    for path in Path(data_dir).iterdir():
        match = _SHARD_RE.match(path.name)
        if match and match["split"] == split:
            shards.append((int(match["i"]), path))
    return [path for _, path in sorted(shards)]


def iter_records(data_dir: str | Path, split: str) -> Iterator[Record]:
    """Every record of a split, shard by shard, in order."""
    shards = list_shards(data_dir, split)
    if not shards:
        raise UserError(f"{data_dir}: no shards for split {split!r}")
    for shard in shards:
        for payload in read_records(shard):
            yield decode_example(payload)
