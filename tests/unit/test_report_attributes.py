"""`report` on predictions without fonts (real crops): grouped by an image or text attribute."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.report import build_report
from synthocr.report.build import most_telling_attribute

runner = CliRunner()


def _real_predictions(path: Path) -> Path:
    """60 real-looking rows: blurry crops (low sharpness) are misread, sharp ones read; case says nothing."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(60):
        blurry = i % 2 == 0
        text = ["EXIT", "Exit", "exit"][i % 3]
        rows.append({
            "text": text, "prediction": "exlt" if blurry and i % 4 else text, "source": "real:dev",
            "image_sharpness": float(rng.uniform(10, 50) if blurry else rng.uniform(800, 2000)),
            "image_brightness": float(rng.uniform(0, 255)), "text_case": ["upper", "title", "lower"][i % 3],
            "text_has_digits": False, "text_length": 4,
        })
    pd.DataFrame(rows).to_parquet(path)
    return path


def test_default_grouping_without_font_is_the_attribute_that_separates_errors(tmp_path: Path) -> None:
    predictions = _real_predictions(tmp_path / "real.parquet")
    frame = pd.read_parquet(predictions)
    frame["exact"] = frame["text"] == frame["prediction"]
    assert most_telling_attribute(frame, 5) == "image_sharpness"
    report = build_report(predictions, min_samples=5)
    assert report.by == ("image_sharpness",)
    assert any("grouped by image_sharpness" in note for note in report.notes)
    worst = report.groups.iloc[0]
    assert worst["exact_rate"] < 0.5 and bool(worst["flagged"])  # a low-sharpness bucket, below the rest
    assert report.groups["samples"].sum() == 60
    assert report.html_path.is_file() and "image_sharpness" in report.html_path.read_text(encoding="utf-8")


def test_report_cli_groups_by_an_attribute_with_intervals_and_confusions(tmp_path: Path) -> None:
    predictions = _real_predictions(tmp_path / "real.parquet")
    result = runner.invoke(app, ["report", str(predictions), "--by", "text_case", "--min-samples", "5"])
    assert result.exit_code == 0, result.output
    assert "word accuracy by text_case" in result.output
    table = pd.read_csv(tmp_path / "report" / "report.csv").set_index("text_case")
    assert set(table.index) == {"upper", "title", "lower"}
    assert (table["exact_low"] <= table["exact_rate"]).all() and (table["exact_rate"] <= table["exact_high"]).all()
    confusions = pd.read_csv(tmp_path / "report" / "confusions.csv")
    overall = confusions[confusions["scope"] == "overall"].set_index("confusion")
    assert overall.loc["i→l", "count"] == 10  # 'Exit' and 'exit' misread as 'exlt' (5 each)
