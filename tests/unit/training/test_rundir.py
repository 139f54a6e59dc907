"""The run directory: its file names, what a new or a resumed run accepts, the final model copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.training.rundir import BEST_CHECKPOINT, LAST_CHECKPOINT, MODEL_FILE, check_run_dir, keep_final_model, write_run_config


def test_the_file_names() -> None:
    assert (MODEL_FILE, LAST_CHECKPOINT, BEST_CHECKPOINT) == ("model.keras", "checkpoints/last.keras", "checkpoints/best.keras")


def test_a_run_directory_with_a_run_is_refused_unless_resumed(tmp_path: Path) -> None:
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / LAST_CHECKPOINT).write_bytes(b"x")
    check_run_dir(tmp_path, resume=True)
    with pytest.raises(UserError) as caught:
        check_run_dir(tmp_path, resume=False)
    assert str(caught.value) == f"run_dir {tmp_path}: already holds a run; pass resume=True to continue it or choose another run_dir"
    assert caught.value.spelled(FLAG_NAMES) == f"--out {tmp_path}: already holds a run; pass --resume to continue it or choose another --out"


def test_nothing_to_resume_names_the_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        check_run_dir(tmp_path, resume=True)
    assert caught.value.spelled(FLAG_NAMES) == f"--out {tmp_path}: nothing to resume (no checkpoints/last.keras; train without --resume first)"


@pytest.mark.parametrize(("saved", "kept"), [(("last.keras", "best.keras"), b"best"), (("last.keras",), b"last")])
def test_the_final_model_is_the_best_checkpoint_else_the_last(tmp_path: Path, saved: tuple[str, ...], kept: bytes) -> None:
    (tmp_path / "checkpoints").mkdir()
    for name in saved:
        (tmp_path / "checkpoints" / name).write_bytes(name.split(".")[0].encode())
    assert keep_final_model(tmp_path).read_bytes() == kept


def test_the_config_is_written_as_indented_json(tmp_path: Path) -> None:
    path = write_run_config(tmp_path, {"charset": "äb", "epochs": None})
    assert path.read_text(encoding="utf-8") == '{\n  "charset": "äb",\n  "epochs": null\n}\n'
    assert json.loads(path.read_text(encoding="utf-8"))["epochs"] is None
