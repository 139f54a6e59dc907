"""report/terminal.py: the rich table of groups, the limit, the comparison and the files written."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from rich.console import Console
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.report import build_report, compute_report, print_report

runner = CliRunner()


def test_cli_table_and_limit(predictions: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = runner.invoke(app, ["report", str(predictions), "--min-samples", "5", "--out", str(out), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file()
    assert "bad" in result.output and "ok" in result.output and "tiny" not in result.output
    assert "2 more group(s) not shown" in result.output and "overall" in result.output
    assert "25.0%" in result.output and f"wrote {out}" in result.output.replace("\n", "")


def test_print_report_to_a_console(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=140), limit=None)
    text = buffer.getvalue()
    assert "▼" in text and "n<5" in text and "e→a×14" in text and "1 group(s) significantly below" in text


def test_comparison_table_and_notes(predictions: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    frame = pd.read_parquet(predictions)
    frame["prediction"] = frame["text"]
    frame.to_parquet(other)
    report = compute_report(predictions, min_samples=5, compare=other)
    report.notes.append("a note")
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=200), limit=None)
    text = buffer.getvalue()
    assert "note: a note" in text and "B better" in text and "+75.0 pt" in text  # bad: 5/20 -> 20/20
    assert "compare.csv" in text and "not shown" not in text
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=200), limit=1)
    assert buffer.getvalue().count("3 more group(s) not shown") == 2
