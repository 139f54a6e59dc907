"""The app's error handling: a UserError is one line with flags for parameters, Ctrl-C says how to go on."""

from __future__ import annotations

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from synthocr.cli import FLAG_NAMES
from synthocr.cli.app import FLAG_NAMES as APP_FLAG_NAMES
from synthocr.cli.app import resumable_stage, user_errors
from synthocr.errors import UserError


def test_the_spelling_is_the_packages_flag_names() -> None:
    assert APP_FLAG_NAMES is FLAG_NAMES  # one table: the package re-exports the app's
    assert FLAG_NAMES["run_dir"] == "--out" and FLAG_NAMES["TrainData.path"] == "--data"


def test_a_user_error_is_one_line_with_flags_and_exit_2() -> None:
    app = typer.Typer()

    @app.command()
    @user_errors
    def fail() -> None:
        raise UserError("run_dir /r: already holds a run; pass resume=True", params=("run_dir", "resume=True"))

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["error: --out /r: already holds a run; pass --resume"]


def test_an_interrupted_stage_stops_the_progress_says_how_to_go_on_and_exits_130() -> None:
    stops: list[str] = []
    console = Console(record=True, width=200)
    with pytest.raises(typer.Exit) as caught, resumable_stage(lambda: stops.append("stop"), console, "run it again"):
        raise KeyboardInterrupt
    assert caught.value.exit_code == 130
    assert console.export_text().strip() == "interrupted: run it again"
    assert stops == ["stop", "stop"]  # once for the message, once on the way out


def test_a_finished_stage_stops_the_progress_once() -> None:
    stops: list[str] = []
    with resumable_stage(lambda: stops.append("stop"), Console(), "unused"):
        pass
    assert stops == ["stop"]
