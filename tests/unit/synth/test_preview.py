"""synth/preview.py: the contact sheet's font filter refuses an unknown font in one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.recipe import load_recipe
from synthocr.synth.fonts import discover_fonts
from synthocr.synth.preview import SheetOptions, contact_sheet
from tests.integration.generate_fixtures import make_recipe


def test_an_unknown_font_is_refused_by_name(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path / "r"))
    with pytest.raises(UserError, match="SheetOptions.fonts: unknown font 'NoSuchFont'") as caught:
        contact_sheet(recipe, SheetOptions(per_font=1, fonts=["NoSuchFont"]))
    assert caught.value.spelled(FLAG_NAMES).startswith("--font: unknown font 'NoSuchFont'")


def test_a_sheet_has_one_row_per_chosen_font(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path / "r"))
    fonts = [font.id for font in discover_fonts(recipe.fonts)][:2]
    sheet = contact_sheet(recipe, SheetOptions(per_font=2, fonts=fonts))
    assert sheet.rows == len(fonts) == 2
    assert sheet.samples == 4
