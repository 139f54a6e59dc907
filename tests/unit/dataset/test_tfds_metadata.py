"""TFDS's metadata files for our info: every feature key nested by its '/', one split entry per split."""

from __future__ import annotations

import json
from pathlib import Path

from synthocr.dataset.records import BYTES_KEYS, INT64_KEYS, KEY_IMAGE
from synthocr.dataset.tfds_metadata import TFDS_FEATURES, TFDS_INFO, tfds_dataset_info, tfds_features, write_tfds_metadata

INFO = {"name": "d", "synthocr_version": "1.2", "splits": {
    "train": {"count": 3, "shards": [{"file": "d-train.tfrecord-00000-of-00002", "count": 2},
                                     {"file": "d-train.tfrecord-00001-of-00002", "count": 1}]},
    "val": {"count": 1, "shards": [{"file": "d-val.tfrecord-00000-of-00001", "count": 1}]}}}


def _leaves(node: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in node["featuresDict"]["features"].items():
        if "featuresDict" in value:
            out.update(_leaves(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value["pythonClassName"].rsplit(".", 1)[-1]
    return out


def test_every_feature_key_is_a_tfds_feature() -> None:
    leaves = _leaves(tfds_features())
    assert set(leaves) == set(BYTES_KEYS) | set(INT64_KEYS)
    assert leaves[KEY_IMAGE] == "Image" and leaves["text"] == "Text" and leaves["seed"] == "Scalar"


def test_split_entries_follow_the_info(tmp_path: Path) -> None:
    tfds = tfds_dataset_info(INFO)
    assert [(s["name"], s["shardLengths"]) for s in tfds["splits"]] == [("train", ["2", "1"]), ("val", ["1"])]
    assert tfds["description"] == "synthocr dataset 'd' (synthocr 1.2)"
    write_tfds_metadata(str(tmp_path), INFO)
    assert json.loads((tmp_path / TFDS_INFO).read_text()) == tfds
    assert json.loads((tmp_path / TFDS_FEATURES).read_text()) == tfds_features()
