"""The names of a dataset folder: shard names round trip, keys declared once."""

from __future__ import annotations

from synthocr.dataset.schema import (
    INFO_KEYS,
    MANIFEST_COLUMNS,
    SPLIT_CODES,
    SPLITS,
    TMP_SUFFIX,
    manifest_name,
    parse_shard_name,
    part_name,
    shard_name,
)


def test_shard_names_parse_back() -> None:
    for name, split, index, count in [("default", "train", 0, 1), ("my-set", "val", 12, 64), ("x", "test", 99999, 99999)]:
        assert parse_shard_name(shard_name(name, split, index, count)) == (name, split, index, count)


def test_temporary_and_other_files_are_no_shards() -> None:
    assert parse_shard_name(shard_name("d", "train", 1, 2) + ".abc123" + TMP_SUFFIX) is None
    assert parse_shard_name(manifest_name("train")) is None
    assert parse_shard_name(part_name("train", 1)) is None


def test_every_key_and_column_is_declared_once() -> None:
    assert len(set(INFO_KEYS)) == len(INFO_KEYS) == 17
    assert len(set(MANIFEST_COLUMNS)) == len(MANIFEST_COLUMNS)
    assert set(SPLIT_CODES) == set(SPLITS) and len(set(SPLIT_CODES.values())) == len(SPLITS)
