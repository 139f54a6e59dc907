"""The report on hand-made predictions with known answers: rates, intervals, flags, confusions, buckets, files."""

from __future__ import annotations

import doctest
import io
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from rich.console import Console
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.errors import UserError
from synthocr.report import build_report, grouping, print_report, stats, weights
from synthocr.report import confusions as confusions_module
from synthocr.report.confusions import count_confusions
from synthocr.metrics import edit_operations as confusions
from synthocr.report.grouping import float_buckets, group_column, integer_buckets
from synthocr.report.stats import two_proportion_p_value, wilson_interval

runner = CliRunner()


def _png(path: Path, width: int = 60) -> str:
    Image.new("L", (width, 32), 220).save(path)
    return str(path)


def _rows(font: str, n: int, wrong: list[tuple[str, str]], text: str = "hello", image: str | None = None,
          background: str = "plain", augment: str = "") -> list[dict]:
    """n samples of `font`: the (text, prediction) pairs of `wrong` first, then correct reads of `text`."""
    pairs = wrong + [(text, text)] * (n - len(wrong))
    return [
        {"text": t, "prediction": p, "confidence": round(0.9 - 0.01 * i, 2), "font": font, "source": "synth",
         "background": background, "augment": augment, "image_path": image}
        for i, (t, p) in enumerate(pairs)
    ]


@pytest.fixture()
def predictions(tmp_path: Path) -> Path:
    """bad 5/20 exact, ok 8/10, good 38/40, tiny 0/3 (its images are missing)."""
    image = _png(tmp_path / "word.png")
    rows = (
        _rows("bad", 20, [("hello", "hallo")] * 14 + [("hello", "jelly")], image=image, background="gaussian")
        + _rows("ok", 10, [("hello", "helo")] * 2, image=image)
        + _rows("good", 40, [("world", "warld")] * 2, text="world", image=image)
        + _rows("tiny", 3, [("helo", "hello")] * 3, image=str(tmp_path / "gone.png"))
    )
    path = tmp_path / "run" / "predictions.parquet"
    path.parent.mkdir()
    pd.DataFrame(rows).to_parquet(path, index=False)
    return path


def test_doctests_of_the_report_modules() -> None:
    for module in (stats, grouping, confusions_module, weights):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson_interval(0, 10)[0] == 0.0 and round(wilson_interval(0, 10)[1], 3) == 0.278
    assert wilson_interval(10, 10)[1] == 1.0 and round(wilson_interval(10, 10)[0], 3) == 0.722
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_two_proportion_test_known_values() -> None:
    assert two_proportion_p_value(45, 50, 30, 50) == pytest.approx(0.000532, abs=2e-6)  # z = 3.464
    assert two_proportion_p_value(50, 100, 50, 100) == pytest.approx(1.0)
    assert math.isnan(two_proportion_p_value(1, 1, 0, 0))


def test_confusions_of_known_pairs() -> None:
    assert confusions("hello", "hallo") == [("substitution", "e", "a")]
    assert confusions("helo", "hello") == [("insertion", "", "l")]
    assert confusions("hello", "helo") == [("deletion", "l", "")]
    assert confusions("same", "same") == []
    counts = count_confusions([("hello", "hallo"), ("hello", "hallo"), ("cat", "cart"), ("cat", "cat")])
    assert counts == {("substitution", "e", "a"): 2, ("insertion", "", "r"): 1}


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


def test_html_is_self_contained(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    page = report.html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "<svg" in page and page.count('<rect class="bar') == 4
    # worst examples with an image: bad 6, ok 2, good 2; tiny's 3 images are missing (text and a note)
    assert page.count('<img src="data:image/png;base64,') == 10
    assert page.count("image not found") == 3
    assert 'data-images-expected="10"' in page and 'data-chart-bars-expected="4"' in page


def test_html_escapes_text(tmp_path: Path) -> None:
    rows = _rows("<b>font</b>", 4, [("<script>x</script>", "&amp;")], text="a&b")
    path = tmp_path / "p.parquet"
    pd.DataFrame(rows).to_parquet(path)
    page = build_report(path, min_samples=1).html_path.read_text(encoding="utf-8")
    assert "<script>x</script>" not in page and "<b>font</b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;b&gt;font&lt;/b&gt;" in page and "&amp;amp;" in page


def test_undecodable_image_is_a_note_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    rows = [{"text": "cat", "prediction": "cot", "source": "labels.tsv", "image_path": str(tmp_path / "broken.png")}]
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    report = build_report(tmp_path / "p.parquet", by="source", min_samples=1)
    (example,) = report.examples[("labels.tsv",)]
    assert example.image.png is None and example.image.note.startswith("image could not be decoded")
    assert "image could not be decoded" in report.html_path.read_text(encoding="utf-8")


def test_integer_buckets_of_a_numeric_column() -> None:
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    labels, order = integer_buckets(values, buckets=3)
    assert order == ("1–6", "7–12", "13–18")
    assert labels.value_counts().to_dict() == {"1–6": 6, "7–12": 6, "13–18": 6}
    column = group_column(values, "length")
    assert column.kind == "buckets" and len(column.order) == 6 and column.order[0] == "1–3"
    few = group_column(pd.Series([3, 4, 5, 3]), "length")  # few distinct integers stay as they are
    assert few.kind == "values" and few.labels.tolist() == ["3", "4", "5", "3"]


def test_float_buckets_and_missing_values() -> None:
    values = pd.Series([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, None])
    labels, order = float_buckets(values, buckets=2)
    assert order == ("-2 to 0", "0 to 2")
    assert labels.tolist() == ["-2 to 0"] * 4 + ["0 to 2"] * 5 + ["(missing)"]


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
        _rows("f", 4, [("ab", "ax")] * 4, text="ab", augment="GaussNoise+MotionBlur")
        + _rows("f", 4, [], text="ab", augment="GaussNoise")
        + _rows("f", 2, [], text="ab", augment="")
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


def test_weights_from_a_report(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    column, factors = weights.weights_from_report(report.csv_path)
    assert column == "font"
    # errors: bad 0.75, ok 0.2, good 0.05 (mean 1/3); tiny is not ranked
    assert factors == {"bad": 2.25, "ok": 0.6, "good": 0.5, "tiny": 1.0}


def test_weight_factors_are_ordered_floored_and_capped() -> None:
    errors = {"a": 0.0, "b": 0.05, "c": 0.2, "d": 0.3, "e": 0.9, "f": 0.95}
    factors = weights.error_factors({k: v for k, v in errors.items()})
    ordered = [factors[k] for k in sorted(errors, key=errors.get)]
    assert ordered == sorted(ordered)
    assert factors["a"] == factors["b"] == weights.FLOOR
    skewed = weights.error_factors({"x": 1.0, **{f"g{i}": 0.01 for i in range(9)}})
    assert skewed["x"] == weights.CAP
    assert weights.error_factors({"a": 0.0, "b": 0.0}) == {"a": 1.0, "b": 1.0}


def test_weights_refuse_bad_and_nested_reports(tmp_path: Path, predictions: Path) -> None:
    bad = tmp_path / "report.csv"
    bad.write_text("font,count\nx,3\n")
    with pytest.raises(UserError, match=r"report\.csv: not a report\.csv .*no column samples, exact_rate"):
        weights.weights_from_report(bad)
    nested = build_report(predictions, by=("font", "background"), out_dir=tmp_path / "nested")
    with pytest.raises(UserError, match="grouped by font and background \\(nested\\)"):
        weights.weights_from_report(nested.csv_path)
    with pytest.raises(UserError, match="no such report file"):
        weights.weights_from_report(tmp_path / "none.csv")
