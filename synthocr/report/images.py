"""The images of a report's worst examples, read back from the shards or image files the predictions name.

A predictions row points at its image by `shard` + `record_index` (a sample of a synthocr dataset;
`shard` is the path evaluate read, or a bare file name resolved inside `data`) or by `image_path`
(a labels.tsv or MJSynth image). Each shard is read once, in order, for all the examples it holds.
Whatever cannot be found or decoded (data moved, a truncated shard, a record whose id differs)
becomes a note next to a text-only example, never an exception.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from synthocr.dataset.records import decode_example
from synthocr.dataset.tfrecord import read_records
from synthocr.predictions import DATA, ID, IMAGE_PATH, RECORD_INDEX, SHARD

MAX_HEIGHT = 48
MAX_WIDTH = 360


@dataclass(frozen=True)
class ExampleImage:
    """A PNG thumbnail, or None and why not."""

    png: bytes | None
    note: str = ""


def _cell(row: pd.Series, column: str) -> Any:
    value = row.get(column)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def thumbnail(encoded: bytes) -> ExampleImage:
    """Any image Pillow reads as a PNG at most MAX_HEIGHT x MAX_WIDTH (aspect kept)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(encoded)) as opened:
            opened.load()
            picture = opened.convert("RGB" if opened.mode not in ("L", "RGB") else opened.mode)
        scale = min(1.0, MAX_HEIGHT / picture.height, MAX_WIDTH / picture.width)
        if scale < 1.0:
            size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="PNG", optimize=True)
        return ExampleImage(out.getvalue())
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as err:
        return ExampleImage(None, f"image could not be decoded ({type(err).__name__})")


def resolve_shard(shard: str, data: str | None, predictions_dir: Path) -> Path | None:
    """The shard file: as written, inside the `data` folder, or beside the predictions file."""
    candidates = [Path(shard)]
    if data:
        candidates.append(Path(data) / Path(shard).name)
    candidates.append(predictions_dir / Path(shard).name)
    return next((c for c in candidates if c.is_file()), None)


def _resolve_image(path: str, data: str | None, predictions_dir: Path) -> Path | None:
    """The image file; where the row names the evaluated data, only a file inside its folder
    (a crafted predictions file cannot embed other files from the disk)."""
    candidates = [Path(path)]
    if not data:
        return next((c for c in candidates if c.is_file()), None)
    root = Path(data).parent if Path(data).suffix else Path(data)
    if not Path(path).is_absolute():
        candidates.append(root / path)
    inside = (c for c in candidates if c.is_file() and root.resolve() in c.resolve().parents)
    return next(inside, None)


def load_images(rows: pd.DataFrame, predictions_dir: Path) -> dict[Hashable, ExampleImage]:
    """A thumbnail (or a note) for each row of `rows`, by the row's index label."""
    found: dict[Hashable, ExampleImage] = {}
    by_shard: dict[Path, dict[int, list[tuple[Hashable, object]]]] = defaultdict(lambda: defaultdict(list))
    for key, row in rows.iterrows():
        shard, index, image_path = _cell(row, SHARD), _cell(row, RECORD_INDEX), _cell(row, IMAGE_PATH)
        data = _cell(row, DATA)
        if shard is not None and index is not None and int(index) >= 0:
            path = resolve_shard(str(shard), None if data is None else str(data), predictions_dir)
            if path is None:
                found[key] = ExampleImage(None, f"shard not found: {Path(str(shard)).name}")
            else:
                by_shard[path][int(index)].append((key, _cell(row, ID)))
        elif image_path is not None:
            path = _resolve_image(str(image_path), None if data is None else str(data), predictions_dir)
            if path is None:
                found[key] = ExampleImage(None, f"image not found: {image_path}")
            else:
                found[key] = thumbnail(path.read_bytes())
        else:
            found[key] = ExampleImage(None, "no image reference in the predictions (shard/record_index or image_path)")
    for path, wanted in by_shard.items():
        _read_shard(path, wanted, found)
    return found


def _read_shard(path: Path, wanted: dict[int, list[tuple[Hashable, object]]], found: dict[Hashable, ExampleImage]) -> None:
    last = max(wanted)
    try:
        for index, payload in enumerate(read_records(path, verify=False)):
            if index in wanted:
                record = decode_example(payload)
                for key, expected_id in wanted[index]:
                    if expected_id is not None and str(expected_id) != record.id:
                        found[key] = ExampleImage(None, f"{path.name} record {index} is {record.id}, not {expected_id}")
                    else:
                        found[key] = thumbnail(record.image)
            if index >= last:
                break
    except (OSError, ValueError, KeyError, IndexError) as err:
        reason = f"{path.name} unreadable ({err})"
        for keys in wanted.values():
            for key, _ in keys:
                found.setdefault(key, ExampleImage(None, reason))
    for index, keys in wanted.items():
        for key, _ in keys:
            found.setdefault(key, ExampleImage(None, f"{path.name} has no record {index}"))
