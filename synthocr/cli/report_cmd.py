"""`synthocr report`: per-font (or any column) error report of a predictions.parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from synthocr.cli.app import app, user_errors


@app.command()
@user_errors
def report(
    predictions: Annotated[Path, typer.Argument(help="predictions.parquet written by `synthocr evaluate`")],
    by: Annotated[
        Optional[list[str]],
        typer.Option(
            "--by",
            help="column to group by (repeat for nested groups), e.g. font, background, source, augment, length, skew; "
            "numeric columns with many values are cut into quantile ranges, augment gives one group per transform "
            "(a sample counts in each of its transforms' groups), or an image/text attribute (image_sharpness, "
            "image_contrast, image_brightness, text_case, ...); default font, or, without a font column (real images), "
            "the attribute whose groups' accuracy differs most",
        ),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="folder for report.html/csv/parquet and confusions.csv (default: report/ beside PREDICTIONS)")] = None,
    min_samples: Annotated[int, typer.Option(min=1, help="groups with fewer samples are listed but not ranked or flagged")] = 20,
    compare: Annotated[Optional[Path], typer.Option(help="another predictions.parquet: the same groups side by side, delta and its significance")] = None,
    limit: Annotated[Optional[int], typer.Option(min=1, help="show at most this many groups in the terminal (worst first)")] = None,
) -> None:
    """Word accuracy (95% Wilson interval), CER, confusions and worst examples per group, worst group first."""
    from rich.console import Console

    from synthocr.report import build_report, print_report

    console = Console()
    with console.status("building the report"):
        built = build_report(predictions, by, out, min_samples, compare)
    print_report(built, console, limit)
