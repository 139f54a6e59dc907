"""`synthocr generate` end to end on a tiny recipe: format, determinism, resume, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset import DATASET_INFO, iter_records, list_shards, read_dataset_info
from synthocr.dataset.generate import GenerateOptions, generate
from synthocr.recipe import load_recipe

from .generate_fixtures import make_font_without, make_recipe, read_tree

runner = CliRunner()


def _generate(recipe: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output


def test_dataset_layout_and_counts(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r")
    out = tmp_path / "data"
    _generate(recipe, out, "--workers", "1")
    info = read_dataset_info(out)
    assert {s: d["count"] for s, d in info["splits"].items()} == {"train": 40, "val": 10, "test": 10}
    assert [p.name for p in list_shards(out, "train")] == [f"tiny-train.tfrecord-{i:05d}-of-00004" for i in range(4)]
    assert info["splits"]["train"]["shards"][0] == {"file": "tiny-train.tfrecord-00000-of-00004", "count": 10}
    assert sum(info["fonts"]["train"].values()) == 40
    assert info["sources"]["train"] == {"synth": 40}
    assert info["charset"] == load_recipe(recipe).text.charset
    records = list(iter_records(out, "train"))
    assert len({r.id for r in records}) == 40
    for record in records:
        assert record.height == 32 and record.width > 8 and record.image[:4] == b"\x89PNG"
        assert record.meta["font_size"] in range(24, 31)
        assert record.meta["background"] in ("gaussian", "plain", "quasicrystal")
        assert set(record.text) <= set(info["charset"]) and len(record.text) <= 12
    manifest = pd.read_parquet(out / "train.parquet")
    assert list(manifest["id"]) == [r.id for r in records]
    assert {"font", "text", "background", "skew", "augment", "text_color"} <= set(manifest.columns)
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())


def test_tensorflow_reads_the_shards(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    recipe = make_recipe(tmp_path / "r", splits={"train": 12, "val": 0, "test": 0})
    out = tmp_path / "data"
    _generate(recipe, out, "--workers", "1")
    spec = {k: tf.io.FixedLenFeature([], tf.string) for k in ("id", "image/encoded", "image/format", "text", "font", "source", "meta")}
    spec.update({k: tf.io.FixedLenFeature([], tf.int64) for k in ("image/height", "image/width", "seed")})
    files = [str(p) for p in list_shards(out, "train")]
    texts = []
    for raw in tf.data.TFRecordDataset(files):
        example = tf.io.parse_single_example(raw, spec)
        image = tf.io.decode_png(example["image/encoded"])
        assert image.shape[0] == int(example["image/height"]) == 32
        assert image.shape[1] == int(example["image/width"])
        assert example["source"].numpy() == b"synth"
        assert json.loads(example["meta"].numpy())["font_size"] >= 24
        texts.append(example["text"].numpy().decode())
    assert texts == [r.text for r in iter_records(out, "train")]


def test_byte_identical_for_one_and_two_workers(tmp_path: Path) -> None:
    recipe = load_recipe(make_recipe(tmp_path / "r"))
    generate(recipe, GenerateOptions(out_dir=tmp_path / "one", workers=1))
    generate(recipe, GenerateOptions(out_dir=tmp_path / "two", workers=2))
    one, two = read_tree(tmp_path / "one"), read_tree(tmp_path / "two")
    assert one.keys() == two.keys() and len(one) == 4 + 1 + 1 + 1 + 3 + 2  # + TFDS dataset_info, features
    assert one == two


def test_seed_changes_the_output(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    _generate(recipe, tmp_path / "a", "--workers", "1")
    _generate(recipe, tmp_path / "b", "--workers", "1", "--seed", "8")
    texts_a = [r.text for r in iter_records(tmp_path / "a", "train")]
    texts_b = [r.text for r in iter_records(tmp_path / "b", "train")]
    assert texts_a != texts_b


def test_kill_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 300, "val": 0, "test": 0}, output={"shard_size": 20})
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    generate(load_recipe(recipe), GenerateOptions(out_dir=whole, workers=2))

    command = [sys.executable, "-m", "synthocr", "generate", str(recipe), "--out", str(killed), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list_shards(killed, "train") if killed.is_dir() else []) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    complete = list_shards(killed, "train")
    assert 3 <= len(complete) < 15, "the run should have been killed part-way"
    assert not (killed / DATASET_INFO).exists()

    refused = runner.invoke(app, ["generate", str(recipe), "--out", str(killed)])
    assert refused.exit_code == 2 and "--resume" in refused.output

    _generate(recipe, killed, "--resume", "--workers", "2")
    assert read_tree(killed) == read_tree(whole)
    # Resuming a finished run is a no-op, not an error.
    _generate(recipe, killed, "--resume")
    assert read_tree(killed) == read_tree(whole)


def test_resume_refuses_a_different_recipe(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    _generate(recipe, tmp_path / "data", "--workers", "1")
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "data"), "--resume", "--seed", "99"])
    assert result.exit_code == 2
    assert "another recipe, seed or count" in result.output


def test_overwrite_refuses_a_folder_that_is_not_a_dataset(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("do not delete")
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(precious), "--overwrite"])
    assert result.exit_code == 2
    assert "refusing to delete" in result.output
    assert (precious / "thesis.tex").read_text() == "do not delete"


def test_a_font_lacking_a_glyph_is_never_used_for_it(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    from synthocr.synth.fonts import trdg_latin_dir

    make_font_without(trdg_latin_dir() / "DroidSans.ttf", fonts / "NoQ.ttf", "qQ")
    make_font_without(trdg_latin_dir() / "Lato-Bold.ttf", fonts / "Full.ttf", "")
    recipe = make_recipe(
        folder,
        text={"sources": [{"path": "words.txt"}]},
        fonts={"dirs": ["fonts"], "weights": {"NoQ": 50}},  # NoQ is drawn first almost always
        splits={"train": 60, "val": 0, "test": 0},
    )
    (folder / "words.txt").write_text("quiz\nQueen\nabc\nhello\n", encoding="utf-8")
    out = tmp_path / "data"
    _generate(recipe, out, "--workers", "1")
    records = list(iter_records(out, "train"))
    with_q = [r for r in records if "q" in r.text.lower()]
    assert with_q and all(r.font == "Full" for r in with_q)
    assert any(r.font == "NoQ" for r in records)
    assert read_dataset_info(out)["skipped"]["font_lacks_glyph"] >= len(with_q) // 2


def test_a_word_list_that_never_fits_the_charset_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    recipe = make_recipe(folder, text={"sources": [{"path": "words.txt"}], "charset": "xyz"})
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert "no usable text" in result.output and "text_outside_charset" in result.output


def test_texts_outside_the_charset_or_too_long_are_dropped_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    recipe = make_recipe(
        folder,
        text={"sources": [{"path": "words.txt"}], "charset": "abcdefghijklmnopqrstuvwxyz", "max_length": 6},
        splits={"train": 30, "val": 0, "test": 0},
    )
    (folder / "words.txt").write_text("good\nwords\nCAPS\nnaïve\nmuchtoolong\n", encoding="utf-8")
    out = tmp_path / "data"
    _generate(recipe, out, "--workers", "1")
    texts = {r.text for r in iter_records(out, "train")}
    assert texts <= {"good", "words"}
    skipped = read_dataset_info(out)["skipped"]
    assert skipped["text_outside_charset"] > 0 and skipped["text_too_long"] > 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": {"text": []}}, "recipe.yaml: colour: unknown key"),
        ({"geometry": {"skew": "a lot"}}, "geometry.skew: Input should be a valid number"),
        ({"fonts": {"dirs": ["no-such-fonts"]}}, "fonts.dirs[0]: directory not found"),
        ({"text": {"sources": [{"path": "empty.txt"}]}}, "text.sources[0]: word list"),
        ({"text": {"sources": [{"path": "words.txt"}], "charset": "abc語"}}, "text.charset: no font covers '語'"),
    ],
)
def test_bad_recipes_give_one_line_and_exit_code_2(tmp_path: Path, change: dict, expected: str) -> None:
    folder = tmp_path / "r"
    recipe = make_recipe(folder)
    (folder / "empty.txt").write_text("\n\n", encoding="utf-8")
    data = yaml.safe_load(recipe.read_text())
    data.update(change)
    recipe.write_text(yaml.safe_dump(data))
    out = tmp_path / "data"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(recipe) in lines[0]
    assert expected in lines[0]
    assert not out.exists()
