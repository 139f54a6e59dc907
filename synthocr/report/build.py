"""The error report of a predictions.parquet: per-group word accuracy, CER, confusions, worst examples, files.

Definitions, per group and overall:
- word accuracy (`exact_rate`): share of samples whose prediction equals the text exactly, with
  its 95% Wilson interval (`exact_low`, `exact_high`);
- `cer`: total edit distance / total characters of the texts (scoring.summarise's corpus CER);
- `mean_edit_distance`: edit distance averaged over samples;
- confusions: rapidfuzz editops of every misread (see `synthocr.report.confusions`);
- worst examples: the misreads with the highest edit distance, the least confident first on ties.

Flagging: a group is flagged when its accuracy is below that of all other samples (the rest) and
a two-sided pooled two-proportion z-test of the group against the rest rejects equality at 5%.
Against the rest rather than the overall rate, because the group is part of the overall rate and
would be compared partly with itself. Groups with fewer than `min_samples` samples are listed
after the ranked ones, never flagged or ranked: a font read wrong 2 times out of 3 is noise.

Groups come out worst first: ranked groups by accuracy ascending, then CER descending.

With `compare`, the same groups are computed for the other predictions (bucket edges taken from
both files, so a bucket means the same range on both sides) and set side by side: `delta` is
accuracy of OTHER minus accuracy of PREDICTIONS, its p-value is the same two-proportion test
between the runs. The test treats the runs as independent samples; when both read the same
test set it is conservative (a paired test would find smaller differences significant).
Groups with fewer than `min_samples` in either run are not tested. Largest drop first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from synthocr.report.attributes import ATTRIBUTE_COLUMNS
from synthocr.errors import UserError
from synthocr.report.confusions import Confusion, confusion_label, confusions, summary_text
from synthocr.report.grouping import GroupColumn, check_columns, group_column
from synthocr.report.images import ExampleImage, load_images
from synthocr.report.predictions_check import check_prediction_columns
from synthocr.report.stats import ALPHA, two_proportion_p_value, wilson_interval

DEFAULT_BY = ("font",)
FALLBACK_BY = ("source",)
WORST_EXAMPLES = 6
TOP_CONFUSIONS = 5
REPORT_DIR = "report"
STAT_COLUMNS = (
    "samples", "correct", "exact_rate", "exact_low", "exact_high", "cer", "mean_edit_distance", "edits", "chars",
    "mean_confidence", "p_value", "flagged", "ranked", "rank", "top_confusions", "worst_examples",
)
_ROW, _EXACT, _EDITS, _CHARS, _CONFIDENCE = (f"\0report_{n}" for n in ("row", "exact", "edits", "chars", "confidence"))
COMPARE_STATS = ("samples", "correct", "exact_rate", "exact_low", "exact_high", "cer")


@dataclass(frozen=True)
class Example:
    """One misread shown in the HTML: what was written, what was read, and its image (or why not)."""

    text: str
    prediction: str
    edit_distance: int
    confidence: float | None
    image: ExampleImage


@dataclass
class Report:
    """What `build_report` computed and where it wrote it.

    `groups` is report.csv as a DataFrame: one column per grouping column (named after it, or
    `NAME_group` when the name clashes with a statistic), then `STAT_COLUMNS`, worst first.
    """

    predictions: Path
    by: tuple[str, ...]
    overall: dict[str, Any]
    groups: pd.DataFrame
    confusions: pd.DataFrame
    out_dir: Path
    html_path: Path
    csv_path: Path
    parquet_path: Path
    confusions_path: Path
    min_samples: int
    group_columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    examples: dict[tuple[str, ...], list[Example]] = field(default_factory=dict)
    overall_confusions: list[tuple[Confusion, int]] = field(default_factory=list)
    group_confusions: dict[tuple[str, ...], list[tuple[Confusion, int]]] = field(default_factory=dict)
    compare_with: Path | None = None
    compare: pd.DataFrame | None = None
    compare_overall: dict[str, Any] | None = None
    compare_path: Path | None = None

    @property
    def files(self) -> list[Path]:
        paths = [self.html_path, self.csv_path, self.parquet_path, self.confusions_path]
        return paths + ([self.compare_path] if self.compare_path is not None else [])


def read_predictions(path: Path) -> pd.DataFrame:
    """predictions.parquet with `edit_distance`, `exact` and `length` filled in where absent."""
    if not path.is_file():
        raise UserError(f"{path}: no such predictions file")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError, its IO errors OSErrors
        raise UserError(f"{path}: not a parquet file ({type(err).__name__}: {err})") from None
    missing = [c for c in ("text", "prediction") if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: not a predictions file: no column {', '.join(missing)} (columns: {', '.join(map(str, frame.columns))})")
    check_prediction_columns(frame, path)  # a confidence of strings, an exact of "False" strings: one line
    frame = frame.reset_index(drop=True)
    frame["text"] = frame["text"].fillna("").astype(str)
    frame["prediction"] = frame["prediction"].fillna("").astype(str)
    if "edit_distance" not in frame.columns:
        frame["edit_distance"] = [Levenshtein.distance(t, p) for t, p in zip(frame["text"], frame["prediction"])]
    if "exact" not in frame.columns:
        frame["exact"] = frame["text"] == frame["prediction"]
    if "length" not in frame.columns:
        frame["length"] = frame["text"].str.len()
    frame["exact"] = frame["exact"].astype(bool)
    return frame


def _overall(frame: pd.DataFrame) -> dict[str, Any]:
    samples, correct = len(frame), int(frame["exact"].sum())
    edits, chars = int(frame["edit_distance"].sum()), int(frame["length"].sum())
    low, high = wilson_interval(correct, samples)
    confidence = float(frame["confidence"].mean()) if "confidence" in frame.columns and samples else math.nan
    return {
        "samples": samples, "correct": correct, "exact": correct / samples if samples else 0.0,
        "exact_low": low, "exact_high": high, "cer": edits / max(1, chars),
        "mean_edit_distance": edits / samples if samples else 0.0, "edits": edits, "chars": chars,
        "mean_confidence": confidence,
    }


@dataclass
class _Grouped:
    table: pd.DataFrame  # one row per group, statistics but no ranking
    rows: dict[tuple[str, ...], np.ndarray]  # group key -> positions of its samples in the frame


def _group(frame: pd.DataFrame, columns: Sequence[GroupColumn], names: Sequence[str]) -> _Grouped:
    keys = pd.DataFrame({name: column.labels for name, column in zip(names, columns)}, index=frame.index)
    keys[_ROW] = np.arange(len(frame))
    for name, column in zip(names, columns):
        if column.kind == "transforms":
            keys = keys.explode(name)
    keys = keys.reset_index(drop=True)
    values = frame.iloc[keys[_ROW].to_numpy()]
    keys[_EXACT] = values["exact"].to_numpy()
    keys[_EDITS] = values["edit_distance"].to_numpy()
    keys[_CHARS] = values["length"].to_numpy()
    keys[_CONFIDENCE] = values["confidence"].to_numpy(dtype=float) if "confidence" in frame.columns else np.nan
    grouped = keys.groupby(list(names), sort=False, dropna=False)
    table = grouped.agg(
        samples=(_ROW, "size"), correct=(_EXACT, "sum"), edits=(_EDITS, "sum"), chars=(_CHARS, "sum"),
        mean_confidence=(_CONFIDENCE, "mean"),
    ).reset_index()
    rows = {_key(k): keys[_ROW].to_numpy()[positions] for k, positions in grouped.indices.items()}
    return _Grouped(table, rows)


def _key(value: Hashable) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, tuple) else (str(value),)


def _rank(table: pd.DataFrame, names: Sequence[str], overall: dict[str, Any], min_samples: int) -> pd.DataFrame:
    table = table.copy()
    table["correct"] = table["correct"].astype(int)
    table["exact_rate"] = table["correct"] / table["samples"]
    intervals = [wilson_interval(c, n) for c, n in zip(table["correct"], table["samples"])]
    table["exact_low"] = [low for low, _ in intervals]
    table["exact_high"] = [high for _, high in intervals]
    table["cer"] = table["edits"] / table["chars"].clip(lower=1)
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


def _worst(frame: pd.DataFrame, rows: np.ndarray, limit: int) -> pd.DataFrame:
    picked = frame.iloc[rows]
    picked = picked[picked["edit_distance"] > 0]
    order = ["edit_distance"] + (["confidence"] if "confidence" in frame.columns else [])
    return picked.sort_values(order, ascending=[False] + [True] * (len(order) - 1), kind="stable").head(limit)


def _output_names(by: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{name}_group" if name in STAT_COLUMNS else name for name in by)


def most_telling_attribute(frame: pd.DataFrame, min_samples: int) -> str | None:
    """The attribute column (`synthocr.report.attributes`) whose groups of at least `min_samples` samples
    span the widest range of word accuracy (highest minus lowest); None when no attribute
    column has two such groups. Ties go to the first in `ATTRIBUTE_COLUMNS`."""
    best, best_spread = None, -1.0
    for name in ATTRIBUTE_COLUMNS:
        if name not in frame.columns or frame[name].isna().all():
            continue
        labels = group_column(frame[name], name).labels
        rates = frame["exact"].groupby(labels.to_numpy()).agg(["size", "mean"])
        rates = rates[rates["size"] >= min_samples]
        if len(rates) >= 2 and float(rates["mean"].max() - rates["mean"].min()) > best_spread:
            best, best_spread = name, float(rates["mean"].max() - rates["mean"].min())
    return best


def _resolve_by(frame: pd.DataFrame, by: Sequence[str], source: Path, notes: list[str], min_samples: int = 20) -> tuple[str, ...]:
    chosen = (by,) if isinstance(by, str) else tuple(by)
    if not chosen:
        raise UserError("nothing to group by: give at least one column (--by)")
    if len(set(chosen)) != len(chosen):
        raise UserError(f"--by {', '.join(chosen)}: a column is given twice")
    if chosen == DEFAULT_BY and "font" not in frame.columns:
        attribute = most_telling_attribute(frame, min_samples)
        if attribute is not None:
            others = [c for c in ATTRIBUTE_COLUMNS if c in frame.columns and c != attribute]
            notes.append(
                f"no font column (real images carry no font): grouped by {attribute}, the attribute whose groups' "
                f"accuracy differs most; others: {', '.join(others)} (--by)"
            )
            chosen = (attribute,)
        elif FALLBACK_BY[0] in frame.columns:
            notes.append("no font column (real images carry no font): grouped by source instead")
            chosen = FALLBACK_BY
    check_columns(frame, chosen, str(source))
    return chosen


def build_report(
    predictions: Path,
    by: Sequence[str] = DEFAULT_BY,
    out_dir: Path | None = None,
    min_samples: int = 20,
    compare: Path | None = None,
) -> Report:
    """Groups predictions.parquet, writes report.csv, report.parquet, confusions.csv and report.html.

    `out_dir` defaults to a `report` folder beside the predictions file. `by=("font",)` (the
    default, whether passed or not) on predictions without a font column (labels.tsv, MJSynth)
    groups by the image or text attribute whose groups differ most (`most_telling_attribute`),
    or by `source` when the file has no attribute columns, and says so in `Report.notes`. With `compare`, compare.csv holds
    both runs side by side and the HTML and terminal table show them too.
    """
    from synthocr.report.html import render_html

    predictions = Path(predictions)
    frame = read_predictions(predictions)
    notes: list[str] = []
    by = _resolve_by(frame, by, predictions, notes, min_samples)
    other = None
    if compare is not None:
        compare = Path(compare)
        other = read_predictions(compare)
        check_columns(other, by, str(compare))
    names = _output_names(by)
    columns, other_columns = [], []
    for name in by:
        reference = None if other is None else pd.concat([frame[name], other[name]], ignore_index=True)
        columns.append(group_column(frame[name], name, reference))
        if other is not None:
            other_columns.append(group_column(other[name], name, reference))
    for column in columns:
        if column.kind == "buckets":
            notes.append(f"{column.name}: {len(column.order)} quantile buckets ({', '.join(column.order)})")
        elif column.kind == "transforms":
            notes.append(f"{column.name}: one group per transform applied; a sample counts in each of its transforms' groups")

    overall = _overall(frame)
    grouped = _group(frame, columns, names)
    table = _rank(grouped.table, names, overall, min_samples)

    per_row: dict[int, list[Confusion]] = {
        i: confusions(t, p) for i, (t, p, d) in enumerate(zip(frame["text"], frame["prediction"], frame["edit_distance"])) if d
    }
    group_counts: dict[tuple[str, ...], Counter[Confusion]] = {}
    for key, rows in grouped.rows.items():
        counts: Counter[Confusion] = Counter()
        for row in rows:
            counts.update(per_row.get(int(row), ()))
        group_counts[key] = counts
    overall_counts: Counter[Confusion] = Counter()
    for ops in per_row.values():
        overall_counts.update(ops)

    keys = [tuple(str(v) for v in values) for values in table[list(names)].itertuples(index=False)]
    worst = {key: _worst(frame, grouped.rows[key], WORST_EXAMPLES) for key in keys}
    table["top_confusions"] = [summary_text(group_counts[k], TOP_CONFUSIONS) for k in keys]
    table["worst_examples"] = [
        "; ".join(f"{t}→{p}" for t, p in zip(worst[k]["text"], worst[k]["prediction"])) for k in keys
    ]
    table = table[[*names, *STAT_COLUMNS]]

    out_dir = Path(out_dir) if out_dir is not None else predictions.parent / REPORT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    needed = sorted({int(i) for w in worst.values() for i in w.index})
    images = load_images(frame.iloc[needed], predictions.parent) if needed else {}
    examples = {
        key: [
            Example(str(r.text), str(r.prediction), int(r.edit_distance), _confidence(r), images[i])  # type: ignore[arg-type]
            for i, r in zip(w.index, w.itertuples(index=False))
        ]
        for key, w in worst.items()
    }

    report = Report(
        predictions=predictions, by=by, overall=overall, groups=table,
        confusions=_confusion_table(names, keys, group_counts, overall_counts), out_dir=out_dir,
        html_path=out_dir / "report.html", csv_path=out_dir / "report.csv", parquet_path=out_dir / "report.parquet",
        confusions_path=out_dir / "confusions.csv", min_samples=min_samples, group_columns=names, notes=notes,
        examples=examples, overall_confusions=_top(overall_counts),
        group_confusions={k: _top(group_counts[k]) for k in keys},
    )
    if other is not None and compare is not None:
        other_overall = _overall(other)
        other_table = _rank(_group(other, other_columns, names).table, names, other_overall, min_samples)
        report.compare_with = compare
        report.compare = compare_tables(table, other_table, names, min_samples)
        p = two_proportion_p_value(overall["correct"], overall["samples"], other_overall["correct"], other_overall["samples"])
        report.compare_overall = {
            "a": overall, "b": other_overall, "delta": other_overall["exact"] - overall["exact"],
            "p_value": p, "significant": bool(p < ALPHA),
        }
        report.compare_path = out_dir / "compare.csv"
        report.compare.to_csv(report.compare_path, index=False)
    table.to_csv(report.csv_path, index=False)
    table.to_parquet(report.parquet_path, index=False)
    report.confusions.to_csv(report.confusions_path, index=False)
    report.html_path.write_text(render_html(report), encoding="utf-8")
    return report


def _confidence(row: Any) -> float | None:
    value = getattr(row, "confidence", None)
    return None if value is None or pd.isna(value) else float(value)


def _top(counts: Counter[Confusion]) -> list[tuple[Confusion, int]]:
    from synthocr.report.confusions import top_confusions

    return top_confusions(counts, TOP_CONFUSIONS)


def _confusion_table(
    names: Sequence[str], keys: Sequence[tuple[str, ...]], group_counts: dict[tuple[str, ...], Counter[Confusion]],
    overall_counts: Counter[Confusion],
) -> pd.DataFrame:
    """confusions.csv: every confusion of every group (scope `group`) and of all samples (scope `overall`)."""
    rows = []
    scopes = [("overall", ("",) * len(names), overall_counts)] + [("group", k, group_counts[k]) for k in keys]
    for scope, key, counts in scopes:
        total = sum(counts.values())
        for (kind, truth, predicted), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            rows.append({
                "scope": scope, **dict(zip(names, key)), "kind": kind, "truth": truth, "predicted": predicted,
                "confusion": confusion_label((kind, truth, predicted)), "count": n, "share": n / total,
            })
    columns = ["scope", *names, "kind", "truth", "predicted", "confusion", "count", "share"]
    return pd.DataFrame(rows, columns=columns)


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
