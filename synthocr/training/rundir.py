"""The run directory's layout: the file names every reader and writer of a training run shares.

A run directory holds `model.keras` (the model to use: the best checkpoint, else the last),
`charset.json`, `config.json` (the resolved TrainConfig, data and budget), `checkpoints/last.keras`
with `state.json` (what a resumed run continues from), `checkpoints/best.keras`, `log.csv` and
TensorBoard `logs/`. No TensorFlow here.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from synthocr.errors import UserError

MODEL_FILE = "model.keras"
CONFIG_FILE = "config.json"
STATE_FILE = "state.json"
CHECKPOINTS_DIR = "checkpoints"
LAST_CHECKPOINT = f"{CHECKPOINTS_DIR}/last.keras"
BEST_CHECKPOINT = f"{CHECKPOINTS_DIR}/best.keras"
LOG_FILE = "log.csv"
LOGS_DIR = "logs"


def check_run_dir(run_dir: Path, resume: bool) -> None:
    """A UserError unless `run_dir` suits the request: a started run to resume, or no run to overwrite.

    >>> check_run_dir(Path("/no/such/run"), resume=False)
    >>> check_run_dir(Path("/no/such/run"), resume=True)
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: run_dir /no/such/run: nothing to resume (no checkpoints/last.keras; train without resume=True first)
    """
    if resume:
        if not (run_dir / LAST_CHECKPOINT).is_file():
            raise UserError(f"run_dir {run_dir}: nothing to resume (no {LAST_CHECKPOINT}; train without resume=True first)",
                            params=("run_dir", "resume=True"))
    elif (run_dir / LAST_CHECKPOINT).exists() or (run_dir / MODEL_FILE).exists():
        raise UserError(f"run_dir {run_dir}: already holds a run; pass resume=True to continue it or choose another run_dir",
                        params=("run_dir", "resume=True"))


def writing_dir(run_dir: Path, is_primary: bool, process_index: int) -> Path:
    """Where this host saves: the run directory on the primary host, a scratch folder on the others
    (saving a sharded model is a step every host takes; only the primary's files are kept)."""
    out = run_dir if is_primary else Path(tempfile.mkdtemp(prefix=f"synthocr-host{process_index}-"))
    (out / CHECKPOINTS_DIR).mkdir(parents=True, exist_ok=True)
    return out


def keep_final_model(run_dir: Path) -> Path:
    """Copies the best checkpoint (else the last) to `model.keras` and returns its path."""
    final = run_dir / (BEST_CHECKPOINT if (run_dir / BEST_CHECKPOINT).is_file() else LAST_CHECKPOINT)
    shutil.copyfile(final, run_dir / MODEL_FILE)
    return run_dir / MODEL_FILE


def write_run_config(out: Path, resolved: dict[str, Any]) -> Path:
    """Writes `config.json` (what the run was asked and resolved to) and returns its path."""
    path = out / CONFIG_FILE
    path.write_text(json.dumps(resolved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
