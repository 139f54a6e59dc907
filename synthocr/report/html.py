"""report.html: one self-contained page (inline CSS, inline SVG, images as data URIs, no network).

The page holds a bar chart of word accuracy per group with its Wilson interval as an error bar
and the overall accuracy as a dashed line, the table, the comparison when there is one, and per
group a strip of its worst examples. Every text from the data goes through `html.escape`.

A few lines of inline script count, once the page has loaded, the images the browser decoded
and the chart bars it laid out, into `data-images-loaded` and `data-chart-bars` on <body>, next
to the counts the page was written with (`data-images-expected`, `data-chart-bars-expected`):
a headless browser's DOM dump then tells whether the page really rendered.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from synthocr.report.confusions import confusion_label
from synthocr.report.result import Example, Report

CHART_WIDTH = 820
LABEL_WIDTH = 230
VALUE_WIDTH = 130
ROW_HEIGHT = 22
MIN_BAR = 1.5  # px: a group read 0% right still shows a stub of a bar
COLOURS = {"flagged": "#c0392b", "ok": "#2e7dbf", "few": "#a9b1b9"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:14px 0 10px}h3{font-size:14px;margin:18px 0 6px}
.meta{color:#4a5563;margin:2px 0}.notes{color:#4a5563;margin:6px 0 0;padding-left:18px}
section{background:#fff;border:1px solid #e1e5ea;border-radius:8px;padding:6px 18px 16px;margin-top:18px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid #edf0f3;text-align:right;vertical-align:top;white-space:nowrap}
th{background:#f0f3f6;font-weight:600;position:sticky;top:0}
td.key,th.key,td.text{text-align:left}td.text{white-space:normal;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
tr.overall td{font-weight:600;background:#f7f9fb}tr.flagged td{background:#fdecea}tr.few td{color:#8a939d}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;color:#fff}
.badge.flagged{background:#a93226}.badge.few{background:#a9b1b9}.badge.up{background:#23863f}.badge.down{background:#a93226}
svg text{font-size:12px;fill:#1d2430}svg .axis{fill:#6b7580;font-size:11px}
.strip{display:flex;flex-wrap:wrap;gap:10px}
figure{margin:0;padding:6px;border:1px solid #e1e5ea;border-radius:6px;background:#fafbfc;max-width:380px}
figure img{display:block;image-rendering:auto;background:#fff;max-width:360px}
figcaption{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;margin-top:4px;word-break:break-all}
.truth{color:#23863f}.pred{color:#a93226}.small{color:#6b7580;font-family:system-ui,sans-serif}
.noimage{width:160px;height:40px;display:flex;align-items:center;justify-content:center;text-align:center;
  color:#8a939d;font-size:11px;border:1px dashed #c6ccd2;border-radius:4px;padding:2px}
.none{color:#6b7580}
"""

SCRIPT = """
window.addEventListener("load", function () {
  var images = Array.prototype.filter.call(document.images, function (img) {
    return img.complete && img.naturalWidth > 0;
  }).length;
  var bars = Array.prototype.filter.call(document.querySelectorAll("svg.chart rect.bar"), function (bar) {
    return bar.getBBox().width > 0;
  }).length;
  document.body.dataset.imagesLoaded = String(images);
  document.body.dataset.chartBars = String(bars);
});
"""


def _pct(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:.1f}%"


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:.{digits}f}"


def group_label(key: Sequence[str]) -> str:
    return " / ".join(key)


def _status(row: Any) -> str:
    return "flagged" if row["flagged"] else "ok" if row["ranked"] else "few"


