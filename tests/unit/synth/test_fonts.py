"""Fonts: discovery with ids and listings, glyph coverage, blank glyphs, drawing by weight."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont

from synthocr.errors import UserError
from synthocr.recipe import FontsConfig
from synthocr.synth.fonts import FontInfo, FontSampler, blank_characters, discover_fonts, scan_directory, trdg_latin_dir

DROID = trdg_latin_dir() / "DroidSans.ttf"


def _font(font_id: str, glyphs: str, category: str = "sans") -> FontInfo:
    return FontInfo(font_id, str(DROID), font_id, "Regular", category, "OFL", "test", frozenset(map(ord, glyphs)))


def _blank_glyph_copy(source: Path, out: Path, character: str) -> None:
    """A copy of a TrueType font whose outline for `character` is empty (its cmap still maps it)."""
    font = TTFont(str(source))
    name = font.getBestCmap()[ord(character)]
    glyph = font["glyf"][name]
    glyph.numberOfContours = 0
    glyph.coordinates, glyph.endPtsOfContours, glyph.flags = [], [], []
    font.save(str(out))


def test_a_font_drawn_blank_for_a_character_is_reported_and_never_draws_it(tmp_path: Path) -> None:
    _blank_glyph_copy(DROID, tmp_path / "Blank.ttf", "e")
    (font,) = scan_directory(tmp_path, "test")
    assert font.id == "Blank" and font.covers("e")
    assert blank_characters(font.path, "abc e") == frozenset("e")  # the space is never reported
    sampler = FontSampler([font], {}, "abcde")
    assert sampler.draws(font, "abc") and not sampler.draws(font, "bed")


@pytest.mark.parametrize("name", ["Roboto-Regular.ttf", "Apropal-Bold.otf"])  # glyf outlines, CFF outlines
def test_the_code_points_read_are_fonttools_own_cmap(name: str) -> None:
    # _read_font names the glyphs with placeholders instead of decoding their names; the code
    # points must be exactly those of fontTools' own reading (plus the space it always adds).
    path = Path(__file__).resolve().parents[3] / "fonts" / name
    (font,) = [f for f in scan_directory(path.parent, "bundled") if f.path == str(path)]
    assert font.glyphs == frozenset(TTFont(str(path)).getBestCmap()) | {32}
    assert font.covers("Hello, World 2026")


def test_covers_and_missing() -> None:
    font = _font("a", "abc")
    assert font.covers("cab") and not font.covers("abd")
    assert font.missing("dcxd") == "dx"


def test_listing_fills_in_metadata_and_ids_are_the_file_stems(tmp_path: Path) -> None:
    (tmp_path / "Droid.ttf").write_bytes(DROID.read_bytes())
    (tmp_path / "fonts.csv").write_text("file,category,licence\nDroid.ttf,sans,Apache-2.0\n", encoding="utf-8")
    (font,) = scan_directory(tmp_path, "here")
    assert (font.id, font.category, font.licence, font.source) == ("Droid", "sans", "Apache-2.0", "here")
    assert font.family == "Droid Sans"


def test_discovery_keeps_the_first_folders_font_and_drops_excluded_ones(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Droid.ttf").write_bytes(DROID.read_bytes())
    (tmp_path / "two" / "Other.ttf").write_bytes(DROID.read_bytes())
    fonts = discover_fonts(FontsConfig(dirs=[str(tmp_path / "one"), str(tmp_path / "two")]))
    assert [(f.id, Path(f.path).parent.name) for f in fonts] == [("Droid", "one"), ("Other", "two")]
    config = FontsConfig(dirs=[str(tmp_path / "two")], exclude=["Droid"])
    assert [f.id for f in discover_fonts(config)] == ["Other"]
    with pytest.raises(UserError, match=r"r.yaml: fonts.dirs\[1\]: directory not found"):
        discover_fonts(FontsConfig(dirs=[str(tmp_path / "one"), str(tmp_path / "none")]), "r.yaml")


def test_a_font_lacking_a_glyph_gives_way_to_one_that_has_it() -> None:
    narrow, wide = _font("narrow", "ab"), _font("wide", "abcxyz")
    sampler = FontSampler([narrow, wide], {"narrow": 1000.0}, "abc")
    assert sampler.draw(np.random.default_rng(0), "ab") == (narrow, False)
    assert sampler.draw(np.random.default_rng(0), "abc") == (wide, True)
    assert sampler.draw(np.random.default_rng(0), "q") == (None, True)


def test_weights_by_category_and_their_errors() -> None:
    fonts = [_font("a", "ab", "script"), _font("b", "ab", "sans")]
    sampler = FontSampler(fonts, {"category:script": 0.0}, "ab")
    assert sampler.weights.tolist() == [0.0, 1.0]
    with pytest.raises(UserError, match="fonts.weights: unknown font 'c'"):
        FontSampler(fonts, {"c": 1.0}, "ab")
    with pytest.raises(UserError, match="text.charset: no font covers 'z'"):
        FontSampler(fonts, {}, "abz")
    with pytest.raises(UserError, match="every font has weight 0"):
        FontSampler(fonts, {"a": 0.0, "b": 0.0}, "ab")
