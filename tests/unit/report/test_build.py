"""report/build.py on hand-made predictions with known answers: rates, intervals, flags, buckets, files, errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import FLAG_NAMES, app
from synthocr.errors import UserError
from synthocr.report import build_report, compute_report, write_report
from synthocr.report.build import DEFAULT_BY, most_telling_attribute, resolve_by

from .samples import sample_rows

runner = CliRunner()


def test_groups_rates_intervals_and_flags(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    groups = report.groups.set_index("font")
    assert list(report.groups["font"]) == ["bad", "ok", "good", "tiny"]  # worst first, small group last
    assert groups.loc["bad", ["samples", "correct"]].tolist() == [20, 5]
    assert groups.loc["bad", "exact_rate"] == 0.25
    assert groups.loc["bad", "cer"] == pytest.approx(16 / 100)  # 14 x 1 edit + 1 x 2 edits over 20 x 5 chars
    assert groups.loc["bad", "mean_edit_distance"] == pytest.approx(16 / 20)
    assert (round(groups.loc["ok", "exact_low"], 3), round(groups.loc["ok", "exact_high"], 3)) == (0.490, 0.943)
    assert groups["flagged"].to_dict() == {"bad": True, "ok": False, "good": False, "tiny": False}
    assert groups.loc["bad", "p_value"] < 1e-6
    assert groups["ranked"].to_dict() == {"bad": True, "ok": True, "good": True, "tiny": False}
    assert groups["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(groups.loc["tiny", "rank"])
    assert math.isnan(groups.loc["tiny", "p_value"])
    assert report.overall["samples"] == 73 and report.overall["correct"] == 51
    assert report.overall["exact"] == pytest.approx(51 / 73)
    assert groups.loc["bad", "top_confusions"] == "e→a ×14, h→j ×1, o→y ×1"
    assert groups.loc["ok", "top_confusions"] == "l→∅ ×2"
    assert groups.loc["tiny", "top_confusions"] == "∅→l ×3"
    assert groups.loc["bad", "worst_examples"].split("; ")[:2] == ["hello→jelly", "hello→hallo"]
    worst = report.examples[("bad",)]
    assert len(worst) == 6 and worst[0].prediction == "jelly" and worst[0].edit_distance == 2
    assert [e.confidence for e in worst[1:]] == [0.77, 0.78, 0.79, 0.8, 0.81]  # least confident first on ties


def test_files_and_their_contents(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    out = predictions.parent / "report"
    assert report.out_dir == out and report.html_path == out / "report.html"
    for name in ("report.csv", "report.parquet", "confusions.csv", "report.html"):
        assert (out / name).is_file(), name
    csv = pd.read_csv(out / "report.csv")
    assert list(csv.columns[:4]) == ["font", "samples", "correct", "exact_rate"]
    assert pd.read_parquet(out / "report.parquet")["samples"].tolist() == [20, 10, 40, 3]
    confusion_table = pd.read_csv(out / "confusions.csv", keep_default_na=False)
    bad = confusion_table[(confusion_table["scope"] == "group") & (confusion_table["font"] == "bad")]
    assert bad[["kind", "truth", "predicted", "count"]].values.tolist()[0] == ["substitution", "e", "a", 14]
    overall = confusion_table[confusion_table["scope"] == "overall"].set_index("confusion")["count"].to_dict()
    assert overall == {"e→a": 14, "∅→l": 3, "l→∅": 2, "o→a": 2, "h→j": 1, "o→y": 1}


def test_report_by_a_bucketed_column(tmp_path: Path) -> None:
    rows = []
    for length in range(1, 25):
        text = "a" * length
        rows += [{"text": text, "prediction": text if length < 20 else text[:-1], "font": "f"}] * 2
    path = tmp_path / "p.parquet"
    pd.DataFrame(rows).to_parquet(path)
    report = build_report(path, by=["length"], min_samples=1)
    groups = report.groups.set_index("length")
    assert set(groups.index) == {"1–4", "5–8", "9–12", "13–16", "17–20", "21–24"}
    assert groups["samples"].sum() == 48
    assert groups.loc["21–24", "exact_rate"] == 0.0 and groups.loc["17–20", "exact_rate"] == 0.75
    assert report.groups["length"].iloc[0] == "21–24"
    assert any("quantile buckets" in note for note in report.notes)


def test_nested_groups(predictions: Path) -> None:
    report = build_report(predictions, by=("font", "background"), min_samples=5)
    assert list(report.groups.columns[:3]) == ["font", "background", "samples"]
    cells = report.groups.set_index(["font", "background"])["samples"].to_dict()
    assert cells == {("bad", "gaussian"): 20, ("ok", "plain"): 10, ("good", "plain"): 40, ("tiny", "plain"): 3}
    assert ("bad", "gaussian") in report.examples


def test_augmentations_count_in_each_transform_group(tmp_path: Path) -> None:
    rows = (
        sample_rows("f", 4, [("ab", "ax")] * 4, text="ab", augment="GaussNoise+MotionBlur")
        + sample_rows("f", 4, [], text="ab", augment="GaussNoise")
        + sample_rows("f", 2, [], text="ab", augment="")
    )
    path = tmp_path / "p.parquet"
    pd.DataFrame(rows).to_parquet(path)
    report = build_report(path, by=["augment"], min_samples=1)
    groups = report.groups.set_index("augment")
    assert groups["samples"].to_dict() == {"MotionBlur": 4, "GaussNoise": 8, "(none)": 2}
    assert groups["correct"].to_dict() == {"MotionBlur": 0, "GaussNoise": 4, "(none)": 2}
    assert report.overall["samples"] == 10


def test_compare_two_runs(predictions: Path, tmp_path: Path) -> None:
    frame = pd.read_parquet(predictions)
    better = frame.copy()
    bad = better.index[better["font"] == "bad"][:14]
    better.loc[bad, "prediction"] = better.loc[bad, "text"]  # bad: 5/20 -> 19/20
    other = tmp_path / "other.parquet"
    better.to_parquet(other)
    report = build_report(predictions, min_samples=5, compare=other)
    table = report.compare.set_index("font")
    assert table.loc["bad", "delta"] == pytest.approx(0.7)
    assert bool(table.loc["bad", "significant"]) and table.loc["bad", "p_value"] < 1e-4
    assert table.loc["good", "delta"] == 0 and not table.loc["good", "significant"]
    assert not table.loc["tiny", "significant"] and math.isnan(table.loc["tiny", "p_value"])  # too few
    assert list(report.compare["font"])[-1] == "bad"  # largest drop first, the gain last
    assert report.compare_overall["delta"] == pytest.approx(14 / 73) and report.compare_overall["significant"]
    assert pd.read_csv(report.out_dir / "compare.csv").set_index("font").loc["bad", "exact_rate_b"] == 0.95
    page = report.html_path.read_text(encoding="utf-8")
    assert "Comparison" in page and "+70.0 pt" in page and "B better" in page


def test_predictions_without_font_report_by_source(tmp_path: Path) -> None:
    rows = [{"text": "cat", "prediction": "cat", "source": "labels.tsv"}] * 3 + [{"text": "dog", "prediction": "dig", "source": "mjsynth"}]
    path = tmp_path / "real.parquet"
    pd.DataFrame(rows).to_parquet(path)
    report = build_report(path, min_samples=1)
    assert report.by == ("source",) and list(report.groups["source"]) == ["mjsynth", "labels.tsv"]
    assert any("no font column" in note for note in report.notes)
    result = runner.invoke(app, ["report", str(path), "--min-samples", "1"])
    assert result.exit_code == 0, result.output
    assert "word accuracy by source" in result.output and "grouped by source instead" in result.output


def test_unknown_column_is_one_line_and_exit_2(predictions: Path) -> None:
    result = runner.invoke(app, ["report", str(predictions), "--by", "colour"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and "'colour'" in lines[0]
    assert "available: text, prediction, confidence, font, source, background, augment, image_path" in lines[0]


def test_user_errors_for_bad_input(tmp_path: Path, predictions: Path) -> None:
    with pytest.raises(UserError, match="no such predictions file"):
        build_report(tmp_path / "missing.parquet")
    (tmp_path / "x.parquet").write_text("not parquet")
    with pytest.raises(UserError, match="not a parquet file"):
        build_report(tmp_path / "x.parquet")
    pd.DataFrame({"text": ["a"]}).to_parquet(tmp_path / "no_prediction.parquet")
    with pytest.raises(UserError, match="no column prediction"):
        build_report(tmp_path / "no_prediction.parquet")
    with pytest.raises(UserError, match="given twice"):
        build_report(predictions, by=["font", "font"])


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


def test_compute_writes_nothing_and_write_writes_every_file(predictions: Path, tmp_path: Path) -> None:
    report = compute_report(predictions, out_dir=tmp_path / "out", min_samples=5)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in report.files] == ["report.html", "report.csv", "report.parquet", "confusions.csv"]
    assert write_report(report) is report
    assert all(p.is_file() for p in report.files)
    assert pd.read_csv(report.csv_path)["font"].tolist() == ["bad", "ok", "good", "tiny"]


def test_by_none_is_the_default_grouping(predictions: Path) -> None:
    notes: list[str] = []
    frame = pd.read_parquet(predictions)
    assert resolve_by(frame, None, predictions, notes) == DEFAULT_BY == ("font",)
    assert resolve_by(frame, "source", predictions, notes) == ("source",) and notes == []
    assert compute_report(predictions, min_samples=5).by == compute_report(predictions, ("font",), min_samples=5).by


def test_errors_name_the_parameter_and_the_cli_its_flag(predictions: Path) -> None:
    with pytest.raises(UserError) as caught:
        compute_report(predictions, by=["font", "font"])
    assert str(caught.value) == "by font, font: a column is given twice"
    assert caught.value.spelled(FLAG_NAMES) == "--by font, font: a column is given twice"
    with pytest.raises(UserError, match="^by is empty: give at least one column to group by$"):
        compute_report(predictions, by=[])
    result = runner.invoke(app, ["report", str(predictions), "--by", "font", "--by", "font"])
    assert result.exit_code == 2 and result.output.strip() == "error: --by font, font: a column is given twice"
