"""report/html.py: a self-contained page, escaped text, the chart's bars and the comparison's rows."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from synthocr.report import build_report, compute_report
from synthocr.report.html import chart, group_label, render_html

from .samples import sample_rows


def test_html_is_self_contained(predictions: Path) -> None:
    report = build_report(predictions, min_samples=5)
    page = report.html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "<svg" in page and page.count('<rect class="bar') == 4
    # worst examples with an image: bad 6, ok 2, good 2; tiny's 3 images are missing (text and a note)
    assert page.count('<img src="data:image/png;base64,') == 10
    assert page.count("image not found") == 3
    assert 'data-images-expected="10"' in page and 'data-chart-bars-expected="4"' in page


def test_html_escapes_text(tmp_path: Path) -> None:
    rows = sample_rows("<b>font</b>", 4, [("<script>x</script>", "&amp;")], text="a&b")
    path = tmp_path / "p.parquet"
    pd.DataFrame(rows).to_parquet(path)
    page = build_report(path, min_samples=1).html_path.read_text(encoding="utf-8")
    assert "<script>x</script>" not in page and "<b>font</b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;b&gt;font&lt;/b&gt;" in page and "&amp;amp;" in page


def test_chart_has_one_bar_per_group_and_the_overall_line(predictions: Path) -> None:
    report = compute_report(predictions, min_samples=5)
    svg = chart(report)
    assert svg.count('<rect class="bar') == 4 and svg.count('class="bar flagged"') == 1
    assert "overall 69.9%" in svg  # 51 of 73
    assert group_label(("bad", "gaussian")) == "bad / gaussian"


def test_table_and_comparison_rows(predictions: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    pd.read_parquet(predictions).to_parquet(other)
    page = render_html(compute_report(predictions, min_samples=5, compare=other))
    assert '<tr class="flagged"><td>1</td><td class="key">bad</td><td>20</td><td>25.0%</td>' in page
    assert '<tr class="few"><td></td><td class="key">tiny</td><td>3</td><td>0.0%</td>' in page
    assert '<tr><td class="key">bad</td><td>20</td><td>25.0%</td><td>20</td><td>25.0%</td><td>+0.0 pt</td>' in page
    assert page.count("<tr") == 1 + 5 + 1 + 5  # header and overall + 4 groups, twice
