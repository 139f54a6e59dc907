"""synthocr/predictions.py: the predictions.parquet columns, declared once, in the order evaluate writes them."""

from __future__ import annotations

import doctest

from synthocr import predictions
from synthocr.predictions import COLUMN_NAMES, COLUMNS, PREDICTION_COLUMNS, REQUIRED


def test_doctests() -> None:
    result = doctest.testmod(predictions)
    assert result.failed == 0 and result.attempted > 0


def test_columns_in_order_with_their_kinds() -> None:
    assert COLUMN_NAMES == (
        "id", "text", "prediction", "confidence", "edit_distance", "cer", "exact", "caseless", "benchmark", "length",
        "font", "source", "image_format", "data", "shard", "record_index", "image_path",
    )
    kinds = {c.name: c.dtype for c in PREDICTION_COLUMNS}
    assert {k for k, v in kinds.items() if v == "boolean"} == {"exact", "caseless", "benchmark"}
    assert {k for k, v in kinds.items() if v == "integer"} == {"edit_distance", "length", "record_index"}
    assert {k for k, v in kinds.items() if v == "number"} == {"confidence", "cer"}
    assert set(kinds.values()) == {"string", "number", "integer", "boolean"}
    assert all(c.meaning for c in PREDICTION_COLUMNS) and COLUMNS["text"].dtype == "string"
    assert REQUIRED == ("text", "prediction")
    assert "turn" not in COLUMN_NAMES and COLUMNS["turn"].dtype == "integer"  # only with evaluate --deskew
