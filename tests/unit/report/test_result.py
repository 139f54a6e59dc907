"""report/result.py: the files a Report lists, in order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthocr.report.result import COMPARE_CSV, REPORT_DIR, Report


def _report(out: Path, compare_path: Path | None = None) -> Report:
    return Report(
        predictions=out / "p.parquet", by=("font",), overall={}, groups=pd.DataFrame(), confusions=pd.DataFrame(),
        out_dir=out, html_path=out / "report.html", csv_path=out / "report.csv", parquet_path=out / "report.parquet",
        confusions_path=out / "confusions.csv", min_samples=20, group_columns=("font",), compare_path=compare_path,
    )


def test_files_in_order_with_compare_last(tmp_path: Path) -> None:
    names = [p.name for p in _report(tmp_path).files]
    assert names == ["report.html", "report.csv", "report.parquet", "confusions.csv"]
    assert _report(tmp_path, tmp_path / COMPARE_CSV).files[-1].name == "compare.csv"
    assert REPORT_DIR == "report" and _report(tmp_path).notes == [] and _report(tmp_path).examples == {}
