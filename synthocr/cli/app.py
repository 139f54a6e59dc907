"""The `synthocr` Typer app the command modules register on, and how a command reports a UserError.

Below `synthocr.cli` (which imports every command module), so that the command modules import
this and not their package: no import cycle.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
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


def quiet_tensorflow() -> None:
    """Loads TensorFlow and finds its devices with the native log lines of its start-up silenced.

    TensorFlow >= 2.19 writes absl's "All log messages before absl::InitializeLog() ..." and INFO
    lines (oneDNN, no CUDA drivers, cuInit failing on a machine without a GPU) straight to file
    descriptor 2 before it reads TF_CPP_MIN_LOG_LEVEL (tensorflow/tensorflow#100442), so a refused
    command printed six lines of them above its one error line. stderr points at /dev/null while
    TensorFlow loads and lists its devices, then TF_CPP_MIN_LOG_LEVEL=2 quiets what it logs later.
    Python exceptions are raised as usual, once stderr is back. Set TF_CPP_MIN_LOG_LEVEL=0 to see
    everything (nothing is silenced then). Not for `demo`: its generation forks worker processes,
    which must not inherit a loaded TensorFlow.
    """
    if os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2") == "0" or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                import tensorflow as tf

                tf.config.list_physical_devices()
            except ImportError:  # the command's own import says so, with stderr back
                pass
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


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
