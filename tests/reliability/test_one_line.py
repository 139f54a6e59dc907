"""Issue 11, points 11-13: every mistake is one line and exit code 2, and says what happened."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest

from synthocr.dataset import list_shards
from synthocr.dataset.schema import PARTS_DIR

from .conftest import write_labels
from .helpers import cli, one_line_error, read_tree, tiny_recipe


def test_11_a_recipe_that_is_not_utf8(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    recipe.write_bytes(recipe.read_bytes().replace(b"name: tiny", b"name: tiny # caf\xe9"))
    line = one_line_error(*cli("generate", recipe, "--out", tmp_path / "data"))
    assert str(recipe) in line and "not UTF-8 (byte 0xe9" in line


def test_11_fonts_csv_without_a_file_column(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    (tmp_path / "r" / "fonts" / "fonts.csv").write_text("name,licence\nDroidSans,Apache-2.0\n", encoding="utf-8")
    line = one_line_error(*cli("generate", recipe, "--out", tmp_path / "data"))
    assert "fonts.csv: no 'file' column (columns: name, licence)" in line


def test_11_backgrounds_csv_without_a_file_column(tmp_path: Path) -> None:
    import yaml

    recipe = tiny_recipe(tmp_path / "r")
    folder = tmp_path / "r" / "bg"
    folder.mkdir()
    cv2.imwrite(str(folder / "paper.png"), np.full((40, 120, 3), 220, np.uint8))
    (folder / "backgrounds.csv").write_text("name,kind\npaper.png,paper\n", encoding="utf-8")
    data = yaml.safe_load(recipe.read_text(encoding="utf-8"))
    data["backgrounds"] = {"kinds": {"image": 1}, "dirs": ["bg"]}
    recipe.write_text(yaml.safe_dump(data), encoding="utf-8")
    line = one_line_error(*cli("generate", recipe, "--out", tmp_path / "data"))
    assert "backgrounds.csv: no 'file' column (columns: name, kind)" in line


@pytest.mark.parametrize("where", ["/proc/synthocr-test/data", "a-file/data"])
def test_11_an_out_that_cannot_be_written(tmp_path: Path, where: str) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    (tmp_path / "a-file").write_text("not a folder")
    out = where if where.startswith("/") else str(tmp_path / where)
    line = one_line_error(*cli("generate", recipe, "--out", out, "--workers", "1"))
    assert line.startswith(f"error: --out {out}: ")


def test_11_a_truncated_shard_in_evaluate(tmp_path: Path, tiny_model: Path) -> None:
    from tests.integration.train_fixtures import write_dataset

    data = write_dataset(tmp_path / "data", {"test": 12}, shards=2)
    shard = list_shards(data, "test")[1]
    shard.write_bytes(shard.read_bytes()[:-40])
    line = one_line_error(*cli("evaluate", tiny_model, data, "--split", "test", "--out", tmp_path / "p.parquet",
                               "--allow-charset-mismatch"))
    assert f"{shard}: record 5 (counted from 0) is truncated or corrupt" in line


def _model_copy(tiny_model: Path, folder: Path) -> Path:
    shutil.copytree(tiny_model, folder)
    return folder / "model.keras"


def _rewrite_zip(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = change(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _unknown_class(members: dict[str, bytes]) -> dict[str, bytes]:
    config = json.loads(members["config.json"])
    config["class_name"], config["module"] = "NoSuchModel", "nowhere.models"
    return {**members, "config.json": json.dumps(config).encode()}


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("bad_zip", "not a loadable Keras model"),
        ("no_config", "not a loadable Keras model"),
        ("unknown_class", "not a loadable Keras model"),
        ("input_shape", "takes input of shape (None, 31, 16); a synthocr recogniser takes (batch, height, width, 1 or 3"),
    ],
)
def test_11_a_model_file_that_does_not_load(tmp_path: Path, tiny_model: Path, breakage: str, expected: str) -> None:
    model = _model_copy(tiny_model, tmp_path / "run")
    if breakage == "bad_zip":
        model.write_bytes(model.read_bytes()[: len(model.read_bytes()) // 2])
    elif breakage == "no_config":
        _rewrite_zip(model, lambda members: {k: v for k, v in members.items() if k != "config.json"})
    elif breakage == "unknown_class":
        _rewrite_zip(model, _unknown_class)
    else:
        import keras

        inputs = keras.Input((31, 16), name="features")
        keras.Model(inputs, keras.layers.Dense(27, name="logits")(inputs)).save(model)
    image = write_labels(tmp_path / "real").parent / "word16.png"
    line = one_line_error(*cli("predict", model, image))
    assert str(model) in line and expected in line


def test_12_rich_markup_in_user_values_is_printed_literally(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    out = tmp_path / "[bold]data[/]"
    code, output = cli("generate", recipe, "--out", out, "--workers", "1")
    assert code == 0, output
    assert f"wrote {out}" in output.replace("\n", "")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(tmp_path / "r" / "fonts" / "DroidSans.ttf", fonts / "[red]Evil[bold].ttf")
    code, output = cli("fonts", fonts)
    assert code == 0, output
    assert "[red]Evil[bold]" in output


def test_12_the_report_prints_font_names_with_markup_literally(tmp_path: Path) -> None:
    rows = pd.DataFrame({"text": ["cab"] * 4, "prediction": ["cab", "cob"] * 2, "font": ["[bold]x[/]", "[/]"] * 2})
    rows.to_parquet(tmp_path / "p.parquet")
    code, output = cli("report", tmp_path / "p.parquet", "--out", tmp_path / "report")
    assert code == 0, output
    assert "[bold]x[/]" in output and "[/]" in output


def test_13_a_labels_tsv_that_is_not_utf8_is_an_encoding_error(tmp_path: Path, tiny_model: Path) -> None:
    labels = write_labels(tmp_path / "real", ["word16.png\tcaf\xe9"])
    labels.write_bytes(labels.read_bytes().replace("café".encode(), b"caf\xe9"))
    line = one_line_error(*cli("evaluate", tiny_model, labels, "--out", tmp_path / "p.parquet"))
    assert f"{labels}:6: not UTF-8 (byte 0xe9" in line and "charset" not in line


@pytest.mark.parametrize("flag", ["--resume", "--overwrite"])
def test_13_a_run_killed_before_its_run_file_is_finished_by_either_flag(tmp_path: Path, flag: str) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    out = tmp_path / "data"
    (out / PARTS_DIR).mkdir(parents=True)  # what a kill leaves before the run file lands
    (out / ".synthocr-run.json.1f2e3d4c5b6a.tmp").write_text("{")
    line = one_line_error(*cli("generate", recipe, "--out", out, "--workers", "1"))
    assert "--overwrite" in line and "--resume" in line  # a plain run offers both, and both work:
    code, output = cli("generate", recipe, "--out", out, "--workers", "1", flag)
    assert code == 0, output
    assert len(list_shards(out, "train")) == 2 and not (out / PARTS_DIR).exists()
    code, output = cli("generate", recipe, "--out", tmp_path / "fresh", "--workers", "1")
    assert code == 0, output
    assert read_tree(out) == read_tree(tmp_path / "fresh")


def test_13_an_unreadable_run_file_sends_resume_to_overwrite_and_overwrite_works(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    out = tmp_path / "data"
    code, output = cli("generate", recipe, "--out", out, "--workers", "1")
    assert code == 0, output
    (out / ".synthocr-run.json").write_text('{"recipe_hash": ')  # a crash mid-write on a non-atomic file system
    line = one_line_error(*cli("generate", recipe, "--out", out, "--resume"))
    assert "unreadable" in line and "--overwrite" in line
    code, output = cli("generate", recipe, "--out", out, "--workers", "1", "--overwrite")
    assert code == 0, output
    assert not (out / ".synthocr-run.json").exists()


def test_14_a_punctuation_mark_outside_the_charset(tmp_path: Path) -> None:
    import yaml

    recipe = tiny_recipe(tmp_path / "r")
    data = yaml.safe_load(recipe.read_text(encoding="utf-8"))
    data["text"]["punctuation"] = {"p": 0.2, "after": {"!": 1, "?": 1}}
    recipe.write_text(yaml.safe_dump(data), encoding="utf-8")
    line = one_line_error(*cli("generate", recipe, "--out", tmp_path / "data"))
    assert f"{recipe}: text: punctuation: marks '!?' are not in text.charset" in line
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", [["evaluate", "MODEL", "DATA"], ["predict", "MODEL", "IMAGE"], ["train", "RECIPE", "--data", "DATA", "--out", "RUN"]])
def test_12_a_tensorflow_command_prints_its_error_line_and_no_start_up_noise(tmp_path: Path, command: list[str]) -> None:
    # TensorFlow >= 2.19 writes its start-up log lines to the terminal before it reads TF_CPP_MIN_LOG_LEVEL;
    # only a separate process shows them (the in-process runner never sees file descriptor 2).
    import os
    import subprocess
    import sys

    args = [str(tmp_path / "missing" / a) if a.isupper() else a for a in command]
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-m", "synthocr", *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2, done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(tmp_path / "missing") in lines[0], done.stderr
