"""Reading a predictions.parquet for a report: opened, its column types checked once, missing scores filled in.

A `confidence` of strings or an `exact` of the strings "False" (true, as any non-empty string)
would give a report that looks right and is wrong; such a file is refused in one line instead.
The kinds are those `synthocr.predictions.PREDICTION_COLUMNS` declares; columns that are absent
are not checked (the report fills in what it can).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.api import types

from synthocr.errors import UserError
from synthocr.metrics import edit_distance, exact_match
from synthocr.predictions import EDIT_DISTANCE, EXACT, LENGTH, PREDICTION, PREDICTION_COLUMNS, REQUIRED, TEXT

_CHECKED_KINDS = ("number", "integer", "boolean")  # the order the columns are checked in; strings are not
# The columns whose type the report relies on, by kind.
COLUMN_KINDS = {
    column.name: column.dtype
    for column in sorted(PREDICTION_COLUMNS, key=lambda c: _CHECKED_KINDS.index(c.dtype) if c.dtype in _CHECKED_KINDS else -1)
    if column.dtype in _CHECKED_KINDS
}
_EXPECTED = {"boolean": "booleans", "number": "numbers", "integer": "whole numbers"}


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
        raise UserError(
            f"{path}: column {name!r} should hold {_EXPECTED[kind]}, but holds {type(odd).__name__} values such as {odd!r}"
        )


def open_predictions(path: Path) -> pd.DataFrame:
    """The parquet file as it is; a UserError when it does not exist or is no parquet file."""
    if not path.is_file():
        raise UserError(f"{path}: no such predictions file")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError, its IO errors OSErrors
        raise UserError(f"{path}: not a parquet file ({type(err).__name__}: {err})") from None


def read_predictions(path: Path) -> pd.DataFrame:
    """predictions.parquet checked, with `edit_distance`, `exact` and `length` filled in where absent."""
    frame = open_predictions(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: not a predictions file: no column {', '.join(missing)} (columns: {', '.join(map(str, frame.columns))})")
    check_prediction_columns(frame, path)  # a confidence of strings, an exact of "False" strings: one line
    frame = frame.reset_index(drop=True)
    frame[TEXT] = frame[TEXT].fillna("").astype(str)
    frame[PREDICTION] = frame[PREDICTION].fillna("").astype(str)
    pairs = list(zip(frame[TEXT], frame[PREDICTION]))
    if EDIT_DISTANCE not in frame.columns:
        frame[EDIT_DISTANCE] = [edit_distance(t, p) for t, p in pairs]
    if EXACT not in frame.columns:
        frame[EXACT] = [exact_match(t, p) for t, p in pairs]
    if LENGTH not in frame.columns:
        frame[LENGTH] = frame[TEXT].str.len()
    frame[EXACT] = frame[EXACT].astype(bool)
    return frame
