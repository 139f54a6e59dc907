"""The `synthocr` command line: one Typer app, each area's commands in its own module."""

from __future__ import annotations

import sys

import typer

from synthocr.cli.app import FLAG_SPELLING, app, user_errors

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
    "SheetOptions.fonts": "--font",
    "by=font": "--by font",
    "run_dir": "--out",
    "TrainData.path": "--data",
    "devices": "--devices",
    "real_val": "--real-val",
    "select_by": "--select-by",
    "coordinator_address": "--coordinator",
    "num_hosts": "--num-hosts",
    "host_id": "--host-id",
    "DemoOptions.minutes": "--minutes",
    "DemoOptions.count": "--count",
    "EvalRequest.split": "--split",
    "allow_charset_mismatch=True": "--allow-charset-mismatch",
    "by": "--by",
    "GapRequest.dataset": "DATASET",
    "GapRequest.real": "REAL",
}
FLAG_SPELLING.update(FLAG_NAMES)

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
