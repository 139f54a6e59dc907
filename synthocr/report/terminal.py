"""The report as a rich table: one row per group, worst first, the overall row last, then where the files went."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from synthocr.report.confusions import confusion_label
from synthocr.report.result import Report


def _pct(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def _interval(low: float, high: float) -> str:
    return f"{100 * low:.1f}–{100 * high:.1f}"


def _status(row: Mapping[Any, Any], min_samples: int) -> str:
    if row["flagged"]:
        return f"[bold red]▼[/] p={row['p_value']:.1g}"
    return "" if row["ranked"] else f"n<{min_samples}"


def _confusions(report: Report, key: tuple[str, ...], limit: int = 3) -> str:
    return " ".join(f"{confusion_label(c)}×{n}" for c, n in report.group_confusions.get(key, [])[:limit])


def _groups_table(report: Report, limit: int | None) -> tuple[Table, int]:
    names = list(report.group_columns)
    table = Table(
        title=f"word accuracy by {' × '.join(report.by)}, worst first", title_justify="left",
        caption="acc: exact word accuracy · CI: 95% Wilson · ED: mean edit distance · ▼: below the rest (z-test, 5%)",
        caption_justify="left",
    )
    for name in names:
        table.add_column(name, overflow="fold", max_width=28)
    for column in ("n", "acc", "95% CI", "CER", "ED"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("confusions", overflow="fold", max_width=24)
    table.add_column("", no_wrap=True)
    rows = report.groups.to_dict("records")
    shown = rows if limit is None else rows[:limit]
    for row in shown:
        style = "red" if row["flagged"] else None if row["ranked"] else "dim"
        table.add_row(
            *[escape(str(row[n])) for n in names], f"{row['samples']:,}", _pct(row["exact_rate"]),
            _interval(row["exact_low"], row["exact_high"]), f"{row['cer']:.3f}", f"{row['mean_edit_distance']:.2f}",
            escape(_confusions(report, tuple(str(row[n]) for n in names))), _status(row, report.min_samples), style=style,
        )
    o = report.overall
    table.add_section()
    table.add_row(
        "overall", *[""] * (len(names) - 1), f"{o['samples']:,}", _pct(o["exact"]), _interval(o["exact_low"], o["exact_high"]),
        f"{o['cer']:.3f}", f"{o['mean_edit_distance']:.2f}", "", "", style="bold",
    )
    return table, len(rows) - len(shown)


def _compare_table(report: Report, limit: int | None) -> tuple[Table, int]:
    assert report.compare is not None and report.compare_overall is not None
    names = list(report.group_columns)
    table = Table(
        title=escape(f"A {report.predictions} vs B {report.compare_with}: delta = B − A, largest drop first"),
        title_justify="left", caption="p: two-proportion z-test; tested when both sides have enough samples",
        caption_justify="left",
    )
    for name in names:
        table.add_column(name, overflow="fold", max_width=28)
    for column in ("n A", "acc A", "n B", "acc B", "delta", "p"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    rows = report.compare.to_dict("records")
    shown = rows if limit is None else rows[:limit]

    def verdict(significant: bool, delta: float) -> str:
        return "" if not significant else "[green]B better[/]" if delta > 0 else "[red]B worse[/]"

    def signed(delta: float) -> str:
        return "–" if delta is None or pd.isna(delta) else f"{100 * delta:+.1f} pt"

    def p(value: float) -> str:
        return "–" if pd.isna(value) else f"{value:.2g}"

    for row in shown:
        table.add_row(
            *[escape(str(row[n])) for n in names], f"{row['samples_a']:,}", _pct(row["exact_rate_a"]), f"{row['samples_b']:,}",
            _pct(row["exact_rate_b"]), signed(row["delta"]), p(row["p_value"]), verdict(row["significant"], row["delta"]),
        )
    c = report.compare_overall
    table.add_section()
    table.add_row(
        "overall", *[""] * (len(names) - 1), f"{c['a']['samples']:,}", _pct(c["a"]["exact"]), f"{c['b']['samples']:,}",
        _pct(c["b"]["exact"]), signed(c["delta"]), p(c["p_value"]), verdict(c["significant"], c["delta"]), style="bold",
    )
    return table, len(rows) - len(shown)


def print_report(report: Report, console: Console, limit: int | None = None) -> None:
    """Prints the groups table (at most `limit` rows, worst first), the comparison if any, and the files written."""
    for note in report.notes:
        console.print(f"[dim]note:[/] {escape(note)}")
    table, left_out = _groups_table(report, limit)
    console.print(table)
    if left_out:
        console.print(f"[dim]{left_out} more group(s) not shown; all are in {escape(str(report.csv_path))}[/]")
    if report.compare is not None:
        table, left_out = _compare_table(report, limit)
        console.print(table)
        if left_out:
            console.print(f"[dim]{left_out} more group(s) not shown; all are in {escape(str(report.compare_path))}[/]")
    flagged = int(report.groups["flagged"].sum())
    console.print(
        f"{flagged} group(s) significantly below the rest (two-proportion z-test, 5%); "
        f"groups under {report.min_samples} samples are listed, not ranked"
    )
    console.print(escape(f"wrote {report.out_dir}: " + ", ".join(p.name for p in report.files)))
