"""What every dataset export shares: the request, the splits to copy, a fast record reader, the folder lifecycle.

An export is built beside its target (`.NAME.partial`) and renamed into place when complete, so a
killed export leaves no half-written folder under the target's name; the next run removes the
partial folder and starts again. `EXPORT_FILE` in the finished folder says what it holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthocr.dataset import is_dataset_dir, list_shards, read_dataset_info
from synthocr.dataset.records import KEY_FORMAT, KEY_IMAGE, KEY_TEXT, Record, decode_example, decode_features, read_varint
from synthocr.dataset.schema import INFO_SPLITS, SPLIT_COUNT
from synthocr.dataset.tfrecord import read_records
from synthocr.errors import UserError

EXPORT_FILE = "synthocr_export.json"
FORMATS = ("lmdb", "paddle", "hf")
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ExportRequest:
    """Which dataset to export, to what and where; `splits` empty means every split the dataset has."""

    dataset: Path
    format: str
    out: Path
    splits: tuple[str, ...] = ()
    overwrite: bool = False


@dataclass(frozen=True)
class SplitPlan:
    """One split to export: its shards and how many samples and bytes they hold."""

    name: str
    shards: tuple[Path, ...]
    count: int
    shard_bytes: int


def plan_splits(dataset: Path, splits: tuple[str, ...]) -> list[SplitPlan]:
    """The splits to export, checked against the dataset's info; a UserError names a split it lacks."""
    if not dataset.is_dir() or not is_dataset_dir(dataset):
        raise UserError(f"{dataset}: not a synthocr dataset (no dataset info file; `synthocr generate` writes one)")
    info = read_dataset_info(dataset)
    counts = {name: int(split.get(SPLIT_COUNT, 0)) for name, split in info.get(INFO_SPLITS, {}).items()}
    available = [name for name, count in counts.items() if count > 0]
    for name in splits:
        if name not in available:
            raise UserError(f"split {name!r}: not in {dataset} (it has: {', '.join(available) or 'none'})")
    plans = []
    for name in splits or tuple(available):
        shards = tuple(list_shards(dataset, name))
        if not shards:
            raise UserError(f"{dataset}: no shards for split {name!r}")
        plans.append(SplitPlan(name, shards, counts[name], sum(s.stat().st_size for s in shards)))
    return plans


_WANTED = (KEY_IMAGE.encode(), KEY_TEXT.encode(), KEY_FORMAT.encode())


def bytes_features(payload: bytes, wanted: tuple[bytes, ...] = _WANTED) -> dict[bytes, bytes]:
    """The first value of each wanted bytes feature of a `tf.train.Example`, read in one pass.

    `records.decode_features` builds every feature of every record; walking the wire format for
    three keys is about 4x faster, which is what lets LMDB export copy bytes at tens of thousands
    of samples a second. Anything unexpected falls back to the full parser.

    >>> from synthocr.dataset.records import Record, encode_example
    >>> payload = encode_example(Record("a", b"PNG", "png", 32, 80, "hi", "f", "synth", 7))
    >>> bytes_features(payload)[b"text"]
    b'hi'
    """
    out: dict[bytes, bytes] = {}
    try:
        if payload[0] != 0x0A:  # Example.features (field 1, length-delimited)
            raise ValueError
        end, pos = read_varint(payload, 1)
        end += pos
        while pos < end:
            if payload[pos] != 0x0A:  # Features.feature map entry
                raise ValueError
            length, pos = read_varint(payload, pos + 1)
            entry_end = pos + length
            if payload[pos] != 0x0A:  # entry key
                raise ValueError
            length, pos = read_varint(payload, pos + 1)
            key = payload[pos : pos + length]
            pos += length
            if key in wanted and payload[pos] == 0x12:  # entry value: Feature
                _, pos = read_varint(payload, pos + 1)
                if payload[pos] == 0x0A:  # Feature.bytes_list
                    length, pos = read_varint(payload, pos + 1)
                    if length and payload[pos] == 0x0A:  # BytesList.value
                        length, pos = read_varint(payload, pos + 1)
                        out[key] = payload[pos : pos + length]
            pos = entry_end
    except (ValueError, IndexError):
        full = decode_features(payload)
        return {key: full[key.decode()][0] for key in wanted if full.get(key.decode())}
    return out


def iter_image_text(shards: tuple[Path, ...]) -> Iterator[tuple[bytes, str, str]]:
    """(encoded image, text, image format) of each record: only the three features the flat formats need."""
    image_key, text_key, format_key = _WANTED
    for shard in shards:
        for payload in read_records(shard):
            features = bytes_features(payload)
            yield features[image_key], features[text_key].decode("utf-8"), features[format_key].decode()


def iter_split_records(shards: tuple[Path, ...]) -> Iterator[Record]:
    """Every full record of a split's shards, in order."""
    for shard in shards:
        for payload in read_records(shard):
            yield decode_example(payload)


def partial_dir(out: Path) -> Path:
    """Where an export to `out` is built before it is renamed into place."""
    return out.parent / f".{out.name}.partial"


def prepare_out(out: Path, overwrite: bool) -> Path:
    """Checks the target and returns a fresh, empty build folder beside it."""
    if out.exists() and not out.is_dir():
        raise UserError(f"out {out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise UserError(f"out {out}: is not empty; pass overwrite=True (--overwrite) to replace it")
        if not (out / EXPORT_FILE).is_file():
            raise UserError(f"out {out}: is not empty and holds no {EXPORT_FILE} (not an export); refusing to replace it")
    build = partial_dir(out)
    if build.exists():
        shutil.rmtree(build)  # an earlier export killed before its rename
    out.parent.mkdir(parents=True, exist_ok=True)
    build.mkdir()
    return build


def finish_out(build: Path, out: Path, summary: dict[str, Any]) -> None:
    """Writes the export's own record, then swaps the build folder into place."""
    (build / EXPORT_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if out.exists():
        old = out.parent / f".{out.name}.old"
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        build.rename(out)
        shutil.rmtree(old)
    else:
        build.rename(out)
