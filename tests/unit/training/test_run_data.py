"""The data of a run: shards and info per dataset, the model charset, its gaps, each host's sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.distribute import Placement
from synthocr.training.run_data import DatasetFiles, TrainData, charset_gaps, host_sources, model_charset, split_count


def _dataset(path: str, charset: str | None, files: int = 2, count: int | None = 10) -> DatasetFiles:
    info: dict = {"splits": {"train": {"count": count}}} if count is not None else {}
    if charset is not None:
        info["charset"] = charset
    return DatasetFiles(TrainData(Path(path)), info, [f"{path}/train-{i}" for i in range(files)])


def test_the_charset_is_the_first_datasets_and_gaps_are_per_dataset() -> None:
    datasets = [_dataset("a", "abc"), _dataset("b", "abcd!"), _dataset("c", "ab")]
    charset = model_charset(datasets, Path("/unused"), resume=False)
    assert charset == Charset("abc")
    assert charset_gaps(datasets, charset) == {"b": "!d"}


def test_a_resumed_run_keeps_its_own_charset(tmp_path: Path) -> None:
    Charset("xyz").save(tmp_path)
    assert model_charset([_dataset("a", "abc")], tmp_path, resume=True) == Charset("xyz")


def test_a_first_dataset_without_charset_names_the_data_parameter() -> None:
    with pytest.raises(UserError) as caught:
        model_charset([_dataset("a", None)], Path("/unused"), resume=False)
    assert caught.value.spelled(FLAG_NAMES) == "--data a: its synthocr_info.json has no charset"


def test_a_dataset_without_train_shards_names_the_data_parameter(tmp_path: Path) -> None:
    from synthocr.training.run_data import read_train_files

    (tmp_path / "synthocr_info.json").write_text(json.dumps({"charset": "ab", "splits": {}}), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_train_files([TrainData(tmp_path)])
    assert caught.value.spelled(FLAG_NAMES) == f"--data {tmp_path}: no train shards"


def test_the_train_count_comes_from_the_info() -> None:
    assert split_count(_dataset("a", "ab", count=37)) == 37


def test_hosts_read_their_own_shards_or_share_the_records() -> None:
    placement = Placement("jax", ("cpu:0", "cpu:1"), "DataParallel", process_index=1, process_count=2)
    many, few = host_sources([_dataset("a", "ab", files=4), _dataset("b", "ab", files=1)], placement)
    assert many.files == ("a/train-1", "a/train-3") and many.records_share is None
    assert few.files == ("b/train-0",) and few.records_share == (1, 2)
