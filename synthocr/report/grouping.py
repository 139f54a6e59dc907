"""How a predictions column becomes group labels: kept as is, bucketed into ranges, or split per transform.

- A numeric column with more than `MAX_DISTINCT` distinct values (text length, skew, confidence)
  is cut at its quantiles into at most `BUCKETS` ranges of similar size, labelled `4–6` (integers,
  both ends included) or `0.5–1.2` (floats, lower end included; `-1.8 to -0.6` when negative). Quantiles rather than fixed
  widths: every bucket gets enough samples to say something, whatever the distribution.
- Integer, boolean and text columns with few values stay as they are.
- An augmentation column (its name starts with `augment`) holds the transforms applied joined
  with '+', e.g. `GaussNoise+MotionBlur`: each transform is its own group and a sample counts in
  the group of every transform applied to it (so group sizes add up to more than the samples);
  a sample with none applied is in `(none)`.
- Missing values form the group `(missing)`; an empty string `(none)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from synthocr.errors import UserError

MAX_DISTINCT = 12
BUCKETS = 6
MISSING = "(missing)"
EMPTY = "(none)"
EXPLODE_PREFIX = "augment"


@dataclass(frozen=True)
class GroupColumn:
    """One grouping column and how its values were turned into labels."""

    name: str
    kind: str  # "values" | "buckets" | "transforms"
    labels: pd.Series  # one label per row; a list of labels per row when kind == "transforms"
    order: tuple[str, ...]  # bucket labels low to high (empty unless kind == "buckets")


def check_columns(frame: pd.DataFrame, by: Sequence[str], source: str) -> None:
    """A UserError of one line naming the unknown columns and every available one."""
    unknown = [c for c in by if c not in frame.columns]
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        raise UserError(f"{source}: no column {names} to group by; available: {', '.join(map(str, frame.columns))}")


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _format_number(value: float, digits: int) -> str:
    return f"{value:.{digits}g}"


def integer_buckets(values: pd.Series, reference: pd.Series | None = None, buckets: int = BUCKETS) -> tuple[pd.Series, tuple[str, ...]]:
    """Integer ranges cut at the quantiles of `reference` (default: the values), both ends included.

    >>> labels, order = integer_buckets(pd.Series(range(1, 13)), buckets=3)
    >>> order
    ('1–4', '5–8', '9–12')
    >>> list(labels[:5])
    ['1–4', '1–4', '1–4', '1–4', '5–8']
    """
    present = (values if reference is None else reference).dropna().astype("int64")
    if not len(present):
        return values.map(lambda v: MISSING).astype(object), ()
    cuts = np.quantile(present, np.linspace(0, 1, buckets + 1)[1:-1], method="lower")
    ranges, low = [], int(present.min())
    for cut in sorted({int(c) for c in cuts}):
        if cut >= low:
            ranges.append((low, cut))
            low = cut + 1
    if low <= int(present.max()):
        ranges.append((low, int(present.max())))
    names = tuple(f"{a}–{b}" if a != b else f"{a}" for a, b in ranges)
    uppers = np.array([b for _, b in ranges])

    def label(value: float) -> str:
        if pd.isna(value):
            return MISSING
        return names[min(len(names) - 1, int(np.searchsorted(uppers, int(value))))]

    return values.map(label).astype(object), names


def float_buckets(values: pd.Series, reference: pd.Series | None = None, buckets: int = BUCKETS) -> tuple[pd.Series, tuple[str, ...]]:
    """Ranges [a, b) cut at the quantiles of `reference` (the last one closed), labelled with as few digits as keep them apart.

    >>> labels, order = float_buckets(pd.Series([0.1 * i for i in range(20)]), buckets=2)
    >>> order
    ('0–0.95', '0.95–1.9')
    """
    present = (values if reference is None else reference).dropna().astype(float)
    if not len(present):
        return values.map(lambda v: MISSING).astype(object), ()
    edges = np.unique(np.quantile(present, np.linspace(0, 1, buckets + 1)))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    for digits in range(2, 10):
        text = [_format_number(e, digits) for e in edges]
        if len(set(text)) == len(text):
            break
    joiner = " to " if edges[0] < 0 else "–"  # `-1.4–-0.67` reads badly
    names = tuple(f"{a}{joiner}{b}" for a, b in pairwise(text))
    inner = edges[1:-1]

    def label(value: float) -> str:
        if pd.isna(value):
            return MISSING
        return names[int(np.searchsorted(inner, value, side="right"))]

    return values.map(label).astype(object), names


def _plain_label(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING
    text = str(value)
    return text if text.strip() else EMPTY


def transforms(value: object) -> list[str]:
    """The transforms of one augmentation cell, each its own label.

    >>> transforms("GaussNoise+MotionBlur"), transforms(""), transforms(None)
    (['GaussNoise', 'MotionBlur'], ['(none)'], ['(missing)'])
    """
    label = _plain_label(value)
    if label in (MISSING, EMPTY):
        return [label]
    parts = [p.strip() for p in label.split("+") if p.strip()]
    return parts or [EMPTY]


def group_column(values: pd.Series, name: str, reference: pd.Series | None = None) -> GroupColumn:
    """Labels for one column; `reference` (e.g. both runs of a comparison) sets the bucket edges."""
    basis = values if reference is None else reference
    if name.startswith(EXPLODE_PREFIX) and not _is_numeric(values):
        return GroupColumn(name, "transforms", values.map(transforms), ())
    if _is_numeric(values) and basis.nunique(dropna=True) > MAX_DISTINCT:
        integer = pd.api.types.is_integer_dtype(basis) or bool((basis.dropna() % 1 == 0).all())
        labels, order = (integer_buckets if integer else float_buckets)(values, basis)
        return GroupColumn(name, "buckets", labels, order)
    return GroupColumn(name, "values", values.map(_plain_label).astype(object), ())
