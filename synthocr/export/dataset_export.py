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
from types import ModuleType

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


def format_writer(name: str) -> ModuleType:
    """The module that writes format `name`: its `require()` fails in one line when an optional
    package is missing, its `write_split(plan, build, on_progress, skipped)` writes one split.
    A new format is one such module and one entry here (and its name in `FORMATS`).

    >>> format_writer("paddle").labels_file("val")
    'rec_gt_val.txt'
    """
    from synthocr.export import hf_format, lmdb_format, paddle_format

    writers = {"lmdb": lmdb_format, "paddle": paddle_format, "hf": hf_format}
    if name not in writers:
        raise UserError(f"format {name!r}: unknown; choose one of {', '.join(FORMATS)}")
    return writers[name]


def export_dataset(
    request: ExportRequest,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: ProgressCallback = lambda done: None,
) -> ExportSummary:
    """Exports the requested splits; `on_start(total samples)` once checked, `on_progress(n)` as they go."""
    writer = format_writer(request.format)
    plans = plan_splits(request.dataset, request.splits)
    writer.require()  # a missing package is one line before anything is written
    build = prepare_out(request.out, request.overwrite)
    on_start(sum(p.count for p in plans))
    skipped: Counter = Counter()
    counts = {plan.name: writer.write_split(plan, build, on_progress, skipped) for plan in plans}
    summary = {
        "synthocr_version": __version__, "format": request.format, "dataset": str(request.dataset.resolve()),
        "counts": counts, "skipped": dict(skipped),
    }
    finish_out(build, request.out, summary)
    return ExportSummary(request.out, request.format, counts, dict(skipped))
