"""report/predictions_check.py: a predictions file opened, its column types checked, missing scores filled in."""

from __future__ import annotations

import doctest
from pathlib import Path

import pandas as pd
import pytest

from synthocr.errors import UserError
from synthocr.report import predictions_check
from synthocr.report.predictions_check import COLUMN_KINDS, check_prediction_columns, open_predictions, read_predictions


def test_doctests() -> None:
    result = doctest.testmod(predictions_check)
    assert result.failed == 0 and result.attempted > 0


def test_kinds_come_from_the_schema_numbers_then_integers_then_booleans() -> None:
    assert COLUMN_KINDS == {
        "confidence": "number", "cer": "number", "edit_distance": "integer", "length": "integer",
        "record_index": "integer", "exact": "boolean", "caseless": "boolean", "benchmark": "boolean",
    }
    assert list(COLUMN_KINDS) == ["confidence", "cer", "edit_distance", "length", "record_index", "exact", "caseless", "benchmark"]


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("confidence", ["0.9", "0.1"], "column 'confidence' should hold numbers, but holds str values such as '0.9'"),
        ("edit_distance", [1.5, 2.0], "column 'edit_distance' should hold whole numbers, but holds float values such as 1.5"),
        ("exact", [1, 0], "column 'exact' should hold booleans, but holds int values such as 1"),
        ("length", [True, False], "column 'length' should hold whole numbers, but holds bool values such as True"),
    ],
)
def test_a_column_of_the_wrong_kind_is_one_line(column: str, values: list, message: str) -> None:
    with pytest.raises(UserError, match=f"^p.parquet: {message}$"):
        check_prediction_columns(pd.DataFrame({column: values}), "p.parquet")


def test_columns_of_the_right_kind_pass() -> None:
    frame = pd.DataFrame({"edit_distance": [1.0, None], "record_index": [-1, 3], "benchmark": [True, None], "font": [1, 2]})
    assert check_prediction_columns(frame, "p.parquet") is None


def test_read_fills_in_edit_distance_exact_and_length(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"text": ["hello", None, "ab"], "prediction": ["hallo", "x", "ab"]}).to_parquet(path)
    frame = read_predictions(path)
    assert frame["text"].tolist() == ["hello", "", "ab"]
    assert frame["edit_distance"].tolist() == [1, 1, 0]
    assert frame["exact"].tolist() == [False, False, True] and frame["exact"].dtype == bool
    assert frame["length"].tolist() == [5, 0, 2]


def test_read_keeps_the_scores_a_file_has(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"text": ["a"], "prediction": ["b"], "edit_distance": [7], "exact": [True], "length": [9]}).to_parquet(path)
    frame = read_predictions(path)
    assert frame[["edit_distance", "exact", "length"]].iloc[0].tolist() == [7, True, 9]


def test_files_that_are_not_predictions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such predictions file"):
        open_predictions(tmp_path / "none.parquet")
    (tmp_path / "x.parquet").write_text("not parquet")
    with pytest.raises(UserError, match=r"x.parquet: not a parquet file \("):
        open_predictions(tmp_path / "x.parquet")
    pd.DataFrame({"words": ["a"]}).to_parquet(tmp_path / "w.parquet")
    with pytest.raises(UserError, match=r"not a predictions file: no column text, prediction \(columns: words\)$"):
        read_predictions(tmp_path / "w.parquet")
