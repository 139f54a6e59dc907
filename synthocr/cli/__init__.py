"""The `synthocr` command line: one Typer app, each area's commands in its own module."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from synthocr.errors import UserError

app = typer.Typer(
    name="synthocr",
    help="Synthetic word images, MJSynth mixing, CRNN-CTC training and per-font error reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., Any])

# How the command line spells the library parameters that UserError messages name (UserError.params).
FLAG_NAMES: dict[str, str] = {
    "out_dir": "--out",
    "resume=True": "--resume",
    "overwrite=True": "--overwrite",
    "count": "--count",
    "runner='beam'": "--runner beam",
    "beam_options": "--beam-option",
    "mjsynth_root": "--mjsynth PATH",
    "mjsynth_fraction": "--mjsynth-fraction",
    "report_csv": "--weights-from",
    "by=font": "--by font",
    "EvalRequest.split": "--split",
    "allow_charset_mismatch=True": "--allow-charset-mismatch",
    "by": "--by",
    "GapRequest.dataset": "DATASET",
    "GapRequest.real": "REAL",
}


def user_errors(func: F) -> F:
    """Turns a UserError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as err:
            typer.echo(f"error: {err.spelled(FLAG_NAMES)}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """The `synthocr` console script: the app, with the command line's own mistakes (an unknown
    option, a missing argument, a value out of range) as one line and exit code 2, like a
    UserError, instead of a usage block and a framed message."""
    # typer vendors click and exports neither class; the lock file pins the typer they come from.
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError:  # `synthocr` alone: the help has been printed
        sys.exit(2)
    except UsageError as err:
        where = f"{err.ctx.command_path}: " if err.ctx is not None else ""
        typer.echo(f"error: {where}{err.format_message()}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


# Each module registers its commands on `app` when imported.
from synthocr.cli import demo_cmd, gap_cmd, generate_cmd, report_cmd, train_cmd  # noqa: E402,F401
from synthocr.cli import export_cmd  # noqa: E402,F401
