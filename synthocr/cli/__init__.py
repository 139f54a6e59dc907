"""The `synthocr` command line: one Typer app, each area's commands in its own module."""

from __future__ import annotations

import sys

import typer

from synthocr.cli.app import FLAG_NAMES, app, user_errors

__all__ = ["FLAG_NAMES", "app", "main", "user_errors"]


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
from synthocr.cli import demo_cmd, export_cmd, gap_cmd, generate_cmd, report_cmd, train_cmd  # noqa: E402,F401
