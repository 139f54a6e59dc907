"""`synthocr export` and `export-model`: the dataset and the recogniser in other frameworks' formats."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from synthocr.cli.app import app, user_errors
from synthocr.training.quiet import quiet_tensorflow

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


@app.command("export-model")
@user_errors
def export_model(
    model: Annotated[Path, typer.Argument(help="model.keras or its run directory.")],
    format: Annotated[ModelFormat, typer.Option("--format", "-f", help="savedmodel (a folder), onnx (.onnx, charset inside) or tflite (.tflite, charset in PATH.json beside it).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File (onnx, tflite) or folder (savedmodel) to write.")],
    overwrite: Annotated[bool, typer.Option(help="Replace an earlier export at --out.")] = False,
) -> None:
    """Writes the recogniser up to its logits for ONNX Runtime, TFLite or TF Serving (CTC decoding stays outside)."""
    quiet_tensorflow()
    from synthocr.export.model_export import export_model_file, sidecar_path

    with console.status(f"exporting {format.value}"):
        path = export_model_file(model, format.value, out, overwrite)
    typer.echo(f"wrote {path}" + (f" and {sidecar_path(path)}" if format is ModelFormat.tflite else ""))
