"""The names a synthocr dataset folder is written and read by, declared once: splits, file names,
the keys of `synthocr_info.json` and the columns of the `{split}.parquet` manifests.

The feature keys of one record live beside their encoder in `synthocr.dataset.records`.
Nothing here imports anything: every module that writes or reads a dataset can import it.
"""

from __future__ import annotations

import re

SPLITS = ("train", "val", "test")
SPLIT_CODES = {"train": 1, "val": 2, "test": 3}  # a split's number in the seeds drawn for it

# Files of a finished dataset.
DATASET_INFO = "synthocr_info.json"
LEGACY_DATASET_INFO = "dataset_info.json"  # our info's name before TFDS's file took it
MANIFEST_SUFFIX = ".parquet"

# What a run in progress keeps beside its shards; all of it is gone once the dataset is finished.
PARTS_DIR = ".parts"  # one JSON part per written shard: its counts, manifest rows and SHA-256
RUN_FILE = ".synthocr-run.json"  # what the run was started with, for `resume`
TMP_SUFFIX = ".tmp"  # the end of every temporary name; a complete file never has it

_SHARD_RE = re.compile(r"^(?P<name>.+)-(?P<split>[A-Za-z0-9_]+)\.tfrecord-(?P<i>\d{5})-of-(?P<n>\d{5})$")

# Keys of synthocr_info.json, in the order the file lists them.
INFO_VERSION = "synthocr_version"
INFO_NAME = "name"
INFO_SEED = "seed"
INFO_RECIPE_HASH = "recipe_hash"
INFO_RECIPE = "recipe"
INFO_CHARSET = "charset"
INFO_MAX_LENGTH = "max_length"
INFO_IMAGE_HEIGHT = "image_height"
INFO_FEATURES = "features"  # {feature key: "bytes" | "int64"}
INFO_SPLITS = "splits"  # {split: {SPLIT_COUNT: n, SPLIT_SHARDS: [{SHARD_FILE: name, SHARD_COUNT: n}]}}
INFO_SOURCES = "sources"  # {split: {source: n}}
INFO_FONTS = "fonts"  # {split: {font id: n}}
INFO_SKIPPED = "skipped"  # {reason: n}, over all splits
INFO_SKIPPED_BY_SPLIT = "skipped_by_split"  # {split: {reason: n}}
INFO_FONT_WEIGHTS = "font_weights"  # {font id: the weight it was drawn with}
INFO_FONT_WEIGHTS_FROM = "font_weights_from"  # the report.csv the weights came from, or None
INFO_FONT_CATALOGUE = "font_catalogue"  # [{id, family, style, category, licence}]
INFO_KEYS = (
    INFO_VERSION, INFO_NAME, INFO_SEED, INFO_RECIPE_HASH, INFO_RECIPE, INFO_CHARSET, INFO_MAX_LENGTH,
    INFO_IMAGE_HEIGHT, INFO_FEATURES, INFO_SPLITS, INFO_SOURCES, INFO_FONTS, INFO_SKIPPED,
    INFO_SKIPPED_BY_SPLIT, INFO_FONT_WEIGHTS, INFO_FONT_WEIGHTS_FROM, INFO_FONT_CATALOGUE,
)
SPLIT_COUNT = "count"
SPLIT_SHARDS = "shards"
SHARD_FILE = "file"
SHARD_COUNT = "count"
FONT_ENTRY_KEYS = ("id", "family", "style", "category", "licence")

# Columns of a manifest, in order; every sampled value of the record's meta follows as a column
# of its own name (META_PREFIX + name where it would clash with one of these).
COL_ID = "id"
COL_SPLIT = "split"
COL_INDEX = "index"  # the sample's index in its split
COL_SHARD = "shard"  # the shard file holding it
COL_RECORD_INDEX = "record_index"  # its position in that shard, from 0
COL_TEXT = "text"
COL_FONT = "font"
COL_SOURCE = "source"
COL_SEED = "seed"
COL_WIDTH = "width"
COL_HEIGHT = "height"
MANIFEST_COLUMNS = (
    COL_ID, COL_SPLIT, COL_INDEX, COL_SHARD, COL_RECORD_INDEX, COL_TEXT, COL_FONT, COL_SOURCE, COL_SEED,
    COL_WIDTH, COL_HEIGHT,
)
META_PREFIX = "meta_"


def shard_name(name: str, split: str, index: int, count: int) -> str:
    """The TFDS-style file name of one shard.

    >>> shard_name("default", "train", 3, 64)
    'default-train.tfrecord-00003-of-00064'
    """
    return f"{name}-{split}.tfrecord-{index:05d}-of-{count:05d}"


def parse_shard_name(file_name: str) -> tuple[str, str, int, int] | None:
    """(dataset name, split, index, count) of a shard's file name; None for any other name.

    >>> parse_shard_name("default-train.tfrecord-00003-of-00064")
    ('default', 'train', 3, 64)
    >>> parse_shard_name("default-train.tfrecord-00003-of-00064.1f2e.tmp") is None
    True
    """
    match = _SHARD_RE.match(file_name)
    if match is None:
        return None
    return match["name"], match["split"], int(match["i"]), int(match["n"])


def manifest_name(split: str) -> str:
    """The file name of a split's manifest.

    >>> manifest_name("val")
    'val.parquet'
    """
    return f"{split}{MANIFEST_SUFFIX}"


def part_name(split: str, index: int) -> str:
    """The file name, inside PARTS_DIR, of one shard's part.

    >>> part_name("train", 3)
    'train-00003.json'
    """
    return f"{split}-{index:05d}.json"
