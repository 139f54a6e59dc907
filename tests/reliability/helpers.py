"""Small helpers the reliability tests share: a tiny recipe, a run stopped part-way, one-line errors."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset.generate import GenerateOptions, generate
from synthocr.recipe import load_recipe
from tests.integration.generate_fixtures import make_recipe, read_tree

runner = CliRunner()

__all__ = ["cli", "make_recipe", "one_line_error", "read_tree", "stopped_run", "tiny_recipe", "update_recipe"]


def tiny_recipe(folder: Path, train: int = 20, **overrides: object) -> Path:
    """The generate fixtures' recipe with `train` samples in shards of 10 and no val or test."""
    overrides.setdefault("splits", {"train": train, "val": 0, "test": 0})
    overrides.setdefault("output", {"shard_size": 10})
    return make_recipe(folder, **overrides)


def update_recipe(recipe: Path, **sections: object) -> None:
    data = yaml.safe_load(recipe.read_text(encoding="utf-8"))
    data.update(sections)
    recipe.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def one_line_error(code: int, output: str) -> str:
    """The one error line of a refused command (asserting exit code 2 and nothing else printed)."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert code == 2, output
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    return lines[0]


class Stop(Exception):
    """Stands in for a kill: raised from the progress callback part-way through a run."""


def stopped_run(recipe: Path, out: Path, after: int) -> None:
    """A one-worker run that stops once `after` samples have been reported (complete shards stay)."""
    seen = [0]

    def progress(count: int) -> None:
        seen[0] += count
        if seen[0] >= after:
            raise Stop

    try:
        generate(load_recipe(recipe), GenerateOptions(out_dir=out, workers=1), on_progress=progress)
    except Stop:
        return
    raise AssertionError("the run finished before it was stopped")
