"""TensorFlow Datasets' metadata for a synthocr dataset: `features.json` and TFDS's `dataset_info.json`.

With both beside the shards, `tfds.builder_from_directory(DIR).as_dataset(split="train")` yields
decoded images and texts; our own metadata lives in `synthocr_info.json` (`schema.DATASET_INFO`).
The files are what `tfds.folder_dataset.write_metadata` writes, built here from the feature keys
of `synthocr.dataset.records`, so that generation needs neither TensorFlow nor tensorflow-datasets.
Each `a/b` key becomes field `b` of a nested feature `a`: `ex["image"]["encoded"]` is the image.
"""

from __future__ import annotations

import json
from typing import Any

from synthocr.dataset import storage
from synthocr.dataset.records import BYTES_KEYS, INT64_KEYS, KEY_IMAGE
from synthocr.dataset.schema import INFO_NAME, INFO_SPLITS, INFO_VERSION, SHARD_COUNT, SPLIT_SHARDS

TFDS_INFO = "dataset_info.json"
TFDS_FEATURES = "features.json"
_TFDS = "tensorflow_datasets.core.features."
_TEXT = {"pythonClassName": _TFDS + "text_feature.Text", "text": {}}
_INT64 = {"pythonClassName": _TFDS + "scalar.Scalar", "tensor": {"dtype": "int64", "encoding": "none", "shape": {}}}
# Three channels: TFDS then decodes grayscale PNGs and colour JPEGs (MJSynth) alike, as RGB.
_IMAGE = {"pythonClassName": _TFDS + "image_feature.Image", "image": {"dtype": "uint8", "shape": {"dimensions": ["-1", "-1", "3"]}}}


def _features_dict(features: dict[str, Any]) -> dict[str, Any]:
    return {"pythonClassName": _TFDS + "features_dict.FeaturesDict", "featuresDict": {"features": features}}


def tfds_features() -> dict[str, Any]:
    """The `features.json` of every synthocr dataset, nested where a key has a '/'.

    >>> sorted(tfds_features()["featuresDict"]["features"]["image"]["featuresDict"]["features"])
    ['encoded', 'format', 'height', 'width']
    """
    tree: dict[str, Any] = {}
    for key in (*BYTES_KEYS, *INT64_KEYS):
        feature = _IMAGE if key == KEY_IMAGE else _TEXT if key in BYTES_KEYS else _INT64
        *parents, leaf = key.split("/")
        node = tree
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = feature

    def build(node: dict[str, Any]) -> dict[str, Any]:
        return _features_dict({k: v if "pythonClassName" in v else build(v) for k, v in sorted(node.items())})

    return build(tree)


def tfds_dataset_info(info: dict[str, Any]) -> dict[str, Any]:
    """TFDS's `dataset_info.json` for our info: one split entry per split, its shard lengths and file names.

    >>> split = {"count": 3, "shards": [{"file": "d-train.tfrecord-00000-of-00002", "count": 2},
    ...                                 {"file": "d-train.tfrecord-00001-of-00002", "count": 1}]}
    >>> tfds_dataset_info({"name": "d", "splits": {"train": split}})["splits"][0]["shardLengths"]
    ['2', '1']
    """
    name = info[INFO_NAME]
    template = f"{name}-{{SPLIT}}.{{FILEFORMAT}}-{{SHARD_X_OF_Y}}"
    splits = [
        {"name": split, "filepathTemplate": template, "shardLengths": [str(s[SHARD_COUNT]) for s in entry[SPLIT_SHARDS]]}
        for split, entry in info[INFO_SPLITS].items()
    ]
    version = info.get(INFO_VERSION, "")
    return {
        "description": f"synthocr dataset {name!r}" + (f" (synthocr {version})" if version else ""),
        "fileFormat": "tfrecord",
        "splits": splits,
        "version": "1.0.0",
    }


def write_tfds_metadata(out_dir: str, info: dict[str, Any]) -> None:
    """Writes `features.json` and TFDS's `dataset_info.json` into a dataset folder (local or remote)."""
    for name, content in ((TFDS_FEATURES, tfds_features()), (TFDS_INFO, tfds_dataset_info(info))):
        storage.write_atomic(storage.join(out_dir, name), (json.dumps(content, indent=2) + "\n").encode("utf-8"))
