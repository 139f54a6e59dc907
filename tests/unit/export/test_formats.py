"""File names the other frameworks expect: PaddleOCR label files, Hugging Face Parquet shards."""

from __future__ import annotations

import pytest

from synthocr.export.hf_format import shard_file
from synthocr.export.paddle_format import labels_file


def test_paddle_label_files_are_named_per_split() -> None:
    assert [labels_file(s) for s in ("train", "val", "test")] == ["rec_gt_train.txt", "rec_gt_val.txt", "rec_gt_test.txt"]


def test_hf_shards_follow_the_split_index_of_count_pattern() -> None:
    assert shard_file("val", 3, 12) == "val-00003-of-00012.parquet"


def test_every_format_has_a_writer_and_an_unknown_one_is_one_line() -> None:
    from synthocr.errors import UserError
    from synthocr.export.common import FORMATS
    from synthocr.export.dataset_export import format_writer

    for name in FORMATS:
        writer = format_writer(name)
        assert callable(writer.require) and callable(writer.write_split)
        assert writer.__name__ == f"synthocr.export.{name}_format"
    with pytest.raises(UserError, match="format 'tar': unknown; choose one of lmdb, paddle, hf"):
        format_writer("tar")
