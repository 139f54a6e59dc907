"""report/gap_html.py: histograms on common bins, and the three files of `gap`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthocr.report.gap import GapResult, Side, attribute_table
from synthocr.report.gap_html import BINS, histograms, write_gap
from synthocr.report.gap_text import text_gaps


def test_numeric_histograms_share_their_bins() -> None:
    left, right, note = histograms("image_brightness", pd.Series([10.0, 20.0, 30.0]), pd.Series([200.0, 210.0]))
    assert left.count("<rect") == right.count("<rect") == BINS
    assert "log scale" not in note and left.startswith("<svg")
    _, _, log_note = histograms("image_noise", pd.Series([1.0, 2.0]), pd.Series([5.0, 9.0]))
    assert log_note.endswith("(log scale)")


def test_categorical_histograms_have_one_bar_per_class() -> None:
    left, right, note = histograms("text_case", pd.Series(["lower", "upper"]), pd.Series(["title"]))
    assert left.count("<rect") == right.count("<rect") == 3 and note == "lower · title · upper"
    assert histograms("image_noise", pd.Series([], dtype=float), pd.Series([], dtype=float)) == ("", "", "")


def test_write_gap_writes_three_files(tmp_path: Path) -> None:
    frame = pd.DataFrame({"image_brightness": [10.0, 20.0], "text_case": ["lower", "upper"], "text": ["a<b", "c"]})
    synthetic, real = Side("synth", frame, 2, 2), Side("real", frame.assign(image_brightness=[200.0, 220.0]), 2, 2)
    result = GapResult(attribute_table(synthetic, [real]), text_gaps(["a"], ["a<b"], ""), synthetic, [real], ["a note"])
    paths = write_gap(result, tmp_path / "gap")
    assert [p.name for p in paths] == ["gap.csv", "gap_text.csv", "gap.html"] and all(p.is_file() for p in paths)
    page = paths[2].read_text(encoding="utf-8")
    assert "<li>a note</li>" in page and "&lt;" in page and "<b>image_brightness</b>" in page
    assert pd.read_csv(paths[0])["attribute"].iloc[0] == "image_brightness"
