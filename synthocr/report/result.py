"""What a report is: the `Report` that `build_report` computes and writes, and its worst `Example`s.

Its own module, below `build`, `html` and `terminal`, so that the code computing a report and
the code showing it both import the type and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synthocr.report.confusions import Confusion
from synthocr.report.images import ExampleImage

REPORT_DIR = "report"
REPORT_HTML, REPORT_CSV, REPORT_PARQUET = "report.html", "report.csv", "report.parquet"
CONFUSIONS_CSV, COMPARE_CSV = "confusions.csv", "compare.csv"


@dataclass(frozen=True)
class Example:
    """One misread shown in the HTML: what was written, what was read, and its image (or why not)."""

    text: str
    prediction: str
    edit_distance: int
    confidence: float | None
    image: ExampleImage


@dataclass
class Report:
    """What `build_report` computed and where it wrote it.

    `groups` is report.csv as a DataFrame: one column per grouping column (named after it, or
    `NAME_group` when the name clashes with a statistic), then `STAT_COLUMNS`, worst first.
    """

    predictions: Path
    by: tuple[str, ...]
    overall: dict[str, Any]
    groups: pd.DataFrame
    confusions: pd.DataFrame
    out_dir: Path
    html_path: Path
    csv_path: Path
    parquet_path: Path
    confusions_path: Path
    min_samples: int
    group_columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    examples: dict[tuple[str, ...], list[Example]] = field(default_factory=dict)
    overall_confusions: list[tuple[Confusion, int]] = field(default_factory=list)
    group_confusions: dict[tuple[str, ...], list[tuple[Confusion, int]]] = field(default_factory=dict)
    compare_with: Path | None = None
    compare: pd.DataFrame | None = None
    compare_overall: dict[str, Any] | None = None
    compare_path: Path | None = None

    @property
    def files(self) -> list[Path]:
        """The files written, report.html first; compare.csv last when there is a comparison."""
        paths = [self.html_path, self.csv_path, self.parquet_path, self.confusions_path]
        return paths + ([self.compare_path] if self.compare_path is not None else [])
