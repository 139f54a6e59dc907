"""`train --real-val`: real sets scored each epoch, in log.csv and TensorBoard, choosing the best checkpoint; bad paths."""

from __future__ import annotations

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import app

from .train_fixtures import make_records, write_dataset, write_recipe

runner = CliRunner()


def labels_tsv(folder: Path, words: list[str], labels: list[str] | None = None) -> Path:
    """A labels.tsv of rendered `words`, labelled `labels` (default: the words themselves)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (record, label) in enumerate(zip(make_records(len(words), seed=7, words=tuple(words)), labels or words)):
        (folder / f"w{i}.png").write_bytes(record.image)
        lines.append(f"w{i}.png\t{label}")
    (folder / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "labels.tsv"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    root = tmp_path_factory.mktemp("realval")
    data = write_dataset(root / "data", {"train": 40, "val": 16})
    recipe = write_recipe(root / "recipe.yaml")
    street = labels_tsv(root / "street", ["cat", "tree", "light", "water", "green", "night"])
    # Capitals and punctuation the charset lacks: scored under the benchmark convention, with a warning.
    signs = labels_tsv(root / "signs", ["stone", "bell", "zebra"], ["Stone!", "BELL", "zebra-"])
    result = runner.invoke(app, [
        "train", str(recipe), "--data", str(data), "--out", str(root / "run"), "--epochs", "2", "--steps", "6",
        "--real-val", str(street), "--real-val", str(signs.parent),
    ])
    return root, root / "run", result


def test_real_metrics_are_logged_each_epoch_and_pick_the_best_checkpoint(trained) -> None:
    root, run, result = trained
    assert result.exit_code == 0, result.output
    log = pd.read_csv(run / "log.csv")
    assert len(log) == 2
    for name in ("street", "signs"):
        for metric in ("exact", "caseless", "benchmark", "cer"):
            column = f"real/{name}/{metric}"
            assert column in log.columns, column
            assert log[column].between(0, 10).all()
    assert (log["real_benchmark"] == (log["real/street/benchmark"] + log["real/signs/benchmark"]) / 2).all()
    state = json.loads((run / "state.json").read_text())
    assert state["monitor"] == "real_benchmark" and state["best"] == pytest.approx(log["real_benchmark"].max())
    config = json.loads((run / "config.json").read_text())
    assert config["best_checkpoint_by"] == "real_benchmark" and len(config["real_val"]) == 2
    assert "best mean real benchmark accuracy" in result.output
    assert "outside the model charset '!-BELS'" in result.output  # warned, not refused
    assert (run / "checkpoints" / "best.keras").is_file()


def test_tensorboard_gets_the_real_scalars_under_their_names(trained) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    _, run, result = trained
    assert result.exit_code == 0, result.output
    assert "tensorboard is not installed" not in result.output
    events = EventAccumulator(str(run / "logs" / "real"), size_guidance={"tensors": 0})
    events.Reload()
    assert "real/street/benchmark" in events.Tags()["tensors"]
    assert len(events.Tensors("real/street/cer")) == 2
    assert any((run / "logs" / "train").glob("events.out.tfevents.*"))


def test_run_state_keeps_the_highest_value_in_max_mode(tmp_path: Path) -> None:
    from synthocr.training.callbacks import RunState

    class _Optimizer:
        class iterations:  # noqa: N801 - stands in for the optimiser's variable
            @staticmethod
            def numpy() -> int:
                return 3

    class _Model:
        optimizer = _Optimizer()

    state = RunState(tmp_path / "state.json", "real_benchmark", None, None, mode="max")
    state.set_model(_Model())  # type: ignore[arg-type]
    for epoch, value in enumerate([0.2, 0.5, 0.4]):
        state.on_epoch_end(epoch, {"real_benchmark": value})
    assert json.loads((tmp_path / "state.json").read_text())["best"] == 0.5


@pytest.mark.parametrize("case", ["missing", "empty", "no_labels"])
def test_bad_real_val_path_is_one_line_and_exit_2(trained, case: str) -> None:
    root, _, _ = trained
    target = root / f"bad-{case}"
    if case == "empty":
        target.mkdir(exist_ok=True)
        (target / "labels.tsv").write_text("", encoding="utf-8")
    elif case == "no_labels":
        target.mkdir(exist_ok=True)
        (target / "labels.tsv").write_text("gone.png\tcat\n", encoding="utf-8")
    result = runner.invoke(app, [
        "train", str(root / "recipe.yaml"), "--data", str(root / "data"), "--out", str(root / f"run-{case}"),
        "--steps", "1", "--real-val", str(target),
    ])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: --real-val {target}"), result.output
    expected = {"missing": "no such file or folder", "empty": "is empty", "no_labels": "real_missing: 1"}[case]
    assert expected in errors[0]
    assert not (root / f"run-{case}" / "model.keras").exists()


def test_select_by_real_without_real_sets_is_refused(trained) -> None:
    root, _, _ = trained
    result = runner.invoke(app, [
        "train", str(root / "recipe.yaml"), "--data", str(root / "data"), "--out", str(root / "run-x"),
        "--steps", "1", "--select-by", "real",
    ])
    assert result.exit_code == 2
    assert "error: --select-by 'real': no real validation set given" in result.output


def test_evaluate_on_real_crops_writes_attributes_and_report_groups_by_one(trained) -> None:
    root, run, _ = trained
    out = root / "street.parquet"
    result = runner.invoke(app, ["evaluate", str(run), str(root / "street" / "labels.tsv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert len(frame) == 6 and "font" not in frame.columns
    assert (frame["image_height"] == 32).all() and (frame["image_aspect"] == frame["image_width"] / 32).all()
    assert frame["image_sharpness"].gt(0).all() and frame["image_contrast"].gt(0).all()
    assert set(frame["text_case"]) == {"lower"} and not frame["text_has_digits"].any()
    assert (frame["text_length"] == frame["text"].str.len()).all()
    report = runner.invoke(app, ["report", str(out), "--by", "image_brightness", "--min-samples", "1"])
    assert report.exit_code == 0, report.output
    assert "word accuracy by image_brightness" in report.output
    table = pd.read_csv(root / "report" / "report.csv")
    assert table["samples"].sum() == 6 and len(table) > 1


def test_demo_with_a_missing_real_val_path_fails_before_generating(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "labels.tsv"
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d"), "--real-val", str(missing)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"error: --real-val {missing}: no such file or folder (give a labels.tsv, a folder with one, or an MJSynth root)")
    assert not (tmp_path / "d" / "data").exists()


@pytest.mark.parametrize(("scores", "best_epoch"), [((0.2, 0.6, 0.4), 2)])
def test_best_checkpoint_is_the_epoch_with_the_highest_real_score(trained, monkeypatch, scores, best_epoch) -> None:
    """Scripted real scores: best.keras must hold the weights of the epoch with the highest one."""
    import keras
    import numpy as np

    from synthocr.training import callbacks
    from synthocr.training.config import TrainConfig
    from synthocr.training.train import TrainData, TrainRequest, train

    root, _, _ = trained
    script = iter(scores)
    monkeypatch.setattr(callbacks.RealValidation, "evaluate", lambda self: {"real/street/benchmark": (v := next(script)), "real_benchmark": v})

    saved: dict[int, list[np.ndarray]] = {}
    original = callbacks.RunState.on_epoch_end

    def remember(self, epoch, logs=None):  # RunState runs after the checkpoints: these weights are what they saved
        saved[epoch + 1] = [w.copy() for w in self.model.get_weights()]
        original(self, epoch, logs)

    monkeypatch.setattr(callbacks.RunState, "on_epoch_end", remember)
    config = TrainConfig(model="crnn-small", batch_size=8, epochs=3, steps_per_epoch=1, warmup_steps=0, shuffle_buffer=64,
                         val_samples=8, early_stopping_patience=0)
    run = root / "run-scripted"
    result = train(TrainRequest(config, (TrainData(root / "data"),), run, verbose=0, real_val=(root / "street",)))
    assert result.monitor == "real_benchmark" and result.best == max(scores)
    best = keras.models.load_model(run / "checkpoints" / "best.keras", safe_mode=True).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(best, saved[best_epoch]))
    assert not all(np.array_equal(a, b) for a, b in zip(best, saved[3]))  # not simply the last epoch
    assert list(pd.read_csv(run / "log.csv")["real_benchmark"]) == list(scores)
