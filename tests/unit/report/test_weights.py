"""report/weights.py: sampling factors from a report.csv, floored and capped; bad reports refused; font weights for a recipe."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.recipe import load_recipe
from synthocr.report import build_report, weights
from synthocr.report.weights import font_weights_from_report
from synthocr.synth.fonts import discover_fonts
from tests.integration.generate_fixtures import make_recipe


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
    with pytest.raises(UserError, match="grouped by font and background \\(nested\\)") as caught:
        weights.weights_from_report(nested.csv_path)
    assert "report_csv needs a report grouped by one column" in str(caught.value)  # the library names its parameter
    assert "--weights-from needs a report grouped by one column" in caught.value.spelled(FLAG_NAMES)  # the CLI its flag
    with pytest.raises(UserError, match="no such report file"):
        weights.weights_from_report(tmp_path / "none.csv")


def test_the_worst_read_font_is_weighted_up_from_the_recipe_weight(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path / "r", fonts={"dirs": ["fonts"], "size": [24, 30], "weights": {"Lato-Bold": 2.0}}))
    ids = sorted(f.id for f in discover_fonts(recipe.fonts, recipe.source))
    assert ids == ["DroidSans", "Lato-Bold", "OpenSans-Italic"]
    report = tmp_path / "report.csv"
    report.write_text("font,samples,exact_rate,ranked\nDroidSans,50,0.9,true\nLato-Bold,50,0.5,true\nOpenSans-Italic,50,0.9,true\n")
    weights = font_weights_from_report(recipe, report)
    assert weights == {"DroidSans": 0.5, "Lato-Bold": round(2.0 * 2.1429, 6), "OpenSans-Italic": 0.5}


def test_a_report_by_another_column_is_refused_naming_the_parameter(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path / "r"))
    report = tmp_path / "report.csv"
    report.write_text("style,samples,exact_rate\nbold,30,0.5\n")
    with pytest.raises(UserError) as caught:
        font_weights_from_report(recipe, report)
    assert caught.value.spelled(FLAG_NAMES) == f"{report}: grouped by 'style'; --weights-from can weight fonts (a report --by font)"
