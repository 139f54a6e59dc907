"""The report's numbers: overall and per-group word accuracy, CER and flags, worst misreads, two runs side by side.

Per group and overall: `exact_rate` (share of exact reads) with its 95% Wilson interval
(`exact_low`, `exact_high`), `cer` (total edits / total characters, `synthocr.metrics.corpus_cer`)
and `mean_edit_distance`. A group of at least `min_samples` samples is ranked, and flagged when
its accuracy is below that of the rest and the two-proportion z-test rejects equality at 5%.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthocr.metrics import corpus_cer
from synthocr.predictions import CONFIDENCE, EDIT_DISTANCE, EXACT, LENGTH
from synthocr.report.grouping import GroupColumn
from synthocr.report.stats import ALPHA, two_proportion_p_value, wilson_interval

STAT_COLUMNS = (
    "samples", "correct", "exact_rate", "exact_low", "exact_high", "cer", "mean_edit_distance", "edits", "chars",
    "mean_confidence", "p_value", "flagged", "ranked", "rank", "top_confusions", "worst_examples",
)
COMPARE_STATS = ("samples", "correct", "exact_rate", "exact_low", "exact_high", "cer")
_ROW, _EXACT, _EDITS, _CHARS, _CONFIDENCE = (f"\0report_{n}" for n in ("row", "exact", "edits", "chars", "confidence"))


def overall_stats(frame: pd.DataFrame) -> dict[str, Any]:
    """The statistics of all samples: samples, correct, exact (rate) and its interval, cer, edits, chars, confidence.

    >>> frame = pd.DataFrame({"exact": [True, False], "edit_distance": [0, 2], "length": [3, 5]})
    >>> stats = overall_stats(frame)
    >>> stats["exact"], stats["cer"], stats["mean_edit_distance"]
    (0.5, 0.25, 1.0)
    """
    samples, correct = len(frame), int(frame[EXACT].sum())
    edits, chars = int(frame[EDIT_DISTANCE].sum()), int(frame[LENGTH].sum())
    low, high = wilson_interval(correct, samples)
    confidence = float(frame[CONFIDENCE].mean()) if CONFIDENCE in frame.columns and samples else math.nan
    return {
        "samples": samples, "correct": correct, "exact": correct / samples if samples else 0.0,
        "exact_low": low, "exact_high": high, "cer": corpus_cer(edits, chars),
        "mean_edit_distance": edits / samples if samples else 0.0, "edits": edits, "chars": chars,
        "mean_confidence": confidence,
    }


@dataclass
class Grouped:
    """The samples in groups: counts per group, and which samples each group holds."""

    table: pd.DataFrame  # one row per group, statistics but no ranking
    rows: dict[tuple[str, ...], np.ndarray]  # group key -> positions of its samples in the frame


def group_key(value: Hashable) -> tuple[str, ...]:
    """A pandas group key as the tuple of strings the report indexes groups by.

    >>> group_key(("Arial", 3)), group_key("Arial")
    (('Arial', '3'), ('Arial',))
    """
    return tuple(str(v) for v in value) if isinstance(value, tuple) else (str(value),)


def group_stats(frame: pd.DataFrame, columns: Sequence[GroupColumn], names: Sequence[str]) -> Grouped:
    """Samples, correct reads, edits, characters and mean confidence per group of the label columns."""
    keys = pd.DataFrame({name: column.labels for name, column in zip(names, columns)}, index=frame.index)
    keys[_ROW] = np.arange(len(frame))
    for name, column in zip(names, columns):
        if column.kind == "transforms":
            keys = keys.explode(name)
    keys = keys.reset_index(drop=True)
    values = frame.iloc[keys[_ROW].to_numpy()]
    keys[_EXACT] = values[EXACT].to_numpy()
    keys[_EDITS] = values[EDIT_DISTANCE].to_numpy()
    keys[_CHARS] = values[LENGTH].to_numpy()
    keys[_CONFIDENCE] = values[CONFIDENCE].to_numpy(dtype=float) if CONFIDENCE in frame.columns else np.nan
    grouped = keys.groupby(list(names), sort=False, dropna=False)
    table = grouped.agg(
        samples=(_ROW, "size"), correct=(_EXACT, "sum"), edits=(_EDITS, "sum"), chars=(_CHARS, "sum"),
        mean_confidence=(_CONFIDENCE, "mean"),
    ).reset_index()
    rows = {group_key(k): keys[_ROW].to_numpy()[positions] for k, positions in grouped.indices.items()}
    return Grouped(table, rows)


def rank_groups(table: pd.DataFrame, names: Sequence[str], overall: dict[str, Any], min_samples: int) -> pd.DataFrame:
    """The groups with rates, intervals, CER, p-values and flags, worst first (ranked groups before the rest)."""
    table = table.copy()
    table["correct"] = table["correct"].astype(int)
    table["exact_rate"] = table["correct"] / table["samples"]
    intervals = [wilson_interval(c, n) for c, n in zip(table["correct"], table["samples"])]
    table["exact_low"] = [low for low, _ in intervals]
    table["exact_high"] = [high for _, high in intervals]
    table["cer"] = np.array([corpus_cer(edits, chars) for edits, chars in zip(table["edits"], table["chars"])], dtype=float)
    table["mean_edit_distance"] = table["edits"] / table["samples"]
    table["ranked"] = table["samples"] >= min_samples
    rest_n = overall["samples"] - table["samples"]
    rest_k = overall["correct"] - table["correct"]
    table["p_value"] = [
        two_proportion_p_value(k, n, rk, rn) if ranked else math.nan
        for k, n, rk, rn, ranked in zip(table["correct"], table["samples"], rest_k, rest_n, table["ranked"])
    ]
    rest_rate = (rest_k / rest_n.where(rest_n > 0)).to_numpy()
    table["flagged"] = table["ranked"] & (table["exact_rate"] < rest_rate) & (table["p_value"] < ALPHA)
    table = table.sort_values(
        ["ranked", "exact_rate", "cer", "samples", *names], ascending=[False, True, False, False, *[True] * len(names)],
        kind="stable",
    ).reset_index(drop=True)
    table["rank"] = pd.array([i + 1 if r else None for i, r in enumerate(table["ranked"])], dtype="Int64")
    return table


def worst_misreads(frame: pd.DataFrame, rows: np.ndarray, limit: int) -> pd.DataFrame:
    """The misreads among `rows` with the highest edit distance, the least confident first on ties."""
    picked = frame.iloc[rows]
    picked = picked[picked[EDIT_DISTANCE] > 0]
    order = [EDIT_DISTANCE] + ([CONFIDENCE] if CONFIDENCE in frame.columns else [])
    return picked.sort_values(order, ascending=[False] + [True] * (len(order) - 1), kind="stable").head(limit)


def output_names(by: Sequence[str]) -> tuple[str, ...]:
    """The grouping columns as report.csv names them: `NAME_group` when NAME is a statistic's name.

    >>> output_names(["font", "samples"])
    ('font', 'samples_group')
    """
    return tuple(f"{name}_group" if name in STAT_COLUMNS else name for name in by)


def compare_tables(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str], min_samples: int) -> pd.DataFrame:
    """The groups of two runs side by side: `*_a`, `*_b`, `delta` (b - a), `p_value`, `significant`."""
    left = a[[*names, *COMPARE_STATS]].rename(columns={c: f"{c}_a" for c in COMPARE_STATS})
    right = b[[*names, *COMPARE_STATS]].rename(columns={c: f"{c}_b" for c in COMPARE_STATS})
    both = left.merge(right, on=list(names), how="outer", sort=False)
    for side in ("a", "b"):
        both[f"samples_{side}"] = both[f"samples_{side}"].fillna(0).astype(int)
        both[f"correct_{side}"] = both[f"correct_{side}"].fillna(0).astype(int)
    both["delta"] = both["exact_rate_b"] - both["exact_rate_a"]
    tested = (both["samples_a"] >= min_samples) & (both["samples_b"] >= min_samples)
    both["p_value"] = [
        two_proportion_p_value(ka, na, kb, nb) if t else math.nan
        for ka, na, kb, nb, t in zip(both["correct_a"], both["samples_a"], both["correct_b"], both["samples_b"], tested)
    ]
    both["significant"] = tested & (both["p_value"] < ALPHA)
    return both.sort_values(["delta", *names], na_position="last", kind="stable").reset_index(drop=True)


def compare_overall(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two runs' overall statistics, `delta` (b - a) of their accuracy and its two-proportion test."""
    p = two_proportion_p_value(a["correct"], a["samples"], b["correct"], b["samples"])
    return {"a": a, "b": b, "delta": b["exact"] - a["exact"], "p_value": p, "significant": bool(p < ALPHA)}
