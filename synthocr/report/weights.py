"""Sampling factors from a report.csv: the loop from `synthocr report` back to `synthocr generate --weights-from`.

A group's factor is its word error rate over the mean error rate of the groups counted (each
group once, unweighted by size, since the factors multiply per-font weights), held between
`FLOOR` and `CAP`:

    factor = clip((1 - exact_rate) / mean(1 - exact_rate), FLOOR, CAP)

so a font read twice as badly as the average is drawn twice as often, a font read perfectly is
still drawn half as often as before (FLOOR = 0.5: the model must not forget it), and no font
takes over the dataset (CAP = 4.0). Groups the report did not rank (fewer samples than its
--min-samples; `min_samples` here for a report.csv without a `ranked` column) get factor 1 and
do not count in the mean, and every group gets 1 when no counted group has errors (nothing to
steer by).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from synthocr.errors import UserError

if TYPE_CHECKING:
    from synthocr.recipe import Recipe

FLOOR = 0.5
CAP = 4.0
MIN_SAMPLES = 20
REQUIRED = ("samples", "exact_rate")


def read_report_csv(path: Path) -> tuple[list[str], pd.DataFrame]:
    """(grouping columns, table) of a report.csv; the grouping columns are those before `samples`."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such report file")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: not a report.csv from `synthocr report` ({type(err).__name__})") from None
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise UserError(
            f"{path}: not a report.csv from `synthocr report`: no column {', '.join(missing)} "
            f"(columns: {', '.join(table.columns)})"
        )
    by = list(table.columns[: list(table.columns).index("samples")])
    if not by:
        raise UserError(f"{path}: not a report.csv from `synthocr report`: no grouping column before 'samples'")
    return by, table


def _numbers(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce")
    if values.isna().any():
        row = int(values.isna().to_numpy().argmax())
        raise UserError(f"{path}: column {column!r} row {row + 2}: expected a number, got {table[column].iloc[row]!r}")
    return values


def error_factors(
    errors: dict[str, float], counted: set[str] | None = None, floor: float = FLOOR, cap: float = CAP
) -> dict[str, float]:
    """Factor per group from its error rate: rate over the mean rate of the counted groups, clipped.

    >>> error_factors({"a": 0.1, "b": 0.3, "c": 0.8, "d": 0.0})
    {'a': 0.5, 'b': 1.0, 'c': 2.6667, 'd': 0.5}
    """
    counted = set(errors) if counted is None else counted
    rates = [errors[g] for g in errors if g in counted]
    mean = sum(rates) / len(rates) if rates else 0.0
    out = {}
    for group, rate in errors.items():
        if group not in counted or mean <= 0:
            out[group] = 1.0
        else:
            out[group] = round(min(cap, max(floor, rate / mean)), 4)
    return out


def weights_from_report(path: Path, min_samples: int = MIN_SAMPLES) -> tuple[str, dict[str, float]]:
    """(the grouping column, {group value: factor}) from a report.csv written by `synthocr report`.

    A report grouped by several columns (nested) is refused: its factors would not map to one
    recipe weight. `min_samples` applies only to a report.csv without a `ranked` column.
    """
    path = Path(path)
    by, table = read_report_csv(path)
    if len(by) > 1:
        raise UserError(
            f"{path}: grouped by {' and '.join(by)} (nested); report_csv needs a report grouped by one column, "
            f"e.g. `synthocr report PREDICTIONS --by font`", params=("report_csv",)
        )
    column = by[0]
    samples = _numbers(table, "samples", path)
    rates = _numbers(table, "exact_rate", path)
    if "ranked" in table.columns:  # the report's own --min-samples decided
        counted_rows = table["ranked"].str.lower().eq("true")
    else:
        counted_rows = samples >= min_samples
    groups = table[column].tolist()
    if len(set(groups)) != len(groups):
        raise UserError(f"{path}: column {column!r} lists a group twice; not a report grouped by {column!r}")
    errors = {g: 1.0 - float(r) for g, r in zip(groups, rates)}
    counted = {g for g, ok in zip(groups, counted_rows) if ok}
    return column, error_factors(errors, counted)


def font_weights_from_report(recipe: Recipe, report_csv: Path) -> dict[str, float]:
    """Every font's weight for a recipe steered by a report.csv grouped by font: the recipe's own
    weight (by font id, else by category, else 1) times the report's factor for the font."""
    from synthocr.synth.fonts import discover_fonts

    column, factors = weights_from_report(report_csv)
    if column != "font":
        raise UserError(
            f"{report_csv}: grouped by {column!r}; report_csv can weight fonts (a report by=font)",
            params=("report_csv", "by=font"),
        )
    base = recipe.fonts.weights
    weights = {}
    for font in discover_fonts(recipe.fonts, recipe.source):
        w = base.get(font.id, base.get(f"category:{font.category}", 1.0))
        weights[font.id] = round(w * factors.get(font.id, 1.0), 6)
    return weights