def chart(report: Report) -> str:
    """Horizontal bars of word accuracy per group (table order), Wilson error bars, overall line."""
    groups = report.groups
    names = list(report.group_columns)
    top, bottom = 28, 26
    plot = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = top + bottom + ROW_HEIGHT * len(groups)

    def x(rate: float) -> float:
        return LABEL_WIDTH + plot * rate

    parts = [
        (
            f'<svg class="chart" width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" '
            f'role="img" aria-label="word accuracy per group">'
        )
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{height - bottom + 4}" stroke="#e6e9ed"/>'
            f'<text class="axis" x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle">{int(tick * 100)}%</text>'
        )
    for i, row in enumerate(groups.to_dict("records")):
        y = top + i * ROW_HEIGHT
        label = group_label([str(row[n]) for n in names])
        short = label if len(label) <= 34 else label[:33] + "…"
        status = _status(row)
        width = max(MIN_BAR, plot * row["exact_rate"])
        low, high = x(row["exact_low"]), x(row["exact_high"])
        mid = y + ROW_HEIGHT / 2
        parts.append(
            f'<g><title>{escape(label)}: {_pct(row["exact_rate"])} of {row["samples"]} '
            f'(95% {_pct(row["exact_low"])}–{_pct(row["exact_high"])})</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{mid + 4:.1f}" text-anchor="end">{escape(short)}</text>'
            f'<rect class="bar {status}" x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{ROW_HEIGHT - 8}" '
            f'rx="2" fill="{COLOURS[status]}"/>'
            f'<line class="interval" x1="{low:.1f}" y1="{mid:.1f}" x2="{high:.1f}" y2="{mid:.1f}" stroke="#1d2430" stroke-width="1.2"/>'
            f'<line x1="{low:.1f}" y1="{mid - 4:.1f}" x2="{low:.1f}" y2="{mid + 4:.1f}" stroke="#1d2430" stroke-width="1.2"/>'
            f'<line x1="{high:.1f}" y1="{mid - 4:.1f}" x2="{high:.1f}" y2="{mid + 4:.1f}" stroke="#1d2430" stroke-width="1.2"/>'
            f'<text x="{LABEL_WIDTH + plot + 8}" y="{mid + 4:.1f}">{_pct(row["exact_rate"])} · n={row["samples"]}</text></g>'
        )
    overall = x(report.overall["exact"])
    parts.append(
        f'<line x1="{overall:.1f}" y1="{top - 10}" x2="{overall:.1f}" y2="{height - bottom + 4}" stroke="#1d2430" '
        f'stroke-dasharray="4 3"/><text class="axis" x="{overall:.1f}" y="{top - 14}" text-anchor="middle">'
        f'overall {_pct(report.overall["exact"])}</text></svg>'
    )
    return "".join(parts)


def _cells(*values: Any) -> str:
    """Plain table cells, right-aligned by the stylesheet."""
    return "".join(f"<td>{value}</td>" for value in values)


def _key_cells(row: Any, names: Sequence[str]) -> str:
    """The group's key, one left-aligned cell per grouping column."""
    return "".join(f'<td class="key">{escape(str(row[n]))}</td>' for n in names)


def _interval(low: float, high: float) -> str:
    return f"{_pct(low)}–{_pct(high)}"


def _badge(row: Any, status: str, min_samples: int) -> str:
    if status == "flagged":
        return f'<span class="badge flagged">below the rest, p={row["p_value"]:.3g}</span>'
    return f'<span class="badge few">&lt; {min_samples} samples</span>' if status == "few" else ""


