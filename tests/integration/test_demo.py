"""`synthocr demo` end to end on a tiny recipe and a fixed number of training steps."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import app

from .generate_fixtures import make_recipe

runner = CliRunner()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_demo_runs_every_stage_and_a_second_run_reuses_them(tmp_path: Path) -> None:
    from synthocr.demo import DemoOptions, run_demo

    recipe = make_recipe(tmp_path / "recipe", splits={"train": 240, "val": 40, "test": 40}, output={"shard_size": 80})
    stages: list[str] = []
    options = DemoOptions(out_dir=tmp_path / "demo", count=320, workers=2, recipe=recipe, steps=20)
    result = run_demo(options, on_stage=stages.append)

    assert [s.split(":")[0] for s in stages] == ["1/4 generate", "2/4 train", "3/4 evaluate", "4/4 report"]
    info = json.loads((result.data_dir / "synthocr_info.json").read_text())
    assert {s: d["count"] for s, d in info["splits"].items()} == {"train": 256, "val": 13, "test": 51}
    assert result.train_steps == 20
    assert result.sample_sheet.is_file()
    frame = pd.read_parquet(result.predictions)
    assert len(frame) == 51 and result.summary["samples"] == 51
    assert 0.0 <= result.summary["exact"] <= 1.0
    assert set(frame["font"]) <= {"DroidSans", "Lato-Bold", "OpenSans-Italic"}
    html = result.report.html_path.read_text(encoding="utf-8")
    assert "DroidSans" in html and "<svg" in html
    assert (result.report_dir / "report.csv").is_file()

    # A second run keeps the dataset (same bytes) and continues the run rather than restarting it.
    shard = sorted(result.data_dir.glob("tiny-train.tfrecord-*"))[0]
    before = shard.read_bytes()
    again = run_demo(DemoOptions(out_dir=tmp_path / "demo", count=320, workers=1, recipe=recipe, steps=30))
    assert shard.read_bytes() == before
    assert again.train_steps == 30


def test_demo_with_too_few_minutes_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d"), "--minutes", "1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --minutes 1: the demo needs at least 3 minutes (generate, train, evaluate, report)"]
    assert not (tmp_path / "d").exists()
