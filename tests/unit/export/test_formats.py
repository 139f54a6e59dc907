"""File names the other frameworks expect: PaddleOCR label files, Hugging Face Parquet shards."""

from __future__ import annotations

from synthocr.export.hf_format import shard_file
from synthocr.export.paddle_format import labels_file


def test_paddle_label_files_are_named_per_split() -> None:
    assert [labels_file(s) for s in ("train", "val", "test")] == ["rec_gt_train.txt", "rec_gt_val.txt", "rec_gt_test.txt"]


def test_hf_shards_follow_the_split_index_of_count_pattern() -> None:
    assert shard_file("val", 3, 12) == "val-00003-of-00012.parquet"
