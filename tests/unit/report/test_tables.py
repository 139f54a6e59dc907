"""report/tables.py: overall and per-group statistics, ranking and flags, worst misreads, two runs compared."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from synthocr.report import tables
from synthocr.report.grouping import group_column
from synthocr.report.tables import (
    STAT_COLUMNS,
    compare_overall,
    compare_tables,
    group_stats,
    output_names,
    overall_stats,
    rank_groups,
    worst_misreads,
)


def _frame() -> pd.DataFrame:
    """a: 2 of 10 exact (8 misreads of 1 edit), b: 9 of 10 (one of 3 edits); 5 characters each."""
    exact = [True] * 2 + [False] * 8 + [True] * 9 + [False]
    return pd.DataFrame({
        "font": ["a"] * 10 + ["b"] * 10, "exact": exact,
        "edit_distance": [0, 0] + [1] * 8 + [0] * 9 + [3], "length": [5] * 20,
        "confidence": np.linspace(0.1, 1.0, 20), "text": ["hello"] * 20, "prediction": ["x"] * 20,
    })


def test_doctests() -> None:
    result = doctest.testmod(tables)
    assert result.failed == 0 and result.attempted >= 3


def test_overall_stats() -> None:
    stats = overall_stats(_frame())
    assert (stats["samples"], stats["correct"], stats["edits"], stats["chars"]) == (20, 11, 11, 100)
    assert stats["exact"] == 0.55 and stats["cer"] == 0.11 and stats["mean_edit_distance"] == 0.55
    assert stats["mean_confidence"] == pytest.approx(0.55)
    assert overall_stats(_frame().iloc[:0])["exact"] == 0.0


def test_groups_ranked_worst_first_and_flagged() -> None:
    frame = _frame()
    grouped = group_stats(frame, [group_column(frame["font"], "font")], ["font"])
    assert grouped.rows[("a",)].tolist() == list(range(10))
    table = rank_groups(grouped.table, ["font"], overall_stats(frame), min_samples=5).set_index("font")
    assert table.index.tolist() == ["a", "b"]
    assert table.loc["a", "exact_rate"] == 0.2 and table.loc["a", "cer"] == pytest.approx(8 / 50)
    assert bool(table.loc["a", "flagged"]) and not bool(table.loc["b", "flagged"])
    assert table.loc["a", "p_value"] == pytest.approx(0.0016537, abs=1e-7) and table["rank"].tolist() == [1, 2]
    unranked = rank_groups(grouped.table, ["font"], overall_stats(frame), min_samples=11)
    assert not unranked["ranked"].any() and unranked["p_value"].isna().all() and unranked["rank"].isna().all()


def test_worst_misreads_highest_edit_distance_then_least_confident() -> None:
    frame = _frame()
    worst = worst_misreads(frame, np.arange(20), limit=3)
    assert worst.index.tolist() == [19, 2, 3]


def test_output_names_and_columns() -> None:
    assert output_names(["font", "cer", "rank"]) == ("font", "cer_group", "rank_group")
    assert STAT_COLUMNS[:4] == ("samples", "correct", "exact_rate", "exact_low")


def test_compare_tables_and_overall() -> None:
    frame = _frame()
    column = [group_column(frame["font"], "font")]
    a = rank_groups(group_stats(frame, column, ["font"]).table, ["font"], overall_stats(frame), 5)
    better = frame.assign(exact=True, edit_distance=0)
    b = rank_groups(group_stats(better, column, ["font"]).table, ["font"], overall_stats(better), 5)
    both = compare_tables(a, b, ["font"], min_samples=5).set_index("font")
    assert both.loc["a", "delta"] == pytest.approx(0.8) and bool(both.loc["a", "significant"])
    assert both.loc["b", "delta"] == pytest.approx(0.1) and not bool(both.loc["b", "significant"])
    assert both.index.tolist() == ["b", "a"]  # largest drop (smallest gain) first
    overall = compare_overall(overall_stats(frame), overall_stats(better))
    assert overall["delta"] == pytest.approx(0.45) and overall["significant"] and overall["p_value"] < 0.01
    assert compare_tables(a, b, ["font"], min_samples=50)["p_value"].isna().all()
