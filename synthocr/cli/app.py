"""The `synthocr` Typer app the command modules register on, and how a command reports a UserError.

Below `synthocr.cli` (which imports every command module), so that the command modules import
this and not their package: no import cycle.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import typer
from rich.console import Console

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
    "widths": "--widths",
    "GapRequest.dataset": "DATASET",
    "GapRequest.real": "REAL",
}


def user_errors(func: F) -> F:
    """Turns a UserError into one line on stderr, its parameters spelled as flags, and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as err:
            typer.echo(f"error: {err.spelled(FLAG_NAMES)}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def resumable_stage(stop_progress: Callable[[], None], console: Console, how_to_go_on: str) -> Iterator[None]:
    """A long stage behind a progress display: the display stops however the stage ends, and
    Ctrl-C prints `how_to_go_on` (rich markup) after 'interrupted: ' and exits with code 130."""
    try:
        yield
    except KeyboardInterrupt:
        stop_progress()
        console.print(f"[yellow]interrupted[/]: {how_to_go_on}")
        raise typer.Exit(130) from None
    finally:
        stop_progress()
