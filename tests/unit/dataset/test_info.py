"""synthocr_info.json and the manifests, built from shard results."""

from __future__ import annotations

import io
import json

import pandas as pd

from synthocr.dataset.info import build_info, info_bytes, manifest_bytes, summarise_splits
from synthocr.dataset.schema import INFO_KEYS
from synthocr.dataset.shards import ShardResult, ShardTask, ShardWriter


def _result(split: str, index: int, fonts: dict[str, int], skips: dict[str, int]) -> ShardResult:
    n = sum(fonts.values())
    return ShardResult(ShardTask(split, index, 2, 0, n), n, fonts, {"synth": n}, skips, [{"id": f"{split}{index}"}])


def test_splits_add_up_in_split_order() -> None:
    results = [_result("val", 0, {"A": 1}, {}), _result("train", 0, {"A": 2}, {"cut": 1}), _result("train", 1, {"B": 1}, {"cut": 2})]
    splits = summarise_splits(results, "d")
    assert list(splits) == ["train", "val"]
    assert splits["train"].entry == {"count": 3, "shards": [{"file": "d-train.tfrecord-00000-of-00002", "count": 2},
                                                            {"file": "d-train.tfrecord-00001-of-00002", "count": 1}]}
    assert (splits["train"].fonts, splits["train"].skips, [r["id"] for r in splits["train"].rows]) == ({"A": 2, "B": 1}, {"cut": 3}, ["train0", "train1"])


def test_the_info_lists_its_keys_in_order_and_sums_the_skips(writer: ShardWriter) -> None:
    splits = summarise_splits([_result("train", 0, {"A": 2}, {"cut": 1}), _result("val", 0, {"A": 1}, {"cut": 2, "dim": 1})], "tiny")
    info = build_info(writer.recipe, writer.factory.fonts, splits, "report.csv")
    assert tuple(info) == INFO_KEYS
    assert info["skipped"] == {"cut": 3, "dim": 1} and info["skipped_by_split"]["val"] == {"cut": 2, "dim": 1}
    assert info["features"]["image/encoded"] == "bytes" and info["features"]["seed"] == "int64"
    assert set(info["font_weights"]) == {f["id"] for f in info["font_catalogue"]} and info["font_weights_from"] == "report.csv"
    assert json.loads(info_bytes(info)) == info and info_bytes(info).endswith(b"}\n")


def test_a_manifest_reads_back_as_its_rows() -> None:
    rows = [{"id": "a", "text": "word", "seed": 1}, {"id": "b", "text": "Straße", "seed": 2}]
    assert pd.read_parquet(io.BytesIO(manifest_bytes(rows))).to_dict("records") == rows
