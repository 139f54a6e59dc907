"""The output folder's lifecycle: what may be resumed or replaced, what a resumed run keeps, how it ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.dataset import folder
from synthocr.dataset.schema import DATASET_INFO, PARTS_DIR, RUN_FILE
from synthocr.dataset.shards import ShardTask, ShardWriter
from synthocr.errors import UserError

RUN = {"recipe_hash": "abc", "seed": 7, "counts": {"train": 6, "val": 0, "test": 0}, "font_weights": None, "inputs": {"fonts.dirs[0]": "11"}}


def _started(out: Path) -> str:
    folder.start_folder(str(out), RUN)
    return str(out)


def test_a_new_run_starts_with_its_run_file_and_an_empty_parts_folder(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    (tmp_path / "old").mkdir()
    _started(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [PARTS_DIR, RUN_FILE]
    assert json.loads((tmp_path / RUN_FILE).read_text()) == RUN


def test_resume_refuses_a_changed_recipe_and_names_what_changed(tmp_path: Path) -> None:
    out = _started(tmp_path)
    with pytest.raises(UserError) as caught:
        folder.resumable(out, {**RUN, "recipe_hash": "other", "seed": 8})
    assert "was started with a different recipe_hash, seed; resume=True needs the same recipe" in str(caught.value)
    assert caught.value.spelled(FLAG_NAMES).startswith(f"--out {out}: ")
    with pytest.raises(UserError, match=r"the contents of fonts.dirs\[0\] changed"):
        folder.resumable(out, {**RUN, "inputs": {"fonts.dirs[0]": "22"}})


def test_resume_keeps_its_shards_and_clears_temporary_files(tmp_path: Path) -> None:
    out = _started(tmp_path)
    (tmp_path / "x.tfrecord-00000-of-00001.abc.tmp").write_bytes(b"half")
    (tmp_path / PARTS_DIR / "train-00000.json.abc.tmp").write_bytes(b"half")
    assert folder.resumable(out, RUN) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == [PARTS_DIR, RUN_FILE] and not list((tmp_path / PARTS_DIR).iterdir())


def test_resume_of_nothing_or_of_a_folder_without_run_file(tmp_path: Path) -> None:
    assert folder.resumable(str(tmp_path / "absent"), RUN) is False
    (tmp_path / PARTS_DIR).mkdir()  # a run killed before its run file landed
    assert folder.resumable(str(tmp_path), RUN) is False
    (tmp_path / "data.bin").write_bytes(b"x")
    with pytest.raises(UserError, match="nothing to resume") as caught:
        folder.resumable(str(tmp_path), RUN)
    assert caught.value.spelled(FLAG_NAMES).endswith("use --overwrite to start anew")


def test_replace_refuses_what_it_may_not_delete(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(UserError, match="is not empty; pass overwrite=True"):
        folder.check_replaceable(str(tmp_path), replace=False)
    with pytest.raises(UserError, match="does not look like a synthocr dataset"):
        folder.check_replaceable(str(tmp_path), replace=True)
    (tmp_path / DATASET_INFO).write_text(json.dumps({"synthocr_version": "0.1"}))
    folder.check_replaceable(str(tmp_path), replace=True)  # ours: may be replaced
    with pytest.raises(UserError, match="exists and is not a directory"):
        folder.check_replaceable(str(tmp_path / "mine.txt"), replace=True)
    with pytest.raises(UserError, match="is a file, not a folder"):
        folder.check_replaceable(str(tmp_path / "mine.txt" / "sub"), replace=True)


def test_only_shards_matching_their_part_are_kept(writer: ShardWriter, tiny_tasks: list[ShardTask]) -> None:
    first, second = (writer.write_shard(t) for t in tiny_tasks)
    out = Path(writer.out_dir)
    shard = out / tiny_tasks[1].file_name("tiny")
    shard.write_bytes(shard.read_bytes()[:-1])  # a shard whose bytes no longer match its checksum
    assert folder.complete_shards(str(out), "tiny", tiny_tasks) == {tiny_tasks[0]: first}
    (out / PARTS_DIR / tiny_tasks[1].part_name).unlink()
    with pytest.raises(RuntimeError, match="1 shard parts missing"):
        folder.load_results(str(out), tiny_tasks)


def test_a_finished_folder_holds_manifests_and_info_and_no_run_state(tmp_path: Path) -> None:
    out = _started(tmp_path)
    info = {"synthocr_version": "0", "name": "tiny", "seed": 7, "recipe_hash": "abc",
            "splits": {"train": {"count": 1, "shards": [{"file": "tiny-train.tfrecord-00000-of-00001", "count": 1}]}}}
    folder.finish_folder(out, info, {"train": [{"id": "a", "text": "word"}]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset_info.json", "features.json", DATASET_INFO, "train.parquet"]
    assert json.loads((tmp_path / DATASET_INFO).read_text()) == info
    with pytest.raises(UserError, match="holds a finished dataset of another recipe"):
        folder.finished_info(out, {**RUN, "counts": {"train": 2}})
    assert folder.finished_info(out, {**RUN, "counts": {"train": 1, "val": 0}}) == info
    (tmp_path / RUN_FILE).write_text("{}")  # a run file beside it: not finished
    assert folder.finished_info(out, RUN) is None
