"""The `synthocr` command line: one Typer app, each area's commands in its own module."""

from __future__ import annotations

import functools
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


def user_errors(func: F) -> F:
    """Turns a UserError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


# Each module registers its commands on `app` when imported.
from synthocr.cli import demo_cmd, generate_cmd, report_cmd, train_cmd  # noqa: E402,F401
