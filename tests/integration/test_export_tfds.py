"""A dataset `generate` wrote opens with `tfds.builder_from_directory`; our own info moved beside it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset import DATASET_INFO, LEGACY_DATASET_INFO, is_dataset_dir, iter_records, read_dataset_info
from synthocr.dataset.tfds_metadata import TFDS_FEATURES, TFDS_INFO

from .generate_fixtures import make_recipe


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tfds")
    recipe = make_recipe(root / "r", splits={"train": 12, "val": 6, "test": 0}, output={"shard_size": 5})
    out = root / "data"
    result = CliRunner().invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_tfds_reads_a_generated_dataset(generated: Path) -> None:
    tfds = pytest.importorskip("tensorflow_datasets")
    builder = tfds.builder_from_directory(str(generated))
    assert {name: split.num_examples for name, split in builder.info.splits.items()} == {"train": 12, "val": 6}
    assert builder.info.splits["train"].num_shards == 3
    ours = list(iter_records(generated, "train"))
    examples = list(tfds.as_numpy(builder.as_dataset(split="train", shuffle_files=False)))
    assert [e["text"].decode() for e in examples] == [r.text for r in ours]
    assert [e["font"].decode() for e in examples] == [r.font for r in ours]
    first = examples[0]["image"]
    expected = np.asarray(Image.open(io.BytesIO(ours[0].image)).convert("RGB"))
    assert first["encoded"].dtype == np.uint8 and np.array_equal(first["encoded"], expected)
    assert (int(first["height"]), int(first["width"])) == (ours[0].height, ours[0].width)
    assert json.loads(examples[0]["meta"]) == ours[0].meta


def test_our_info_keeps_its_fields_under_its_own_name(generated: Path) -> None:
    ours = json.loads((generated / DATASET_INFO).read_text(encoding="utf-8"))
    assert DATASET_INFO == "synthocr_info.json" and ours == read_dataset_info(generated)
    assert {s: d["count"] for s, d in ours["splits"].items()} == {"train": 12, "val": 6}
    assert "recipe" in ours and "recipe_hash" in ours
    tfds_info = json.loads((generated / TFDS_INFO).read_text(encoding="utf-8"))
    assert [s["shardLengths"] for s in tfds_info["splits"]] == [["5", "5", "2"], ["5", "1"]]
    assert (generated / TFDS_FEATURES).is_file()


def test_a_dataset_from_before_the_rename_is_still_read(generated: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    for path in generated.iterdir():
        if path.name not in (DATASET_INFO, TFDS_INFO, TFDS_FEATURES):
            (old / path.name).write_bytes(path.read_bytes())
    (old / LEGACY_DATASET_INFO).write_bytes((generated / DATASET_INFO).read_bytes())
    assert is_dataset_dir(old) and read_dataset_info(old) == read_dataset_info(generated)
    assert len(list(iter_records(old, "val"))) == 6


def test_a_folder_with_only_tfds_metadata_is_not_ours(generated: Path, tmp_path: Path) -> None:
    (tmp_path / TFDS_INFO).write_bytes((generated / TFDS_INFO).read_bytes())
    assert not is_dataset_dir(tmp_path)
    with pytest.raises(Exception, match="not a synthocr dataset"):
        read_dataset_info(tmp_path)
