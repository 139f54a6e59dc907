"""Font weights for a recipe from a report.csv grouped by font (`generate --weights-from`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.recipe import load_recipe
from synthocr.report.weights import font_weights_from_report
from synthocr.synth.fonts import discover_fonts
from tests.integration.generate_fixtures import make_recipe


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
