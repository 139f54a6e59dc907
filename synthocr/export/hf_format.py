"""Hugging Face Parquet shards: what `datasets.load_dataset("parquet", data_dir=OUT)` reads.

`OUT/<split>-00000-of-00004.parquet`, rows in shard order, columns: `image` ({bytes, path}, the
original encoded bytes), `text`, `font`, `id`, `source`, `seed`, `image_format`, `height`,
`width` and `meta` (the sample's sampled parameters as JSON: their keys differ between synthetic
and MJSynth samples, and one schema must hold for every shard). The `datasets` features are in
each file's schema metadata, so `image` loads as an Image feature.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from synthocr.dataset.records import meta_json
from synthocr.export.common import ProgressCallback, SplitPlan, iter_split_records

ROWS_PER_SHARD = 100_000
ROWS_PER_GROUP = 1_000

_FEATURES = {
    "image": {"_type": "Image"},
    "text": {"dtype": "string", "_type": "Value"},
    "font": {"dtype": "string", "_type": "Value"},
    "id": {"dtype": "string", "_type": "Value"},
    "source": {"dtype": "string", "_type": "Value"},
    "seed": {"dtype": "int64", "_type": "Value"},
    "image_format": {"dtype": "string", "_type": "Value"},
    "height": {"dtype": "int64", "_type": "Value"},
    "width": {"dtype": "int64", "_type": "Value"},
    "meta": {"dtype": "string", "_type": "Value"},
}


def _schema() -> Any:
    import pyarrow as pa

    image = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
    fields = [("image", image)] + [
        (name, pa.int64() if spec.get("dtype") == "int64" else pa.string()) for name, spec in _FEATURES.items() if name != "image"
    ]
    metadata = {b"huggingface": json.dumps({"info": {"features": _FEATURES}}).encode()}
    return pa.schema(fields, metadata=metadata)


def shard_file(split: str, index: int, count: int) -> str:
    """A Parquet shard's name, the pattern `datasets` maps to a split.

    >>> shard_file("train", 0, 4)
    'train-00000-of-00004.parquet'
    """
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def require() -> None:
    """Nothing beyond synthocr's own dependencies (pyarrow)."""


def write_split(plan: SplitPlan, build: Path, on_progress: ProgressCallback, skipped: Counter) -> int:
    """The export's writer: Parquet shards of each split under `build`."""
    return write_hf_split(plan, build, on_progress)


def write_hf_split(plan: SplitPlan, out: Path, on_progress: ProgressCallback, rows_per_shard: int = ROWS_PER_SHARD) -> int:
    """Writes one split's Parquet shards under `out`; returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema()
    shards = max(1, math.ceil(plan.count / rows_per_shard))
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    writer: Any = None
    shard = written = 0

    def flush() -> None:
        nonlocal writer
        if not columns["id"]:
            return
        if writer is None:
            writer = pq.ParquetWriter(out / shard_file(plan.name, shard, shards), schema)
        writer.write_table(pa.table(columns, schema=schema))
        on_progress(len(columns["id"]))
        for values in columns.values():
            values.clear()

    for record in iter_split_records(plan.shards):
        if written and written % rows_per_shard == 0 and shard < shards - 1:
            flush()
            writer.close()
            writer, shard = None, shard + 1
        ext = "jpg" if record.image_format in ("jpeg", "jpg") else record.image_format
        columns["image"].append({"bytes": record.image, "path": f"{record.id}.{ext}"})
        for name, value in (
            ("text", record.text), ("font", record.font), ("id", record.id), ("source", record.source),
            ("seed", record.seed), ("image_format", record.image_format), ("height", record.height),
            ("width", record.width), ("meta", meta_json(record.meta)),
        ):
            columns[name].append(value)
        written += 1
        if len(columns["id"]) >= ROWS_PER_GROUP:
            flush()
    flush()
    if writer is None:  # an empty split still gets its (empty) file
        writer = pq.ParquetWriter(out / shard_file(plan.name, 0, 1), schema)
    writer.close()
    return written
