"""Training for real on rendered words: it learns, saves, loads with safe_mode, predicts the same, resumes."""

from __future__ import annotations

import csv
import json
import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import app

from .train_fixtures import CHARSET, WORDS, write_dataset, write_recipe

runner = CliRunner()


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from synthocr.training.config import TrainConfig
    from synthocr.training.train import TrainData, TrainRequest, train

    root = tmp_path_factory.mktemp("learn")
    data = write_dataset(root / "data", {"train": 600, "val": 60, "test": 60})
    config = TrainConfig(model="crnn-small", batch_size=32, epochs=15, learning_rate=5e-3, warmup_steps=20,
                         shuffle_buffer=1000, early_stopping_patience=0)
    result = train(TrainRequest(config, (TrainData(data),), root / "run", verbose=0))
    return {"root": root, "data": data, "result": result}


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_tiny_training_learns_the_words(learned: dict) -> None:
    from synthocr.training.evaluate import EvalRequest, evaluate

    result, root = learned["result"], learned["root"]
    assert result.epochs_done == 15
    assert result.steps == 15 * 19  # ceil(600 / 32) steps per epoch
    assert result.history["val_cer"][-1] < result.history["val_cer"][0]
    assert result.best_val_cer is not None and result.best_val_cer < 0.1
    out = evaluate(EvalRequest(result.model_path, learned["data"], root / "predictions.parquet", split="test"))
    assert out.summary["samples"] == 60
    assert out.summary["cer"] < 0.1
    frame = pd.read_parquet(root / "predictions.parquet")
    assert set(frame["text"]) <= set(WORDS)
    # Confidence is the best path's probability (a product over 31 frames, so modest even when
    # right); decode.py's unit tests check its value. Here: a probability, and it varies by sample.
    assert frame["confidence"].between(0.0, 1.0).all()
    assert frame["confidence"].nunique() > len(frame) // 2
    for name in ("model.keras", "charset.json", "config.json", "log.csv", "checkpoints/last.keras", "checkpoints/best.keras"):
        assert (result.run_dir / name).is_file(), name
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["charset"] == CHARSET and config["train"]["model"] == "crnn-small"


@pytest.mark.slow
def test_saved_model_loads_with_safe_mode_and_predicts_the_same(learned: dict, tmp_path: Path) -> None:
    import tensorflow as tf

    from synthocr.training.inference import load_recognizer
    from synthocr.training.pipeline import preprocess_image

    from .train_fixtures import make_records

    model_path = learned["result"].model_path
    reloaded = keras.models.load_model(model_path, safe_mode=True)
    recognizer = load_recognizer(model_path.parent)
    records = make_records(4, seed=99)
    images = tf.stack([preprocess_image(tf.constant(r.image), recognizer.spec) for r in records])
    np.testing.assert_allclose(reloaded.predict(images, verbose=0), recognizer.model.predict(images, verbose=0), atol=1e-5)

    paths = []
    for r in records:
        paths.append(tmp_path / f"{r.id}.png")
        paths[-1].write_bytes(r.image)
    cli = runner.invoke(app, ["predict", str(model_path), *map(str, paths), "--json"])
    assert cli.exit_code == 0, cli.output
    lines = [json.loads(line) for line in cli.output.strip().splitlines()]
    expected = recognizer.read(images)
    assert [line["text"] for line in lines] == [d.text for d in expected]
    assert [line["confidence"] for line in lines] == pytest.approx([d.confidence for d in expected], abs=1e-5)
    assert sum(line["text"] == r.text for line, r in zip(lines, records)) >= 3


def test_resume_continues_epochs_and_optimiser_state(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 48, "val": 16}, shards=2)
    recipe = write_recipe(tmp_path / "recipe.yaml")
    run = tmp_path / "run"
    first = runner.invoke(app, ["train", str(recipe), "--data", str(data), "--out", str(run), "--epochs", "1",
                                "--schedule-steps", "5"])
    assert first.exit_code == 0, first.output
    assert json.loads((run / "config.json").read_text())["schedule_steps"] == 5
    state = json.loads((run / "state.json").read_text())
    assert (state["epoch"], state["steps"]) == (1, 3)  # 48 samples / batch 16
    adam_before = keras.models.load_model(run / "checkpoints/last.keras").optimizer

    again = runner.invoke(app, ["train", str(recipe), "--data", str(data), "--out", str(run), "--epochs", "1"])
    assert again.exit_code == 2 and "--resume" in again.output

    second = runner.invoke(app, ["train", str(recipe), "--data", str(data), "--out", str(run), "--epochs", "2", "--resume"])
    assert second.exit_code == 0, second.output
    state = json.loads((run / "state.json").read_text())
    assert (state["epoch"], state["steps"]) == (2, 6)
    with open(run / "log.csv", newline="") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]
    adam_after = keras.models.load_model(run / "checkpoints/last.keras").optimizer
    assert int(adam_before.iterations) == 3 and int(adam_after.iterations) == 6
    # Adam's moment estimates were carried over and kept accumulating, not restarted at zero.
    before = [np.abs(keras.ops.convert_to_numpy(v)).sum() for v in adam_before.variables if "momentum" in v.path]
    assert before and all(b > 0 for b in before)


def test_train_rejects_a_bad_flag_and_a_missing_dataset(tmp_path: Path) -> None:
    recipe = write_recipe(tmp_path / "recipe.yaml")
    bad = runner.invoke(app, ["train", str(recipe), "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")])
    assert bad.exit_code == 2 and "not a synthocr dataset" in bad.output
    data = write_dataset(tmp_path / "data", {"train": 8, "val": 4}, shards=1)
    precision = runner.invoke(app, ["train", str(recipe), "--data", str(data), "--out", str(tmp_path / "r"), "--precision", "half"])
    assert precision.exit_code == 2 and "precision" in precision.output
    assert len(precision.output.strip().splitlines()) == 1


def test_past_its_schedule_a_run_trains_on_at_the_floor_rate(tmp_path: Path) -> None:
    from synthocr.training.config import TrainConfig
    from synthocr.training.train import TrainData, TrainRequest, train

    data = write_dataset(tmp_path / "data", {"train": 64, "val": 16}, shards=1)
    config = TrainConfig(model="crnn-small", batch_size=16, learning_rate=1e-3, warmup_steps=2, min_lr_ratio=0.1,
                         early_stopping_patience=0)
    run = tmp_path / "run"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = train(TrainRequest(config, (TrainData(data),), run, max_steps=12, schedule_steps=6, epochs_limited=False,
                                    verbose=0))
    assert result.steps == 12  # the step budget, not the schedule, ended the run
    # tf.data shuffles: Keras is not asked to, so it does not warn that it would ignore it
    assert not [w for w in caught if "shuffle" in str(w.message)]
    assert json.loads((run / "config.json").read_text())["schedule_steps"] == 6
    adam = keras.models.load_model(run / "checkpoints/last.keras").optimizer
    assert int(adam.iterations) == 12
    assert float(adam.learning_rate) == pytest.approx(1e-4)  # the cosine's floor: 10% of the peak

    # A resumed run keeps the schedule it was built with, whatever it is asked for now.
    train(TrainRequest(config, (TrainData(data),), run, max_steps=16, schedule_steps=100, epochs_limited=False,
                       resume=True, verbose=0))
    assert json.loads((run / "config.json").read_text())["schedule_steps"] == 6
