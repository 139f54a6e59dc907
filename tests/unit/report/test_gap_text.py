"""report/gap_text.py: characters and word patterns the real words have and the synthetic ones lack."""

from __future__ import annotations

import doctest

from synthocr.report import gap_text
from synthocr.report.gap_text import TEXT_GAP_COLUMNS, text_gaps


def test_doctests() -> None:
    result = doctest.testmod(gap_text)
    assert result.failed == 0 and result.attempted > 0


def test_characters_outside_the_charset_and_rare_patterns() -> None:
    found = text_gaps(["cat", "dog"] * 10, ["cat!", "DOG", "café"] * 10, charset="abcdefghijklmnopqrstuvwxyz")
    assert tuple(found.columns) == TEXT_GAP_COLUMNS
    chars = found[found["kind"] == "character"].set_index("item")
    assert set(chars.index) >= {"!", "D", "O", "G", "é"}
    assert chars.loc["!", "class"] == "punctuation" and not chars.loc["!", "in_charset"]
    assert "its lower case is in" in chars.loc["D", "hint"] and chars.loc["é", "class"] == "accented letter"
    patterns = found[found["kind"] == "pattern"].set_index("item")
    assert patterns.loc["words with punctuation", "real_share"] == round(1 / 3, 4)
    assert "words with accented letters" in patterns.index


def test_nothing_found_when_both_sides_match() -> None:
    found = text_gaps(["cat", "dog"], ["dog", "cat"], charset="")
    assert found.empty and tuple(found.columns) == TEXT_GAP_COLUMNS
