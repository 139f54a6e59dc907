"""The column types of a predictions file, checked once where a report reads it.

A `confidence` of strings or an `exact` of the strings "False" (true, as any non-empty string)
would give a report that looks right and is wrong; such a file is refused in one line instead.
Columns that are absent are not checked (the report fills in what it can).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.api import types

from synthocr.errors import UserError

# The columns `evaluate` writes whose type the report relies on, by kind.
COLUMN_KINDS = {
    "confidence": "number",
    "cer": "number",
    "edit_distance": "integer",
    "length": "integer",
    "record_index": "integer",
    "exact": "boolean",
    "caseless": "boolean",
    "benchmark": "boolean",
}


def _fits(column: pd.Series, kind: str) -> bool:
    values = column.dropna()
    if values.empty:
        return True
    if kind == "boolean":
        return types.is_bool_dtype(values) or all(isinstance(v, bool) for v in values)
    if types.is_bool_dtype(values) or not types.is_numeric_dtype(values):
        return False
    return kind == "number" or bool((values == values.round()).all())


def check_prediction_columns(frame: pd.DataFrame, path: str | Path) -> None:
    """Raises a UserError naming the first column whose values are not of its kind.

    >>> check_prediction_columns(pd.DataFrame({"confidence": [0.9, None], "exact": [True, False]}), "p.parquet")
    >>> check_prediction_columns(pd.DataFrame({"exact": ["False", "True"]}), "p.parquet")
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: p.parquet: column 'exact' should hold booleans, but holds str values such as 'False'
    """
    for name, kind in COLUMN_KINDS.items():
        if name not in frame.columns or _fits(frame[name], kind):
            continue
        values = frame[name].dropna()
        if kind == "boolean":
            odd = next(v for v in values if not isinstance(v, bool))
        else:
            odd = next((v for v in values if isinstance(v, (bool, str)) or not isinstance(v, (int, float))), values.iloc[0])
        odd = odd.item() if hasattr(odd, "item") else odd  # a numpy scalar, shown as a plain value
        expected = {"boolean": "booleans", "number": "numbers", "integer": "whole numbers"}[kind]
        raise UserError(
            f"{path}: column {name!r} should hold {expected}, but holds {type(odd).__name__} values such as {odd!r}"
        )
