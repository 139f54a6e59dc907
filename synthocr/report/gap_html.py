"""The files of `gap`: gap.csv, gap_text.csv and gap.html, one self-contained page (inline SVG, no
network) with both histograms of every attribute side by side."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthocr.report.gap import CATEGORICAL, GAP_CSV, GAP_HTML, LOG_SCALE, TEXT_GAP_CSV, GapResult

BINS = 20
WIDTH, HEIGHT = 260, 90
COLOURS = {"synthetic": "#4c72b0", "real": "#dd8452"}


def _bars(shares: list[float], labels: list[str], colour: str, title: str) -> str:
    """An SVG bar chart of shares (0-1), the tallest bar at full height."""
    top = max(shares) if shares and max(shares) > 0 else 1.0
    width = WIDTH / max(1, len(shares))
    bars = []
    for i, (share, label) in enumerate(zip(shares, labels)):
        h = (HEIGHT - 14) * share / top
        bars.append(
            f'<rect x="{i * width:.1f}" y="{HEIGHT - h:.1f}" width="{max(1.0, width - 1):.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{html.escape(label)}: {share:.1%}</title></rect>'
        )
    return (
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<text x="2" y="11" font-size="11">{html.escape(title)}</text>{"".join(bars)}</svg>'
    )


def histograms(attribute: str, synthetic: pd.Series, real: pd.Series) -> tuple[str, str, str]:
    """(synthetic SVG, real SVG, axis note) on common bins (log-spaced for skewed attributes)."""
    if attribute in CATEGORICAL:
        labels = sorted({str(v) for v in synthetic} | {str(v) for v in real})
        def shares(values: pd.Series) -> list[float]:
            counts = values.astype(str).value_counts()
            return [float(counts.get(k, 0)) / max(1, len(values)) for k in labels]
        return (_bars(shares(synthetic), labels, COLOURS["synthetic"], "synthetic"),
                _bars(shares(real), labels, COLOURS["real"], "real"), " · ".join(labels))
    both = np.concatenate([synthetic.to_numpy(float), real.to_numpy(float)])
    both = both[np.isfinite(both)]
    if not len(both):
        return "", "", ""
    low, high = np.quantile(both, [0.005, 0.995])
    if high <= low:
        high = low + 1
    log = attribute in LOG_SCALE and low >= 0
    edges = np.geomspace(max(low, 1e-3), high, BINS + 1) if log and high > max(low, 1e-3) else np.linspace(low, high, BINS + 1)
    def shares(values: pd.Series) -> list[float]:
        clipped = np.clip(values.to_numpy(float), edges[0], edges[-1])
        counts, _ = np.histogram(clipped, bins=edges)
        return (counts / max(1, counts.sum())).tolist()
    labels = [f"{a:.3g}–{b:.3g}" for a, b in zip(edges[:-1], edges[1:])]
    note = f"{edges[0]:.3g} … {edges[-1]:.3g}{' (log scale)' if log else ''}"
    return (_bars(shares(synthetic), labels, COLOURS["synthetic"], "synthetic"),
            _bars(shares(real), labels, COLOURS["real"], "real"), note)


def _cell(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return html.escape(str(value))


def render_gap_html(result: GapResult) -> str:
    pooled = pd.concat([side.frame for side in result.real], ignore_index=True)
    rows = []
    for rank, row in enumerate(result.table.to_dict("records"), start=1):
        name = row["attribute"]
        s = result.synthetic.frame[name].dropna() if name in result.synthetic.frame else pd.Series(dtype=float)
        r = pooled[name].dropna() if name in pooled else pd.Series(dtype=float)
        left, right, note = histograms(name, s, r)
        per_set = " · ".join(f"{side.name} {_cell(row.get(f'distance_{side.name}'))}" for side in result.real)
        rows.append(
            f"<tr><td>{rank}</td><td><b>{_cell(name)}</b><br><small>{_cell(row['direction'])}</small></td>"
            f"<td>{_cell(row['distance'])}<br><small>{per_set}</small></td><td>{left}</td><td>{right}<br><small>{_cell(note)}</small></td>"
            f"<td><small>synthetic: {_cell(row['synthetic'])}<br>real: {_cell(row['real'])}</small><br>{_cell(row['hint'])}</td></tr>"
        )
    text_rows = "".join(
        f"<tr><td>{_cell(t['kind'])}</td><td><code>{_cell(t['item'])}</code></td><td>{t['real_share']:.2%}</td>"
        f"<td>{t['synthetic_share']:.2%}</td><td>{_cell(t['hint'])}</td></tr>"
        for t in result.text_gaps.to_dict("records")
    ) or '<tr><td colspan="5">no character or pattern is much rarer in the synthetic words</td></tr>'
    notes = "".join(f"<li>{_cell(n)}</li>" for n in result.notes)
    sides = ", ".join(f"{_cell(side.name)} ({side.samples:,} samples)" for side in result.real)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>synthocr gap: {_cell(result.synthetic.name)}</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}}
.key span{{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}}</style></head><body>
<h1>Synthetic vs real: where the data differs</h1>
<p>Synthetic: <b>{_cell(result.synthetic.name)}</b> ({result.synthetic.samples:,} samples). Real: {sides}.
<span class="key"><span style="background:{COLOURS['synthetic']}"></span>synthetic<span style="background:{COLOURS['real']}"></span>real</span></p>
<p>Distance: numeric attributes, the 1-Wasserstein distance over the pooled standard deviation (log scale for sizes,
sharpness, noise and colourfulness); categorical ones, the total variation distance. Worst first.
<b>The hints are heuristics</b>: directions to try and check with a controlled training run, not results.</p>
<ul>{notes}</ul>
<table><tr><th>#</th><th>attribute</th><th>distance</th><th>synthetic</th><th>real</th><th>summary and hint</th></tr>
{''.join(rows)}</table>
<h2>Text: characters and patterns rare in the synthetic words</h2>
<table><tr><th>kind</th><th>item</th><th>real</th><th>synthetic</th><th>hint</th></tr>{text_rows}</table>
</body></html>
"""


def write_gap(result: GapResult, out_dir: Path) -> list[Path]:
    """Writes gap.csv, gap_text.csv and gap.html into `out_dir`; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / GAP_CSV, out_dir / TEXT_GAP_CSV, out_dir / GAP_HTML]
    result.table.to_csv(paths[0], index=False)
    result.text_gaps.to_csv(paths[1], index=False)
    paths[2].write_text(render_gap_html(result), encoding="utf-8")
    return paths
