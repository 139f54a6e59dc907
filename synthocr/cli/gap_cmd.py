"""`synthocr gap`: where a synthetic dataset differs from real images, attribute by attribute, worst first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from synthocr.cli.app import app, user_errors


@app.command()
@user_errors
def gap(
    dataset: Annotated[Path, typer.Argument(metavar="DATASET", help="a synthocr dataset directory (what `generate` wrote)")],
    real: Annotated[list[Path], typer.Argument(metavar="REAL", help="real sets: labels.tsv files, folders with one, or MJSynth roots")],
    out: Annotated[Path, typer.Option("--out", help="folder for gap.csv, gap_text.csv and gap.html")] = Path("gap"),
    split: Annotated[Optional[str], typer.Option(help="compare one split of the dataset (default: all)")] = None,
    max_images: Annotated[int, typer.Option(min=10, help="images measured per side, sampled with --seed (texts: all)")] = 5000,
    seed: Annotated[int, typer.Option(help="seed of the image sample")] = 0,
) -> None:
    """Distances between the synthetic and real distributions of every image and text attribute,
    histograms in one HTML page, and hints naming the recipe keys that move the largest gaps
    (heuristics: check them with a controlled training run)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from synthocr.report.gap import GapRequest, run_gap
    from synthocr.report.gap_html import write_gap

    console = Console()
    with console.status("reading both sides and measuring"):
        result = run_gap(GapRequest(dataset, tuple(real), split, max_images, seed=seed))
        paths = write_gap(result, out)
    table = Table(title="synthetic vs real, largest gap first", title_justify="left",
                  caption="distance: Wasserstein / pooled std (numeric), total variation (categorical)",
                  caption_justify="left")
    for column in ("#", "attribute", "distance", *(side.name for side in result.real), "real vs synthetic"):
        table.add_column(column, overflow="fold", no_wrap=column == "attribute")
    for rank, row in enumerate(result.table.to_dict("records"), start=1):
        table.add_row(str(rank), row["attribute"], f"{row['distance']:.3f}",
                      *(f"{row[f'distance_{side.name}']:.3f}" for side in result.real),
                      row["direction"] or "", style="bold" if row["hint"] else None)
    console.print(table)
    hinted = result.table[result.table["hint"].fillna("") != ""]
    if len(hinted):
        console.print("[bold]hints[/] (heuristics: directions to try, check them with a controlled training run)")
        for row in hinted.to_dict("records"):
            console.print(escape(f"  {row['attribute']}: {row['hint']}"))
    texts = result.text_gaps
    if len(texts):
        console.print("[bold]text[/]: what the real words have that the synthetic ones rarely do (all in gap_text.csv)")
        chars = texts[texts["kind"] == "character"]
        for (kind, inside), group in chars.groupby(["class", "in_charset"], sort=False):
            listed = escape(" ".join(group["item"].head(20)))  # real labels' characters: '[' among them
            console.print(f"  {kind} characters{'' if inside else ' outside the charset'}: {listed} "
                          f"(real {group['real_share'].sum():.1%} of characters, synthetic {group['synthetic_share'].sum():.1%}): "
                          f"{escape(str(group['hint'].iloc[0]))}")
        for item in texts[texts["kind"] == "pattern"].to_dict("records"):
            console.print(escape(f"  {item['hint']}"))
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    console.print(escape("wrote " + ", ".join(str(p) for p in paths)))
