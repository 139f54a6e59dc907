"""The runners write the same bytes; a worker's error reaches the caller; the Beam job travels pickled."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from synthocr.dataset.runners import BeamShardJob, run_pool, run_serial
from synthocr.dataset.schema import PARTS_DIR
from synthocr.dataset.shards import ShardResult, ShardTask, ShardWriter, WriterSpec
from synthocr.recipe import Recipe


def _shards(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_the_pool_writes_what_the_serial_runner_writes(
    writer: ShardWriter, tiny_recipe: Recipe, tiny_tasks: list[ShardTask], tmp_path: Path
) -> None:
    serial: list[ShardResult] = []
    run_serial(writer, [(t, None) for t in tiny_tasks], None, serial.append)
    pooled_out = tmp_path / "pooled"
    (pooled_out / PARTS_DIR).mkdir(parents=True)
    pooled: list[ShardResult] = []
    progress: list[int] = []
    spec = WriterSpec(tiny_recipe, str(pooled_out))
    run_pool(spec, [(t, None) for t in tiny_tasks], 2, progress.append, pooled.append)
    assert _shards(pooled_out) == _shards(Path(writer.out_dir)) and len(_shards(pooled_out)) == 2
    assert sorted(r.sha256 for r in pooled) == sorted(r.sha256 for r in serial)
    assert all(r.rows == [] for r in pooled) and sum(progress) == 6  # rows are read from the parts


def test_a_worker_error_is_raised_in_the_caller(tiny_recipe: Recipe, tiny_tasks: list[ShardTask], tmp_path: Path) -> None:
    spec = WriterSpec(tiny_recipe, str(tmp_path / "missing"))  # no such folder: the worker's open fails
    with pytest.raises(FileNotFoundError):
        run_pool(spec, [(t, None) for t in tiny_tasks], 2, None, lambda result: None)


def test_the_beam_job_travels_pickled_and_writes_one_shard(tiny_recipe: Recipe, tiny_tasks: list[ShardTask], tmp_path: Path) -> None:
    from synthocr.recipe import portable_recipe

    (tmp_path / PARTS_DIR).mkdir()
    job = pickle.loads(pickle.dumps(BeamShardJob(WriterSpec(portable_recipe(tiny_recipe), str(tmp_path), portable=True))))
    assert job((tiny_tasks[0], None)) == {"split": "train", "shard": 0, "samples": 3}
    assert (tmp_path / tiny_tasks[0].file_name("tiny")).is_file()
