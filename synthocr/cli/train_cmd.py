"""Commands of the recogniser: `train`, `evaluate` and `predict`."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from synthocr.cli.app import app, user_errors
from synthocr.errors import UserError
from synthocr.predictions import PREDICTIONS_FILE
from synthocr.training.quiet import quiet_tensorflow

DESKEW_HELP = ("also read each image turned upright by the angle its edges show (words at up to 45 degrees in an "
               "upright crop), keeping the more confident reading; twice the forward passes")
LEXICON_HELP = ("a word list a reading may be corrected to (a file, one word per line, or english_common, english, "
                "trdg:en); repeatable. A reading outside it gives way to a word within 2 edits the model finds likely enough")
LEXICON_WEIGHT_HELP = ("nats a lexicon word is favoured by over a reading outside the lexicon (0: only if likelier; large: "
                       "always); default 5 nats")  # synthocr.training.lexicon.DEFAULT_WEIGHT, not imported: it brings numpy
WIDTHS_HELP = ("width factors to read each image at, keeping the most confident reading (one forward pass each), "
               "e.g. 0.8,0.9,1,1.15,1.3; 1: as trained")

# The model argument and the reading options `evaluate` and `predict` share.
ModelArg = Annotated[Path, typer.Argument(help="model.keras or its run directory")]
BeamWidth = Annotated[int, typer.Option(help="0: greedy; else CTC beam search of this width", min=0)]
Widths = Annotated[str, typer.Option(help=WIDTHS_HELP)]
Deskew = Annotated[bool, typer.Option(help=DESKEW_HELP)]
Lexicon = Annotated[Optional[list[str]], typer.Option(help=LEXICON_HELP, metavar="LIST")]
LexiconWeight = Annotated[Optional[float], typer.Option(help=LEXICON_WEIGHT_HELP, min=0, show_default=False)]


def _lexicon_weight(value: float | None) -> float:
    from synthocr.training.lexicon import DEFAULT_WEIGHT

    return DEFAULT_WEIGHT if value is None else value


class SelectBy(str, Enum):
    real = "real"
    synthetic = "synthetic"


def parse_data_arg(value: str) -> tuple[Path, float]:
    """'DIR' or 'DIR:WEIGHT' -> (path, weight).

    >>> parse_data_arg("runs/b:0.3")
    (PosixPath('runs/b'), 0.3)
    """
    head, sep, tail = value.rpartition(":")
    if sep and head:
        try:
            weight = float(tail)
        except ValueError:
            return Path(value), 1.0
        if not weight > 0:
            raise UserError(f"--data {value}: the weight must be a positive number")
        return Path(head), weight
    return Path(value), 1.0


@app.command()
@user_errors
def train(
    recipe: Annotated[Path, typer.Argument(help="recipe YAML; its `train:` section configures the run", exists=True, dir_okay=False)],
    data: Annotated[list[str], typer.Option("--data", help="dataset dir, optionally weighted: --data A --data B:0.3")],
    out: Annotated[Path, typer.Option("--out", help="run directory (model.keras, checkpoints, logs)")],
    epochs: Annotated[Optional[int], typer.Option(help="epochs (overrides the recipe)", min=1)] = None,
    steps: Annotated[Optional[int], typer.Option(help="stop after this many optimiser steps in all", min=1)] = None,
    minutes: Annotated[Optional[float], typer.Option(help="stop after this many minutes of training", min=0.01)] = None,
    schedule_steps: Annotated[Optional[int], typer.Option(help="length of the cosine learning-rate schedule in steps (default: --steps, else the epochs' steps); a run that goes past it trains on at the floor rate", min=1)] = None,
    batch_size: Annotated[Optional[int], typer.Option(help="batch size (overrides the recipe)", min=1)] = None,
    precision: Annotated[Optional[str], typer.Option(help="auto | float32 | mixed (overrides the recipe)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the run in --out from its last checkpoint")] = False,
    devices: Annotated[Optional[str], typer.Option(help="devices to train on, comma-separated, e.g. gpu:0,gpu:1 (default: every GPU, else the CPU)")] = None,
    coordinator: Annotated[Optional[str], typer.Option(help="several hosts (KERAS_BACKEND=jax): HOST:PORT of host 0, the same on every host")] = None,
    num_hosts: Annotated[Optional[int], typer.Option(help="several hosts: how many take part", min=1)] = None,
    host_id: Annotated[Optional[int], typer.Option(help="several hosts: this host's number, 0 .. num-hosts - 1 (0 writes --out)", min=0)] = None,
    real_val: Annotated[Optional[list[Path]], typer.Option("--real-val", help="real validation set scored after every epoch (repeatable): a labels.tsv, a folder with one, or an MJSynth root; logged as real/<name>/...")] = None,
    select_by: Annotated[Optional[SelectBy], typer.Option("--select-by", help="what picks the best checkpoint: real (mean benchmark accuracy of the --real-val sets; the default when they are given) or synthetic (val CER)")] = None,
) -> None:
    """Trains the CRNN-CTC recogniser on one or more synthocr datasets."""
    quiet_tensorflow()
    from synthocr.recipe import load_recipe
    from synthocr.training.budget import epochs_bound
    from synthocr.training.distribute import join_hosts
    from synthocr.training.train import TrainData, TrainRequest
    from synthocr.training.train import train as run_training

    if coordinator is not None or num_hosts is not None or host_id is not None:
        join_hosts(coordinator, num_hosts, host_id)

    config = load_recipe(recipe).train_config.with_overrides(epochs=epochs, batch_size=batch_size, precision=precision)
    sources = tuple(TrainData(*parse_data_arg(d)) for d in data)
    request = TrainRequest(
        config=config, data=sources, run_dir=out, max_steps=steps, minutes=minutes, schedule_steps=schedule_steps,
        epochs_limited=epochs_bound(epochs, steps, minutes), resume=resume,
        devices=tuple(d.strip() for d in devices.split(",") if d.strip()) if devices is not None else None,
        real_val=tuple(real_val or ()), select_by=select_by.value if select_by is not None else None,
        verbose=1 if sys.stdout.isatty() else 2,  # a log file, CI or nohup: one line per epoch, no progress frames
    )
    result = run_training(request, on_message=lambda m: typer.echo(m, err=True))
    if result.skipped:
        skipped = ", ".join(f"{reason}: {n}" for reason, n in result.skipped.items())
        typer.echo(f"skipped while reading {result.samples_read} training samples: {skipped}")
    best = "" if result.best_val_cer is None else f", best val CER {result.best_val_cer:.4f}"
    if result.monitor == "real_benchmark" and result.best is not None:
        best = f", best mean real benchmark accuracy {result.best:.4f}"
    why = f" ({result.stopped_because})" if result.stopped_because else ""
    typer.echo(f"{result.model_path}: {result.epochs_done} epochs, {result.steps} steps{best}{why}")


@app.command()
@user_errors
def evaluate(
    model: ModelArg,
    data: Annotated[Path, typer.Argument(help="a synthocr dataset dir, a labels.tsv or an MJSynth root")],
    out: Annotated[Path, typer.Option("--out", help=f"{PREDICTIONS_FILE} to write")] = Path(PREDICTIONS_FILE),
    split: Annotated[str, typer.Option(help="split of a dataset or MJSynth root")] = "test",
    beam_width: BeamWidth = 0,
    batch_size: Annotated[int, typer.Option(help="images per inference batch", min=1)] = 128,
    limit: Annotated[Optional[int], typer.Option(help="evaluate at most this many samples", min=1)] = None,
    allow_charset_mismatch: Annotated[bool, typer.Option(help="score data with characters the model cannot output (as errors)")] = False,
    widths: Widths = "1",
    deskew: Deskew = False,
    lexicon: Lexicon = None,
    lexicon_weight: LexiconWeight = None,
) -> None:
    """Reads every sample, writes one row per sample to a parquet file and prints word accuracy and CER."""
    quiet_tensorflow()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from synthocr.training.evaluate import EvalRequest
    from synthocr.training.evaluate import evaluate as run_evaluation
    from synthocr.training.widths import parse_widths

    request = EvalRequest(model, data, out, split, beam_width, batch_size, allow_charset_mismatch, limit, parse_widths(widths), deskew,
                          tuple(lexicon or ()), _lexicon_weight(lexicon_weight))
    with Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("evaluate", total=None)
        result = run_evaluation(request, on_progress=lambda done, total: bar.update(task, completed=done, total=total))
    if result.charset_gaps:
        typer.echo(f"warning: the model can never output {result.charset_gaps!r}; those samples count as errors", err=True)
    s = result.summary
    typer.echo(
        f"{s['samples']} samples: word accuracy {s['exact']:.4f} exact, {s['caseless']:.4f} caseless, "
        f"{s['benchmark']:.4f} benchmark (a-z0-9); CER {s['cer']:.4f}"
    )
    if result.turned is not None:
        typer.echo(f"deskew: {result.turned} of {s['samples']} readings kept from the image turned upright (column turn)")
    if result.replaced is not None:
        r = result.replaced
        typer.echo(f"lexicon: {r.count} of {s['samples']} readings replaced by a lexicon word (column raw_prediction): "
                   f"{r.fixed} now right that were wrong, {r.broken} now wrong that were right (benchmark convention)")
    if result.skipped:
        typer.echo("skipped: " + ", ".join(f"{reason}: {n}" for reason, n in result.skipped.items()))
    typer.echo(f"wrote {result.out}")


@app.command()
@user_errors
def predict(
    model: ModelArg,
    images: Annotated[list[Path], typer.Argument(help="image files")],
    beam_width: BeamWidth = 0,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    widths: Widths = "1",
    deskew: Deskew = False,
    lexicon: Lexicon = None,
    lexicon_weight: LexiconWeight = None,
) -> None:
    """Prints the text and confidence of each image."""
    quiet_tensorflow()
    from synthocr.training.predict import predict as run_prediction
    from synthocr.training.widths import parse_widths

    for p in run_prediction(model, images, beam_width, widths=parse_widths(widths), deskew=deskew, lexicon=tuple(lexicon or ()),
                            lexicon_weight=_lexicon_weight(lexicon_weight)):
        turn = {} if p.turn is None else {"turn": p.turn}
        raw = {} if p.raw is None else {"raw": p.raw}
        if as_json:
            typer.echo(json.dumps({"image": str(p.image), "text": p.text, "confidence": round(p.confidence, 6), **turn, **raw},
                                  ensure_ascii=False))
        else:
            typer.echo(f"{p.image}\t{p.text}\t{p.confidence:.4f}" + (f"\tturn {p.turn}" if turn else "")
                       + (f"\tread {p.raw}" if raw else ""))
