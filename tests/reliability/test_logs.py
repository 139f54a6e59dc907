"""Issue 11, point 14: logs that read well when the output is not a terminal (CI, `> run.log`, nohup)."""

from __future__ import annotations

import re
from pathlib import Path

from .helpers import cli, tiny_recipe

FRAMES = re.compile(r"\x1b\[|\r|\x08")  # ANSI escapes, carriage returns, backspaces: a redrawn progress bar


def test_14_generate_prints_a_plain_progress_line_about_every_10_percent(tmp_path: Path) -> None:
    recipe = tiny_recipe(tmp_path / "r", train=100)
    code, output = cli("generate", recipe, "--out", tmp_path / "data", "--workers", "1")
    assert code == 0, output
    assert not FRAMES.search(output)
    progress = [line for line in output.splitlines() if line.startswith("generate: ")]
    assert progress[0] == "generate: 10/100 samples"  # the first shard is drawn before the run starts
    done = [int(re.match(r"generate: (\d+)/100", line)[1]) for line in progress]
    assert done == sorted(done) and done[-1] == 100 and 9 <= len(progress) <= 11
    assert "(100%)" in progress[-1]


def test_14_train_prints_one_line_per_epoch(tmp_path: Path) -> None:
    from tests.integration.train_fixtures import write_dataset, write_recipe

    data = write_dataset(tmp_path / "data", {"train": 16, "val": 8})
    recipe = write_recipe(tmp_path / "recipe.yaml")
    code, output = cli("train", recipe, "--data", data, "--out", tmp_path / "run", "--epochs", "2", "--batch-size", "16")
    assert code == 0, output
    assert not FRAMES.search(output)
    epochs = [line for line in output.splitlines() if re.search(r"\bloss: \d", line)]
    assert len(epochs) == 2, output
