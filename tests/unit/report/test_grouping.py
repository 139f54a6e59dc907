"""report/grouping.py: values kept, integer and float buckets, transforms, missing values."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from synthocr.errors import UserError
from synthocr.report import grouping
from synthocr.report.grouping import check_columns, float_buckets, group_column, integer_buckets, transforms


def test_doctests() -> None:
    result = doctest.testmod(grouping)
    assert result.failed == 0 and result.attempted > 0


def test_integer_buckets_of_a_numeric_column() -> None:
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    labels, order = integer_buckets(values, buckets=3)
    assert order == ("1–6", "7–12", "13–18")
    assert labels.value_counts().to_dict() == {"1–6": 6, "7–12": 6, "13–18": 6}
    column = group_column(values, "length")
    assert column.kind == "buckets" and len(column.order) == 6 and column.order[0] == "1–3"
    few = group_column(pd.Series([3, 4, 5, 3]), "length")  # few distinct integers stay as they are
    assert few.kind == "values" and few.labels.tolist() == ["3", "4", "5", "3"]


def test_float_buckets_and_missing_values() -> None:
    values = pd.Series([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, None])
    labels, order = float_buckets(values, buckets=2)
    assert order == ("-2 to 0", "0 to 2")
    assert labels.tolist() == ["-2 to 0"] * 4 + ["0 to 2"] * 5 + ["(missing)"]


def test_transform_columns_and_empty_values() -> None:
    column = group_column(pd.Series(["GaussNoise+MotionBlur", "", None]), "augment")
    assert column.kind == "transforms" and column.labels.tolist() == [["GaussNoise", "MotionBlur"], ["(none)"], ["(missing)"]]
    assert transforms("A + B") == ["A", "B"]
    plain = group_column(pd.Series(["x", " ", None]), "font")
    assert plain.kind == "values" and plain.labels.tolist() == ["x", "(none)", "(missing)"]


def test_unknown_columns_name_what_is_there() -> None:
    with pytest.raises(UserError, match=r"^p.parquet: no column 'colour' to group by; available: text, font$"):
        check_columns(pd.DataFrame({"text": [], "font": []}), ["font", "colour"], "p.parquet")
