"""`export`: a synthocr dataset's splits copied, streaming, into LMDB, PaddleOCR or Hugging Face Parquet.

No TensorFlow: shards are read with `synthocr.dataset.tfrecord` and parsed with `synthocr.dataset.records`.

>>> from synthocr.export.common import FORMATS
>>> FORMATS
('lmdb', 'paddle', 'hf')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from synthocr import __version__
from synthocr.errors import UserError
from synthocr.export.common import FORMATS, ExportRequest, ProgressCallback, finish_out, plan_splits, prepare_out


@dataclass
class ExportSummary:
    """What an export wrote: samples per split and anything left out, by reason."""

    out: Path
    format: str
    counts: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)


def export_dataset(
    request: ExportRequest,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: ProgressCallback = lambda done: None,
) -> ExportSummary:
    """Exports the requested splits; `on_start(total samples)` once checked, `on_progress(n)` as they go."""
    if request.format not in FORMATS:
        raise UserError(f"format {request.format!r}: unknown; choose one of {', '.join(FORMATS)}")
    plans = plan_splits(request.dataset, request.splits)
    if request.format == "lmdb":
        from synthocr.export.lmdb_format import _lmdb

        _lmdb()  # a missing package is one line before anything is written
    build = prepare_out(request.out, request.overwrite)
    on_start(sum(p.count for p in plans))
    counts: dict[str, int] = {}
    skipped: Counter = Counter()
    for plan in plans:
        if request.format == "lmdb":
            from synthocr.export.lmdb_format import write_lmdb_split

            counts[plan.name] = write_lmdb_split(plan, build / plan.name, on_progress)
        elif request.format == "paddle":
            from synthocr.export.paddle_format import write_paddle_split

            counts[plan.name] = write_paddle_split(plan, build, on_progress, skipped)
        else:
            from synthocr.export.hf_format import write_hf_split

            counts[plan.name] = write_hf_split(plan, build, on_progress)
    summary = {
        "synthocr_version": __version__, "format": request.format, "dataset": str(request.dataset.resolve()),
        "counts": counts, "skipped": dict(skipped),
    }
    finish_out(build, request.out, summary)
    return ExportSummary(request.out, request.format, counts, dict(skipped))
