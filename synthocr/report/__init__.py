"""Per-group error reports of a predictions.parquet: tables, confusions, worst examples, HTML, weights.

>>> from pathlib import Path
>>> from rich.console import Console
>>> report = build_report(Path("run/predictions.parquet"), by=("font",))  # doctest: +SKIP
>>> print_report(report, Console(), limit=10)  # doctest: +SKIP

No TensorFlow anywhere in this package: shards are read with `synthocr.dataset.tfrecord`.
"""

from __future__ import annotations

from synthocr.report.build import build_report, compute_report, write_report
from synthocr.report.result import Report
from synthocr.report.terminal import print_report

__all__ = ["Report", "build_report", "compute_report", "print_report", "write_report"]
