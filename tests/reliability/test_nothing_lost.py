"""Issue 11, points 1-5: a dataset is never lost, and `--resume` never keeps a wrong shard."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from synthocr.dataset import DATASET_INFO, list_shards
from synthocr.dataset.generate import GenerateOptions, generate
from synthocr.dataset.schema import PARTS_DIR, RUN_FILE
from synthocr.recipe import load_recipe

from .helpers import cli, one_line_error, read_tree, stopped_run, tiny_recipe, update_recipe


def _finished(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    recipe = tiny_recipe(tmp_path / "r")
    out = tmp_path / "data"
    code, output = cli("generate", recipe, "--out", out, "--workers", "1")
    assert code == 0, output
    return recipe, out, read_tree(out)


def test_1_overwrite_that_fails_while_drawing_keeps_the_old_dataset(tmp_path: Path) -> None:
    recipe, out, before = _finished(tmp_path)
    # Every word is outside this charset: the first sample fails with a one-line error.
    update_recipe(recipe, text={"sources": [{"path": "words.txt"}], "charset": "xyz"})
    line = one_line_error(*cli("generate", recipe, "--out", out, "--overwrite", "--workers", "1"))
    assert "no usable text" in line
    assert read_tree(out) == before  # byte for byte, and no debris (run file, parts) beside it


def test_1_overwrite_replaces_the_dataset_once_drawing_works(tmp_path: Path) -> None:
    recipe, out, before = _finished(tmp_path)
    update_recipe(recipe, seed=8)
    code, output = cli("generate", recipe, "--out", out, "--overwrite", "--workers", "1")
    assert code == 0, output
    after = read_tree(out)
    assert after.keys() == before.keys() and after != before
    assert json.loads(after[DATASET_INFO])["seed"] == 8


def test_2_overwrite_refuses_a_tensorflow_datasets_folder(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    tfds = tmp_path / "mnist" / "3.0.1"
    tfds.mkdir(parents=True)
    (tfds / "dataset_info.json").write_text(json.dumps({"name": "mnist", "version": "3.0.1", "splits": []}))
    (tfds / "features.json").write_text("{}")
    (tfds / "mnist-train.tfrecord-00000-of-00001").write_bytes(b"\x00" * 64)
    before = read_tree(tfds)
    line = one_line_error(*cli("generate", recipe, "--out", tfds, "--overwrite"))
    assert "refusing to delete" in line and str(tfds) in line
    assert read_tree(tfds) == before


def test_3_an_empty_out_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    recipe = tiny_recipe(tmp_path / "r")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "notes.txt").write_text("mine")
    monkeypatch.chdir(cwd)
    line = one_line_error(*cli("generate", recipe, "--out", ""))
    assert "--out" in line and "empty" in line
    assert sorted(p.name for p in cwd.iterdir()) == ["notes.txt"]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited: it only waits to be reaped


def test_4_workers_die_with_a_killed_parent_and_resume_gives_the_same_bytes(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r", train=200, output={"shard_size": 20})
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    generate(load_recipe(recipe), GenerateOptions(out_dir=whole, workers=1))

    command = [sys.executable, "-m", "synthocr", "generate", str(recipe), "--out", str(killed), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list_shards(killed, "train") if killed.is_dir() else []) < 2:
            time.sleep(0.02)
        workers = _children(process.pid)
        assert len(workers) == 2, "the run should be part-way, with its pool"
        os.kill(process.pid, signal.SIGKILL)  # the parent alone, as `kill -9 PID` does
        process.wait()
        at_kill = list_shards(killed, "train")
        time.sleep(3)  # long enough for a surviving worker to finish the shard it was drawing
        assert not any(_alive(w) for w in workers), "pool workers outlived their killed parent"
        assert list_shards(killed, "train") == at_kill and len(at_kill) < 10
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever this test started and is left
        except ProcessLookupError:
            pass
    code, output = cli("generate", recipe, "--out", killed, "--resume", "--workers", "2")
    assert code == 0, output
    assert read_tree(killed) == read_tree(whole)


def test_4_a_shard_that_does_not_match_its_checksum_is_written_again(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r", train=40)
    whole, stopped = tmp_path / "whole", tmp_path / "stopped"
    generate(load_recipe(recipe), GenerateOptions(out_dir=whole, workers=1))
    stopped_run(recipe, stopped, after=30)
    shards = list_shards(stopped, "train")
    assert len(shards) == 3 and (stopped / PARTS_DIR).is_dir()
    shards[1].write_bytes(shards[1].read_bytes()[:-100])  # half-written, yet named as complete
    code, output = cli("generate", recipe, "--out", stopped, "--resume", "--workers", "1")
    assert code == 0, output
    assert "2 shards written, 2 kept" in output  # shard 1 again, and shard 3
    assert read_tree(stopped) == read_tree(whole)


def test_5_resume_notices_a_word_list_changed_in_place(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r", train=40)
    out = tmp_path / "data"
    stopped_run(recipe, out, after=20)
    words = tmp_path / "r" / "words.txt"
    words.write_text(words.read_text(encoding="utf-8") + "zulu\n", encoding="utf-8")
    line = one_line_error(*cli("generate", recipe, "--out", out, "--resume"))
    assert "text.sources[0]" in line and "changed" in line
    assert RUN_FILE in os.listdir(out)  # refused: nothing touched


def test_5_resume_notices_a_font_file_replaced(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r", train=40)
    out = tmp_path / "data"
    stopped_run(recipe, out, after=20)
    fonts = tmp_path / "r" / "fonts"
    (fonts / "DroidSans.ttf").write_bytes((fonts / "Lato-Bold.ttf").read_bytes())
    line = one_line_error(*cli("generate", recipe, "--out", out, "--resume"))
    assert "fonts.dirs[0]" in line and "changed" in line
