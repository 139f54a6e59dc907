"""`synthocr export` and `export-model`: the dataset and the recogniser in other frameworks' formats."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from synthocr.cli import app, user_errors

console = Console(stderr=True)


class DataFormat(str, Enum):
    lmdb = "lmdb"
    paddle = "paddle"
    hf = "hf"


class ModelFormat(str, Enum):
    savedmodel = "savedmodel"
    onnx = "onnx"
    tflite = "tflite"


@app.command()
@user_errors
def export(
    dataset: Annotated[Path, typer.Argument(help="A synthocr dataset directory (what `generate` wrote).")],
    format: Annotated[DataFormat, typer.Option("--format", "-f", help="lmdb (deep-text-recognition-benchmark, PARSeq, MMOCR), paddle (PaddleOCR rec_gt files) or hf (Hugging Face Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")],
    split: Annotated[Optional[list[str]], typer.Option("--split", help="A split to export (repeat for more; default: all).")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an earlier export in --out.")] = False,
) -> None:
    """Copies a dataset's images and labels into another framework's format (streaming, atomic)."""
    from synthocr.cli.generate_cmd import GenerateProgress
    from synthocr.export.common import ExportRequest
    from synthocr.export.dataset_export import export_dataset

    request = ExportRequest(dataset, format.value, out, tuple(split or ()), overwrite)
    bar = GenerateProgress(console, label=f"export {format.value}")

    def on_start(total: int) -> None:
        bar.on_start(total, 0)

    try:
        summary = export_dataset(request, on_start, bar.on_progress)
    finally:
        bar.stop()
    counts = ", ".join(f"{name} {count:,}" for name, count in summary.counts.items())
    typer.echo(f"wrote {summary.out} ({summary.format}): {counts}")
    for reason, count in summary.skipped.items():
        typer.echo(f"left out {count:,}: {reason}")