def _table(report: Report) -> str:
    names = list(report.group_columns)
    head = "".join(f'<th class="key">{escape(n)}</th>' for n in names)
    rows = [
        (
            f"<table><thead><tr><th>rank</th>{head}<th>samples</th><th>word acc.</th><th>95% interval</th><th>CER</th>"
            f'<th>mean edits</th><th>mean conf.</th><th class="key">top confusions</th><th class="key">status</th>'
            "</tr></thead><tbody>"
        )
    ]
    o = report.overall
    overall_confusions = ", ".join(f"{confusion_label(c)} ×{n}" for c, n in report.overall_confusions)
    rows.append(
        f'<tr class="overall"><td></td><td class="key" colspan="{len(names)}">overall</td>'
        + _cells(o["samples"], _pct(o["exact"]), _interval(o["exact_low"], o["exact_high"]), _num(o["cer"], 4),
                 _num(o["mean_edit_distance"], 2), _num(o["mean_confidence"], 3))
        + f'<td class="text">{escape(overall_confusions)}</td><td></td></tr>'
    )
    for row in report.groups.to_dict("records"):
        status = _status(row)
        rank = "" if row["rank"] is pd.NA or pd.isna(row["rank"]) else str(int(row["rank"]))
        statistics = _cells(
            row["samples"], _pct(row["exact_rate"]), _interval(row["exact_low"], row["exact_high"]), _num(row["cer"], 4),
            _num(row["mean_edit_distance"], 2), _num(row["mean_confidence"], 3),
        )
        rows.append(
            f'<tr class="{status}">{_cells(rank)}{_key_cells(row, names)}{statistics}'
            f'<td class="text">{escape(row["top_confusions"])}</td><td class="key">{_badge(row, status, report.min_samples)}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _compare(report: Report) -> str:
    if report.compare is None or report.compare_overall is None:
        return ""
    names = list(report.group_columns)
    c = report.compare_overall
    head = "".join(f'<th class="key">{escape(n)}</th>' for n in names)
    out = [
        (
            f"<section><h2>Comparison</h2><p class=\"meta\">A: {escape(str(report.predictions))}<br>"
            f"B: {escape(str(report.compare_with))}<br>delta = B − A; significant: two-proportion z-test, 95%, "
            f"groups with at least {report.min_samples} samples on both sides.</p>"
            f"<table><thead><tr>{head}<th>samples A</th><th>acc. A</th><th>samples B</th><th>acc. B</th><th>delta</th>"
            f'<th>p</th><th class="key">significant</th></tr></thead><tbody>'
            f'<tr class="overall"><td class="key" colspan="{len(names)}">overall</td>'
        )
        + _cells(c["a"]["samples"], _pct(c["a"]["exact"]), c["b"]["samples"], _pct(c["b"]["exact"]), _signed(c["delta"]),
                 _num(c["p_value"], 3))
        + f'<td class="key">{_verdict(c["significant"], c["delta"])}</td></tr>'
    ]
    for row in report.compare.to_dict("records"):
        sides = _cells(row["samples_a"], _pct(row["exact_rate_a"]), row["samples_b"], _pct(row["exact_rate_b"]),
                       _signed(row["delta"]), _num(row["p_value"], 3))
        out.append(f'<tr>{_key_cells(row, names)}{sides}<td class="key">{_verdict(row["significant"], row["delta"])}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def _signed(delta: float) -> str:
    return "–" if delta is None or math.isnan(delta) else f"{100 * delta:+.1f} pt"


def _verdict(significant: bool, delta: float) -> str:
    if not significant:
        return ""
    return '<span class="badge up">B better</span>' if delta > 0 else '<span class="badge down">B worse</span>'


def _example(example: Example) -> str:
    if example.image.png is not None:
        data = base64.b64encode(example.image.png).decode("ascii")
        picture = f'<img src="data:image/png;base64,{data}" alt="{escape(example.text)}">'
    else:
        picture = f'<div class="noimage">{escape(example.image.note or "no image")}</div>'
    confidence = "" if example.confidence is None else f" · conf {example.confidence:.2f}"
    prediction = escape(example.prediction) if example.prediction else '<span class="small">(empty)</span>'
    return (
        f'<figure>{picture}<figcaption><span class="truth">{escape(example.text)}</span> → '
        f'<span class="pred">{prediction}</span> <span class="small">{example.edit_distance} edit{"" if example.edit_distance == 1 else "s"}{confidence}</span>'
        f"</figcaption></figure>"
    )


def _examples(report: Report) -> str:
    out = ["<section><h2>Worst examples per group</h2>"]
    names = list(report.group_columns)
    for row in report.groups.to_dict("records"):
        key = tuple(str(row[n]) for n in names)
        shown = report.examples.get(key, [])
        out.append(f"<h3>{escape(group_label(key))} <span class=\"small\">{_pct(row['exact_rate'])} of {row['samples']}</span></h3>")
        if shown:
            out.append('<div class="strip">' + "".join(_example(e) for e in shown) + "</div>")
        else:
            out.append('<p class="none">no misreads</p>')
    out.append("</section>")
    return "".join(out)


def render_html(report: Report) -> str:
    """The whole page as one string."""
    o = report.overall
    by = " × ".join(report.by)
    images = sum(1 for shown in report.examples.values() for e in shown if e.image.png is not None)
    missing = sum(1 for shown in report.examples.values() for e in shown if e.image.png is None)
    notes = list(report.notes)
    if missing:
        notes.append(f"{missing} example image(s) could not be read (moved data?); shown as text only")
    notes_html = "".join(f"<li>{escape(n)}</li>" for n in notes)
    flagged = int(report.groups["flagged"].sum())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>synthocr report: word accuracy by {escape(by)}</title><style>{CSS}</style></head>"
        f'<body data-images-expected="{images}" data-chart-bars-expected="{len(report.groups)}"><main>'
        f"<h1>Word accuracy by {escape(by)}</h1>"
        f'<p class="meta">{escape(str(report.predictions))}</p>'
        f'<p class="meta">{o["samples"]} samples · word accuracy {_pct(o["exact"])} '
        f'(95% {_pct(o["exact_low"])}–{_pct(o["exact_high"])}) · CER {_num(o["cer"], 4)} · '
        f"{len(report.groups)} groups, {flagged} flagged (significantly below the rest, z-test at 5%), "
        f"groups under {report.min_samples} samples not ranked</p>"
        f'{f"<ul class=notes>{notes_html}</ul>" if notes_html else ""}'
        f"<section><h2>Word accuracy per group</h2>{chart(report)}</section>"
        f"<section><h2>Groups, worst first</h2>{_table(report)}</section>"
        f"{_compare(report)}{_examples(report)}"
        f"</main><script>{SCRIPT}</script></body></html>\n"
    )
