"""`synthocr demo`: generate, train, evaluate and report on the bundled assets, on a CPU, in minutes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from synthocr.cli.app import app, resumable_stage, user_errors
from synthocr.cli.generate_cmd import GenerateProgress

console = Console(stderr=True)
out_console = Console()


@app.command()
@user_errors
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the dataset, the run, the predictions and the report.")] = Path("demo"),
    minutes: Annotated[float, typer.Option(help="Time budget of the whole demo; training gets what generation leaves.")] = 15.0,
    count: Annotated[int, typer.Option(help="Samples to generate: up to 4,000 test and 1,000 val, the rest train.")] = 45000,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Generation worker processes (default: all cores).")] = None,
    recipe: Annotated[Optional[Path], typer.Option(help="Recipe to use instead of the bundled recipes/default.yaml.")] = None,
    real_val: Annotated[Optional[list[Path]], typer.Option("--real-val", help="Real validation set (repeatable): a labels.tsv, a folder with one, or an MJSynth root; scored each epoch, picks the best checkpoint, its accuracy printed beside the synthetic one.")] = None,
) -> None:
    """The whole loop on the bundled fonts and backgrounds: generate, train crnn-small, evaluate, report by font.

    Offline and on a CPU; run it again to reuse the dataset and continue the training run.
    """
    from synthocr.demo import check_demo_options

    check_demo_options(minutes, count)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from synthocr.dataset.generate import default_workers
    from synthocr.demo import DemoOptions, run_demo

    options = DemoOptions(out_dir=out, minutes=minutes, count=count, workers=workers or default_workers(), recipe=recipe,
                          real_val=tuple(real_val or ()))
    console.print(f"[bold]synthocr demo[/]: generate -> train -> evaluate -> report, about {minutes:g} minutes, into {escape(str(out))}/")
    bar = GenerateProgress(console, label="  generate")

    def on_stage(message: str) -> None:
        bar.stop()
        console.print(f"[bold cyan]{escape(message)}[/]")

    def on_note(message: str) -> None:
        console.print(f"  {escape(message)}")

    go_on = f"the dataset and the last checkpoint are kept; run `synthocr demo --out {escape(str(out))}` to go on"
    with resumable_stage(bar.stop, console, go_on):
        result = run_demo(options, on_stage=on_stage, on_note=on_note, on_generate=(bar.on_start, bar.on_progress),
                          train_verbose=1 if sys.stderr.isatty() else 2)
    _print_result(result)


def _print_result(result: Any) -> None:
    """The scores, the report by font, where everything is and what to run next."""
    from synthocr.demo import shown_path
    from synthocr.report import print_report
    from synthocr.training.rundir import MODEL_FILE

    s = result.summary
    out_console.print()
    out_console.print(
        f"[bold]test split: {s['samples']:,} samples, word accuracy {s['exact']:.1%} exact[/] "
        f"({s['caseless']:.1%} ignoring case), CER {s['cer']:.3f}, after {result.train_steps:,} training steps; "
        f"{result.minutes:.1f} minutes in all"
    )
    for name, r in result.real.items():
        out_console.print(
            f"[bold]real set {name}: {r['samples']:,} samples, word accuracy {r['benchmark']:.1%} benchmark[/] "
            f"(a-z0-9 ignoring case; {r['exact']:.1%} exact), CER {r['cer']:.3f}  "
            f"(synthetic test split: {s['benchmark']:.1%} benchmark)"
        )
    print_report(result.report, out_console, limit=15)
    out_console.print()
    out_console.print(escape(f"report:        {result.report.html_path}  (table: {result.report_dir / 'report.csv'})"))
    out_console.print(escape(f"sample sheet:  {result.sample_sheet}"))
    out_console.print(escape(f"model:         {result.run_dir / MODEL_FILE}"))
    if result.real_predictions:  # real errors steer the recipe; synthetic font errors did not help on real words
        steer = " ".join(f"--weights-from-real {p}" for p in result.real_predictions.values())
        out_console.print(
            "next:          generate more of what it misreads on real images: "
            f"uv run synthocr generate {shown_path(result.recipe)} {steer} --out data/more"
        )
        return
    # Without real crops, point to them: benchmarks/bench_loop.py measured re-weighting fonts by
    # synthetic errors (--weights-from) lowering real-word accuracy, steering by real errors not.
    real = result.run_dir.parent / "real.parquet"
    out_console.print(
        f"next:          read your own crops: uv run synthocr evaluate {result.run_dir} PATH/labels.tsv --out {real}\n"
        f"               then generate more of what it misreads there: uv run synthocr generate "
        f"{shown_path(result.recipe)} --weights-from-real {real} --out data/more",
        markup=False,
    )
