"""MJSynth and labels.tsv mixed into generated splits: counts, labels, bytes, proportion, determinism."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset import iter_records, read_dataset_info
from synthocr.dataset.generate import GenerateOptions, generate
from synthocr.dataset.mixing import interleave
from synthocr.recipe import load_recipe
from tests.fixtures.fake_mjsynth import make_fake_mjsynth

from .generate_fixtures import make_recipe, read_tree

runner = CliRunner()
WORDS = ["Heretical", "apple", "BANANA", "cherry", "Damson", "elder", "fig", "Grape", "hazel", "iris",
         "juniper", "kale", "Lemon", "mango", "nectar", "olive", "Peach", "quince", "raisin", "sloe"]
BROKEN = {"empty": 1, "truncated": 1, "missing": 1, "malformed_line": 1, "lexicon_mismatch": 1}


def test_interleave_spreads_each_source_evenly() -> None:
    schedule = interleave([70, 20, 10])
    assert np.bincount(schedule).tolist() == [70, 20, 10]
    for block in range(10):  # every tenth of the split holds each source in proportion
        part = schedule[block * 10 : (block + 1) * 10]
        assert np.bincount(part, minlength=3).tolist() == [7, 2, 1]


def test_mjsynth_mixed_in_with_exact_counts_labels_and_bytes(tmp_path: Path) -> None:
    fake = make_fake_mjsynth(tmp_path / "mj", WORDS, split_counts={"train": 20}, broken=BROKEN)
    recipe = make_recipe(tmp_path / "r", splits={"train": 32, "val": 0, "test": 0}, output={"shard_size": 32},
                         mix={"mjsynth": {"path": str(tmp_path / "mj"), "fraction": 0.5, "splits": {"train": "train"}}})
    out = tmp_path / "data"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    info = read_dataset_info(out)
    # 16 MJSynth positions but 15 usable lines: every line is read, every broken one skipped once,
    # and the position left over gets a synthetic sample.
    assert info["sources"]["train"] == {"mjsynth": 15, "synth": 17}
    assert info["skipped"]["mjsynth_candidates_exhausted"] == 1
    for reason in ("mjsynth_empty", "mjsynth_undecodable", "mjsynth_missing", "mjsynth_malformed_line", "mjsynth_lexicon_mismatch"):
        assert info["skipped"][reason] == 1, (reason, info["skipped"])
    records = list(iter_records(out, "train"))
    mj = [r for r in records if r.source == "mjsynth"]
    assert sorted(r.text for r in mj) == sorted(e.text for e in fake.valid("train"))
    assert "Heretical" in {r.text for r in mj} or "Heretical" not in {e.text for e in fake.valid("train")}
    for record in mj:
        assert record.font == "mjsynth" and record.image_format == "jpeg"
        assert record.image == (fake.folder / record.meta["path"]).read_bytes()
    # Interleaved, not appended: MJSynth every other sample.
    assert [r.source for r in records[:6]] == ["synth", "mjsynth"] * 3
    manifest = pd.read_parquet(out / "train.parquet")
    assert (manifest["source"] == "mjsynth").sum() == 15


def test_mjsynth_mix_is_identical_for_1_and_2_workers_and_from_the_cli_flags(tmp_path: Path) -> None:
    make_fake_mjsynth(tmp_path / "mj", WORDS * 3, split_counts={"train": 40, "val": 20}, broken={"truncated": 2})
    recipe_path = make_recipe(tmp_path / "r", splits={"train": 40, "val": 20, "test": 0})
    flags = ["--mjsynth", str(tmp_path / "mj"), "--mjsynth-fraction", "0.3"]
    for workers, name in (("1", "one"), ("2", "two")):
        result = runner.invoke(app, ["generate", str(recipe_path), "--out", str(tmp_path / name), "--workers", workers, *flags])
        assert result.exit_code == 0, result.output
    assert read_tree(tmp_path / "one") == read_tree(tmp_path / "two")
    info = read_dataset_info(tmp_path / "one")
    assert info["sources"]["train"]["mjsynth"] == 12 and info["sources"]["val"]["mjsynth"] == 6
    assert info["recipe"]["mix"]["mjsynth"]["fraction"] == 0.3


def test_another_seed_takes_other_mjsynth_lines(tmp_path: Path) -> None:
    make_fake_mjsynth(tmp_path / "mj", WORDS * 5, split_counts={"train": 100})
    recipe = load_recipe(make_recipe(tmp_path / "r", splits={"train": 20, "val": 0, "test": 0},
                                     mix={"mjsynth": {"path": str(tmp_path / "mj"), "fraction": 0.5, "splits": {"train": "train"}}}))
    generate(recipe, GenerateOptions(out_dir=tmp_path / "a"))
    generate(recipe.model_copy(update={"seed": 123}), GenerateOptions(out_dir=tmp_path / "b"))
    ids_a = {r.id for r in iter_records(tmp_path / "a", "train") if r.source == "mjsynth"}
    ids_b = {r.id for r in iter_records(tmp_path / "b", "train") if r.source == "mjsynth"}
    assert len(ids_a) == len(ids_b) == 10 and ids_a != ids_b


def test_labels_tsv_mixed_in_as_real_source(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    lines = []
    for i, word in enumerate(["Stop", "café", "Exit", "Open", "Sale"]):
        image = np.full((32, 20 * len(word), 3), 230, np.uint8)
        cv2.putText(image, word.encode("ascii", "replace").decode(), (2, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
        cv2.imwrite(str(photos / f"{i}.png"), image)
        lines.append(f"{i}.png\t{word}")
    lines.insert(2, "missing.png\tGone")
    lines.insert(4, "no tab on this line")
    (photos / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    recipe = make_recipe(tmp_path / "r", splits={"train": 0, "val": 0, "test": 20}, output={"shard_size": 20},
                         mix={"real": [{"path": str(photos / "labels.tsv"), "fraction": 0.2, "splits": ["test"]}]})
    out = tmp_path / "data"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    info = read_dataset_info(out)
    assert info["sources"]["test"] == {"real:photos": 4, "synth": 16}
    assert info["skipped"]["real_missing"] == 1 and info["skipped"]["real_no_tab"] == 1
    assert info["skipped"]["real_text_outside_charset"] == 1  # 'café': é is not in the charset
    real = [r for r in iter_records(out, "test") if r.source == "real:photos"]
    assert sorted(r.text for r in real) == ["Exit", "Open", "Sale", "Stop"]
    assert all(r.image == (photos / r.meta["path"]).read_bytes() for r in real)


def test_fractions_adding_up_to_one_are_refused(tmp_path: Path) -> None:
    make_fake_mjsynth(tmp_path / "mj", WORDS, split_counts={"train": 20})
    recipe = make_recipe(tmp_path / "r", mix={"mjsynth": {"path": str(tmp_path / "mj"), "fraction": 0.6},
                                              "real": [{"path": str(tmp_path / "x.tsv"), "fraction": 0.5, "splits": ["train"]}]})
    (tmp_path / "x.tsv").write_text("a.png\tA\n")
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "add up to 1.10" in result.output


def test_a_missing_mjsynth_root_is_one_line(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r")
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "o"), "--mjsynth", str(tmp_path / "nowhere"),
                                 "--mjsynth-fraction", "0.2"])
    assert result.exit_code == 2
    assert str(tmp_path / "nowhere") in result.output
    assert not (tmp_path / "o").exists()
