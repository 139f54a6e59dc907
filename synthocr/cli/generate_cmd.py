"""`synthocr generate`, `preview` and `fonts`: the data side of the command line."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from synthocr.cli.app import app, user_errors
from synthocr.errors import UserError

if TYPE_CHECKING:
    from synthocr.recipe import Recipe

console = Console(stderr=True)


class Runner(str, Enum):
    local = "local"
    beam = "beam"


class _Rate(TextColumn):
    """images/s over the whole run so far (rich's speed column wants bytes)."""

    def __init__(self) -> None:
        super().__init__("")
        self.started = time.perf_counter()
        self.base = 0

    def render(self, task):  # type: ignore[no-untyped-def]
        from rich.text import Text

        elapsed = max(1e-6, time.perf_counter() - self.started)
        return Text(f"{(task.completed - self.base) / elapsed:,.0f} img/s", style="cyan")


class GenerateProgress:
    """The generation bar: samples done, images/s since this run started, time left.

    It appears only when `on_start` is called, which generation does once the recipe is fully
    checked: a bad recipe prints one error line and no bar. Where the console is not a terminal
    (a CI job, `> run.log`, nohup) it prints one plain line about every 10% instead.
    """

    def __init__(self, console: Console, label: str = "generate") -> None:
        self._rate = _Rate()
        self._console, self._label = console, label
        self._plain = not console.is_terminal
        self.progress = Progress(
            TextColumn(f"[bold]{escape(label)}[/]"), BarColumn(), MofNCompleteColumn(), self._rate, TextColumn("eta"),
            TimeRemainingColumn(), console=console,
        )
        self._bar = self.progress.add_task(label, total=None)
        self._total, self._done, self._next_line = 0, 0, 0

    def on_start(self, total: int, done: int) -> None:
        self._rate.base, self._rate.started = done, time.perf_counter()  # resumed samples do not count in the rate
        if self._plain:
            self._total, self._done = total, done
            self._next_line = done + max(1, total // 10)
            self._console.print(f"{self._label.strip()}: {done:,}/{total:,} samples", markup=False, highlight=False)
            return
        self.progress.update(self._bar, total=total, completed=done)
        self.progress.start()

    def on_progress(self, count: int) -> None:
        if not self._plain:
            self.progress.advance(self._bar, count)
            return
        self._done += count
        if self._done >= self._next_line or self._done >= self._total:
            self._next_line = self._done + max(1, self._total // 10)
            elapsed = max(1e-6, time.perf_counter() - self._rate.started)
            rate = (self._done - self._rate.base) / elapsed
            left = (self._total - self._done) / rate if rate > 0 else 0.0
            self._console.print(
                f"{self._label.strip()}: {self._done:,}/{self._total:,} samples ({self._done / max(1, self._total):.0%}), "
                f"{rate:,.0f} img/s, about {left / 60:.1f} min left",
                markup=False, highlight=False,
            )

    def stop(self) -> None:
        self.progress.stop()

    def __enter__(self) -> GenerateProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@app.command()
@user_errors
def generate(
    recipe: Annotated[Path, typer.Argument(help="The recipe YAML file.")],
    out: Annotated[str, typer.Option("--out", "-o", help="Dataset directory to write (a local folder, or gs://... and other TensorFlow file systems).")],
    count: Annotated[Optional[int], typer.Option(min=1, help="Total samples, shared over the splits in the recipe's proportions.")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Overrides the recipe's seed.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing dataset in --out.")] = False,
    resume: Annotated[bool, typer.Option(help="Finish an interrupted run in --out (same recipe, seed and count).")] = False,
    mjsynth: Annotated[Optional[Path], typer.Option(help="MJSynth root (the 90kDICT32px folder or above) to mix in.")] = None,
    mjsynth_fraction: Annotated[Optional[float], typer.Option(min=0.0, max=0.99, help="Share of each split taken from MJSynth.")] = None,
    weights_from: Annotated[Optional[Path], typer.Option(help="A report.csv from `synthocr report`: weight the worst-read groups up.")] = None,
    weights_from_real: Annotated[Optional[list[Path]], typer.Option(help="predictions.parquet of real images (`synthocr evaluate` on a labels.tsv; repeatable): steer the case mix and augmentations to where the real errors concentrate (heuristic; see docs/real-data.md).")] = None,
    runner: Annotated[Runner, typer.Option(help="local: a process pool; beam: an Apache Beam pipeline (synthocr[beam]).")] = Runner.local,
    beam_option: Annotated[Optional[list[str]], typer.Option(help="A Beam pipeline option K=V (repeatable), e.g. runner=DataflowRunner.")] = None,
) -> None:
    """Render, augment and write a dataset of TFRecord shards with its manifests."""
    from synthocr.dataset.generate import GenerateOptions, default_workers
    from synthocr.dataset.generate import generate as run_generate
    from synthocr.dataset.mixing import apply_mix_options
    from synthocr.dataset.schema import INFO_SKIPPED, INFO_SPLITS, SPLIT_COUNT
    from synthocr.recipe import load_recipe

    if overwrite and resume:
        raise UserError("--overwrite and --resume exclude each other")
    loaded = load_recipe(recipe)
    if seed is not None:
        loaded = loaded.model_copy(update={"seed": seed})
    loaded = apply_mix_options(loaded, mjsynth, mjsynth_fraction)
    font_weights, origin = None, None
    if weights_from is not None:
        from synthocr.report.weights import font_weights_from_report

        font_weights, origin = font_weights_from_report(loaded, weights_from), str(weights_from)
    if weights_from_real:
        loaded = _real_adjusted(loaded, weights_from_real)
    options = GenerateOptions(
        out_dir=out, count=count, workers=workers or default_workers(), overwrite=overwrite, resume=resume,
        font_weights=font_weights, weights_origin=origin, runner=runner.value,
        beam_options=tuple(beam_arguments(beam_option or [])),
    )
    try:
        with GenerateProgress(console) as bar:
            summary = run_generate(loaded, options, on_start=bar.on_start, on_progress=bar.on_progress)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/]: complete shards are kept; finish with `synthocr generate {escape(str(recipe))} --out {escape(out)} --resume`")
        raise typer.Exit(130) from None
    info = summary.info
    splits = ", ".join(f"{s} {d[SPLIT_COUNT]:,}" for s, d in info[INFO_SPLITS].items())
    console.print(f"wrote {escape(out)}: {splits} ({summary.written_shards} shards written, {summary.reused_shards} kept)")
    if info.get(INFO_SKIPPED):
        console.print(escape("skipped draws: " + ", ".join(f"{k} {v:,}" for k, v in info[INFO_SKIPPED].items())))


def _real_adjusted(recipe: Recipe, predictions: list[Path]) -> Recipe:
    """The recipe steered by real predictions (--weights-from-real), its notes printed."""
    from synthocr.report.real_weights import apply_real_adjustment, read_real_predictions, real_adjustment

    adjustment = real_adjustment(read_real_predictions(predictions))
    for note in adjustment.notes:
        console.print(f"real-aware: {note}", markup=False)
    return apply_real_adjustment(recipe, adjustment)


@app.command()
@user_errors
def preview(
    recipe: Annotated[Path, typer.Argument(help="The recipe YAML file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")] = Path("sheet.png"),
    per_font: Annotated[int, typer.Option(min=1, max=20, help="Samples per font row.")] = 6,
    font: Annotated[Optional[list[str]], typer.Option(help="Only these font ids (repeatable).")] = None,
    boxes: Annotated[bool, typer.Option("--boxes", help="Draw each character's box (as output.char_boxes records it).")] = False,
    show_rejects: Annotated[bool, typer.Option("--show-rejects", help="Under each row, the draws that failed a label check, framed in red with the reason.")] = False,
) -> None:
    """A contact sheet: one row of samples per font, the font's name beside its row."""
    from synthocr.recipe import load_recipe
    from synthocr.synth.preview import SheetOptions, write_contact_sheet

    options = SheetOptions(per_font=per_font, fonts=font, boxes=boxes, show_rejects=show_rejects)
    with console.status("rendering contact sheet"):
        sheet = write_contact_sheet(load_recipe(recipe), out, options)
    console.print(f"wrote {escape(str(out))} ({sheet.rows} fonts, {sheet.samples} samples)", highlight=False)
    if show_rejects:
        reasons = ", ".join(f"{k} {v}" for k, v in sheet.rejects.most_common()) or "none"
        console.print(escape(f"{sheet.redrawn} of {sheet.samples} samples were redrawn ({reasons}); "
                             "the rejected draws are framed in red under their row"), highlight=False)


@app.command()
@user_errors
def fonts(
    directory: Annotated[Optional[Path], typer.Argument(help="Font directory (default: the recipe's fonts, or the bundled ones).")] = None,
    recipe: Annotated[Optional[Path], typer.Option(help="Recipe whose charset coverage is shown.")] = None,
) -> None:
    """List fonts with family, style, category, licence and the share of the charset each renders."""
    from synthocr.paths import bundled
    from synthocr.recipe import DEFAULT_CHARSET, load_recipe
    from synthocr.synth.fonts import blank_characters, discover_fonts, scan_directory

    loaded = load_recipe(recipe) if recipe is not None else None
    charset = loaded.text.charset if loaded is not None else DEFAULT_CHARSET
    if directory is not None:
        if not directory.is_dir():
            raise UserError(f"{directory}: font directory not found")
        found = scan_directory(directory, str(directory))
    elif loaded is not None:
        found = discover_fonts(loaded.fonts, loaded.source)
    else:
        found = scan_directory(bundled("fonts"), "bundled")
    table = Table(title=f"{len(found)} fonts · charset of {len(charset)} characters")
    for column in ("font", "family", "style", "category", "licence", "charset"):
        table.add_column(column, justify="right" if column == "charset" else "left")
    blank_pairs = 0
    for font in sorted(found, key=lambda f: f.id):
        # A character drawn blank counts as missing: it is mapped, but no word with it is drawn.
        missing = font.missing(charset)
        blank = "".join(sorted(blank_characters(font.path, charset) - set(missing)))
        blank_pairs += len(blank)
        covered = sum(1 for c in charset if ord(c) in font.glyphs and c not in blank)
        share = covered / len(charset)
        style = "" if share == 1 else "yellow" if share >= 0.9 else "red"
        notes = []
        if missing:
            notes.append(f"lacks {missing[:12]}{'…' if len(missing) > 12 else ''}")
        if blank:
            notes.append(f"blank: {blank[:12]}{'…' if len(blank) > 12 else ''}")
        cell = escape(f"{share:.0%}" + (f" ({'; '.join(notes)})" if notes else ""))
        cells = [escape(value) for value in (font.id, font.family, font.style, font.category, font.licence)]
        table.add_row(*cells, f"[{style}]{cell}[/]" if style else cell)
    Console().print(table)
    if blank_pairs:
        Console().print(f"{blank_pairs} font/character pair{'s' if blank_pairs != 1 else ''} map a glyph that draws "
                        "nothing (blank): synthocr never draws those characters with those fonts", highlight=False)


def beam_arguments(options: list[str]) -> list[str]:
    """`--beam-option` values (K=V) as Beam's command-line arguments.

    Beam's switches (save_main_session, spark_submit_uber_jar...) take no value: K=true passes
    the bare switch, K=false leaves it out.

    >>> beam_arguments(["runner=DataflowRunner", "save_main_session=true", "streaming=false"])
    ['--runner=DataflowRunner', '--save_main_session']
    """
    arguments = []
    for option in options:
        if "=" not in option:
            raise UserError(f"--beam-option {option!r}: expected K=V, e.g. runner=DirectRunner")
        key, value = option.split("=", 1)
        key = key.strip().lstrip("-")
        if not key:
            raise UserError(f"--beam-option {option!r}: the option name before '=' is empty")
        if value.lower() == "true":
            arguments.append(f"--{key}")
        elif value.lower() != "false":
            arguments.append(f"--{key}={value}")
    return arguments
