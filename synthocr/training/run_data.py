"""The data of a training run: its datasets' shards and info, the model charset, each host's sources.

The model's charset is the `charset` of the first dataset (on resume, the run's own): the first
dataset is the one the recipe was designed for; samples of other datasets with characters
outside it are dropped and counted, never trained on with a wrong label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthocr.dataset import list_shards, read_dataset_info
from synthocr.dataset.schema import INFO_CHARSET, INFO_SPLITS, SPLIT_COUNT
from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.distribute import Placement, host_shards


@dataclass(frozen=True)
class TrainData:
    """One dataset directory and its weight in the training mix."""

    path: Path
    weight: float = 1.0


@dataclass(frozen=True)
class DatasetFiles:
    """A dataset of the run: its `synthocr_info.json` and its training shards."""

    data: TrainData
    info: dict[str, Any]
    files: list[str]


def read_train_files(data: Sequence[TrainData]) -> list[DatasetFiles]:
    """The info and training shards of each dataset; a UserError names one without training shards."""
    found = []
    for one in data:
        info = read_dataset_info(one.path)
        files = [str(p) for p in list_shards(one.path, "train")]
        if not files:
            raise UserError(f"TrainData.path {one.path}: no train shards", params=("TrainData.path",))
        found.append(DatasetFiles(one, info, files))
    return found


def model_charset(datasets: Sequence[DatasetFiles], run_dir: Path, resume: bool) -> Charset:
    """The run's charset: a resumed run's own, else the first dataset's."""
    if resume:
        return Charset.load(run_dir)
    first = datasets[0]
    if "charset" not in first.info:
        raise UserError(f"TrainData.path {first.data.path}: its synthocr_info.json has no charset", params=("TrainData.path",))
    return Charset(first.info[INFO_CHARSET])


def charset_gaps(datasets: Sequence[DatasetFiles], charset: Charset) -> dict[str, str]:
    """{dataset path: the characters of its charset the model lacks}, for the datasets that have any."""
    gaps = {str(d.data.path): charset.missing(d.info.get(INFO_CHARSET, "")) for d in datasets}
    return {path: missing for path, missing in gaps.items() if missing}


def split_count(dataset: DatasetFiles, split: str = "train") -> int:
    """Samples of a split: from the dataset info, else counted in the shards."""
    count = dataset.info.get(INFO_SPLITS, {}).get(split, {}).get(SPLIT_COUNT)
    if isinstance(count, int) and count > 0:
        return count
    from synthocr.dataset.tfrecord import read_records

    return sum(1 for f in dataset.files for _ in read_records(f, verify=False))


def host_sources(datasets: Sequence[DatasetFiles], placement: Placement) -> list[Any]:
    """Each dataset's training shards as this host reads them: its own shards, or its share of the records."""
    from synthocr.training.pipeline import WeightedSource

    index, count = placement.process_index, placement.process_count
    sources = []
    for d in datasets:
        if len(d.files) >= count:
            sources.append(WeightedSource(tuple(host_shards(d.files, index, count)), d.data.weight))
        else:  # fewer shards than hosts: every host reads them all and keeps its share of the records
            sources.append(WeightedSource(tuple(d.files), d.data.weight, records_share=(index, count)))
    return sources


def val_files(data: TrainData) -> list[str]:
    """The val shards of a dataset (the first dataset's validate the run)."""
    return [str(p) for p in list_shards(data.path, "val")]
