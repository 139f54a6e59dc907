"""training/evaluate.py without a model: a row's columns follow the schema; meta flattened; bad data named."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.dataset.records import Record
from synthocr.errors import UserError
from synthocr.predictions import COLUMN_NAMES
from synthocr.report.attributes import ATTRIBUTE_COLUMNS
from synthocr.training.decode import Decoded
from synthocr.training.evaluate import EvalRequest, _data_charset_and_samples, _row, _Sample, flatten_meta


def test_flatten_meta() -> None:
    meta = {"augment": ["GaussNoise", "MotionBlur"], "text": "x", "style": {"b": 1, "a": 2}, "skew": 1.5}
    assert flatten_meta(meta, {"text"}) == {
        "augment": "GaussNoise+MotionBlur", "meta_text": "x", "style": '{"a": 2, "b": 1}', "skew": 1.5,
    }


def test_a_row_has_the_schema_columns_then_the_attributes_then_the_meta() -> None:
    record = Record(id="s1", text="Hello", image=b"not an image", font="Arial.ttf", source="words", image_format="png",
                    height=32, width=100, seed=7,
                    meta={"skew": 2.0, "font": "clash"})
    row = _row(_Sample(record, "/d/x.tfrecord", 3, None), Decoded("hella", 0.5), "/d")
    names = list(row)
    assert tuple(names[: len(COLUMN_NAMES)]) == COLUMN_NAMES
    assert names[len(COLUMN_NAMES):len(COLUMN_NAMES) + len(ATTRIBUTE_COLUMNS)] == list(ATTRIBUTE_COLUMNS)
    assert names[-2:] == ["skew", "meta_font"]
    assert (row["edit_distance"], row["cer"], row["exact"], row["caseless"], row["benchmark"], row["length"]) == (
        2, 0.4, False, False, False, 5)
    assert (row["shard"], row["record_index"], row["image_path"], row["data"]) == ("/d/x.tfrecord", 3, None, "/d")
    turned = list(_row(_Sample(record, "/d/x.tfrecord", 3, None), Decoded("hella", 0.5), "/d", turn=-21))
    assert turned[: len(COLUMN_NAMES) + 1] == [*COLUMN_NAMES, "turn"] and turned[len(COLUMN_NAMES) + 1:] == names[len(COLUMN_NAMES):]
    corrected = _row(_Sample(record, "/d/x.tfrecord", 3, None), Decoded("Hello", 0.4, raw="hella"), "/d", turn=0, lexicon=True)
    assert list(corrected)[len(COLUMN_NAMES): len(COLUMN_NAMES) + 2] == ["turn", "raw_prediction"]
    assert (corrected["prediction"], corrected["raw_prediction"], corrected["exact"]) == ("Hello", "hella", True)
    kept = _row(_Sample(record, "/d/x.tfrecord", 3, None), Decoded("hella", 0.5), "/d", lexicon=True)
    assert kept["raw_prediction"] == kept["prediction"] == "hella"


def test_a_split_without_shards_names_the_parameter(tmp_path: Path) -> None:
    from tests.integration.train_fixtures import write_dataset

    data = write_dataset(tmp_path / "data", {"train": 2}, shards=1)
    request = EvalRequest(model=tmp_path / "m.keras", data=data, out=tmp_path / "p.parquet", split="test")
    with pytest.raises(UserError) as caught:
        _data_charset_and_samples(request, Counter())
    assert str(caught.value) == f"{data}: no shards for split 'test' (EvalRequest.split)"
    assert caught.value.spelled(FLAG_NAMES) == f"{data}: no shards for split 'test' (--split)"
