"""The error report of a predictions.parquet: per-group word accuracy, CER, confusions, worst examples, files.

Definitions, per group and overall (`synthocr.report.tables`):
- word accuracy (`exact_rate`): share of samples whose prediction equals the text exactly, with
  its 95% Wilson interval (`exact_low`, `exact_high`);
- `cer`: total edit distance / total characters of the texts (`synthocr.metrics.corpus_cer`);
- `mean_edit_distance`: edit distance averaged over samples;
- confusions: the edit operations of every misread (see `synthocr.report.confusions`);
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

`compute_report` works all of it out; `write_report` writes the files; `build_report` does both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from synthocr.errors import UserError
from synthocr.predictions import CONFIDENCE, EDIT_DISTANCE, EXACT, FONT, PREDICTION, SOURCE, TEXT
from synthocr.report.attributes import ATTRIBUTE_COLUMNS
from synthocr.report.confusions import Confusion, confusion_table, group_confusions, summary_text, top_confusions
from synthocr.report.grouping import GroupColumn, check_columns, group_column
from synthocr.report.html import render_html
from synthocr.report.images import load_images
from synthocr.report.predictions_check import read_predictions
from synthocr.report.result import (
    COMPARE_CSV,
    CONFUSIONS_CSV,
    REPORT_CSV,
    REPORT_DIR,
    REPORT_HTML,
    REPORT_PARQUET,
    Example,
    Report,
)
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

DEFAULT_BY = (FONT,)
FALLBACK_BY = (SOURCE,)
MIN_SAMPLES = 20
WORST_EXAMPLES = 6
TOP_CONFUSIONS = 5


def most_telling_attribute(frame: pd.DataFrame, min_samples: int) -> str | None:
    """The attribute column (`synthocr.report.attributes`) whose groups of at least `min_samples` samples
    span the widest range of word accuracy (highest minus lowest); None when no attribute
    column has two such groups. Ties go to the first in `ATTRIBUTE_COLUMNS`."""
    best, best_spread = None, -1.0
    for name in ATTRIBUTE_COLUMNS:
        if name not in frame.columns or frame[name].isna().all():
            continue
        labels = group_column(frame[name], name).labels
        rates = frame[EXACT].groupby(labels.to_numpy()).agg(["size", "mean"])
        rates = rates[rates["size"] >= min_samples]
        if len(rates) >= 2 and float(rates["mean"].max() - rates["mean"].min()) > best_spread:
            best, best_spread = name, float(rates["mean"].max() - rates["mean"].min())
    return best


def resolve_by(
    frame: pd.DataFrame, by: Sequence[str] | str | None, source: Path, notes: list[str], min_samples: int = MIN_SAMPLES
) -> tuple[str, ...]:
    """The columns to group by: `by`, or for None the default (`DEFAULT_BY`, and without a font
    column the most telling attribute, else `source`), each checked to exist."""
    chosen = DEFAULT_BY if by is None else (by,) if isinstance(by, str) else tuple(by)
    if not chosen:
        raise UserError("by is empty: give at least one column to group by")
    if len(set(chosen)) != len(chosen):
        raise UserError(f"by {', '.join(chosen)}: a column is given twice", params=("by",))
    if chosen == DEFAULT_BY and FONT not in frame.columns:
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


@dataclass
class _Side:
    """One predictions file being reported on: its rows and their group labels."""

    path: Path
    frame: pd.DataFrame
    columns: list[GroupColumn]


def _sides(frame: pd.DataFrame, path: Path, by: tuple[str, ...], compare: Path | None) -> tuple[_Side, _Side | None]:
    """The predictions and the compared ones, labelled alike (bucket edges from both files)."""
    other = None if compare is None else read_predictions(compare)
    if other is not None:
        check_columns(other, by, str(compare))
    main = _Side(path, frame, [])
    second = None if other is None or compare is None else _Side(compare, other, [])
    for name in by:
        reference = None if other is None else pd.concat([frame[name], other[name]], ignore_index=True)
        for side in (main, second):
            if side is not None:
                side.columns.append(group_column(side.frame[name], name, reference))
    return main, second


def _grouping_notes(columns: Sequence[GroupColumn]) -> list[str]:
    notes = []
    for column in columns:
        if column.kind == "buckets":
            notes.append(f"{column.name}: {len(column.order)} quantile buckets ({', '.join(column.order)})")
        elif column.kind == "transforms":
            notes.append(f"{column.name}: one group per transform applied; a sample counts in each of its transforms' groups")
    return notes


def _confidence(row: Any) -> float | None:
    value = getattr(row, CONFIDENCE, None)
    return None if value is None or pd.isna(value) else float(value)


def _examples(frame: pd.DataFrame, worst: dict[tuple[str, ...], pd.DataFrame], predictions_dir: Path) -> dict[tuple[str, ...], list[Example]]:
    """The worst misreads of every group with their thumbnails; each image read once."""
    needed = sorted({int(i) for w in worst.values() for i in w.index})
    images = load_images(frame.iloc[needed], predictions_dir) if needed else {}
    return {
        key: [
            Example(str(r.text), str(r.prediction), int(r.edit_distance), _confidence(r), images[i])  # type: ignore[arg-type]
            for i, r in zip(w.index, w.itertuples(index=False))
        ]
        for key, w in worst.items()
    }


def _top(counts: dict[tuple[str, ...], Counter[Confusion]]) -> dict[tuple[str, ...], list[tuple[Confusion, int]]]:
    return {key: top_confusions(c, TOP_CONFUSIONS) for key, c in counts.items()}


def _paths(out_dir: Path) -> dict[str, Path]:
    return {
        "out_dir": out_dir, "html_path": out_dir / REPORT_HTML, "csv_path": out_dir / REPORT_CSV,
        "parquet_path": out_dir / REPORT_PARQUET, "confusions_path": out_dir / CONFUSIONS_CSV,
    }


def compute_report(
    predictions: Path, by: Sequence[str] | str | None = None, out_dir: Path | None = None,
    min_samples: int = MIN_SAMPLES, compare: Path | None = None,
) -> Report:
    """Everything `build_report` writes, computed and held in a `Report`; nothing is written."""
    predictions = Path(predictions)
    frame = read_predictions(predictions)
    notes: list[str] = []
    chosen = resolve_by(frame, by, predictions, notes, min_samples)
    main, other = _sides(frame, predictions, chosen, None if compare is None else Path(compare))
    notes += _grouping_notes(main.columns)
    names = output_names(chosen)
    overall = overall_stats(frame)
    grouped = group_stats(frame, main.columns, names)
    table = rank_groups(grouped.table, names, overall, min_samples)
    by_group, overall_counts = group_confusions(frame[TEXT], frame[PREDICTION], frame[EDIT_DISTANCE], grouped.rows)
    keys = [tuple(str(v) for v in values) for values in table[list(names)].itertuples(index=False)]
    worst = {key: worst_misreads(frame, grouped.rows[key], WORST_EXAMPLES) for key in keys}
    table["top_confusions"] = [summary_text(by_group[k], TOP_CONFUSIONS) for k in keys]
    table["worst_examples"] = ["; ".join(f"{t}→{p}" for t, p in zip(worst[k][TEXT], worst[k][PREDICTION])) for k in keys]
    table = table[[*names, *STAT_COLUMNS]]
    out_dir = Path(out_dir) if out_dir is not None else predictions.parent / REPORT_DIR
    report = Report(
        predictions=predictions, by=chosen, overall=overall, groups=table,
        confusions=confusion_table(names, keys, by_group, overall_counts), **_paths(out_dir),
        min_samples=min_samples, group_columns=names, notes=notes, examples=_examples(frame, worst, predictions.parent),
        overall_confusions=top_confusions(overall_counts, TOP_CONFUSIONS), group_confusions=_top({k: by_group[k] for k in keys}),
    )
    if other is not None:
        other_overall = overall_stats(other.frame)
        other_table = rank_groups(group_stats(other.frame, other.columns, names).table, names, other_overall, min_samples)
        report.compare_with = other.path
        report.compare = compare_tables(table, other_table, names, min_samples)
        report.compare_overall = compare_overall(overall, other_overall)
        report.compare_path = out_dir / COMPARE_CSV
    return report


def write_report(report: Report) -> Report:
    """Writes report.csv, report.parquet, confusions.csv, report.html (and compare.csv) into `report.out_dir`."""
    report.out_dir.mkdir(parents=True, exist_ok=True)
    if report.compare is not None and report.compare_path is not None:
        report.compare.to_csv(report.compare_path, index=False)
    report.groups.to_csv(report.csv_path, index=False)
    report.groups.to_parquet(report.parquet_path, index=False)
    report.confusions.to_csv(report.confusions_path, index=False)
    report.html_path.write_text(render_html(report), encoding="utf-8")
    return report


def build_report(
    predictions: Path, by: Sequence[str] | str | None = None, out_dir: Path | None = None,
    min_samples: int = MIN_SAMPLES, compare: Path | None = None,
) -> Report:
    """Groups predictions.parquet, writes report.csv, report.parquet, confusions.csv and report.html.

    `out_dir` defaults to a `report` folder beside the predictions file. `by=None` (the default)
    groups by font, or, on predictions without a font column (labels.tsv, MJSynth), by the
    image or text attribute whose groups differ most (`most_telling_attribute`), or by `source`
    when the file has no attribute columns, and says so in `Report.notes`; `by=("font",)` does
    the same. With `compare`, compare.csv holds both runs side by side and the HTML and
    terminal table show them too.
    """
    return write_report(compute_report(predictions, by, out_dir, min_samples, compare))
