"""synthocr.metrics on known pairs: edit operations, edit distance, CER, the three match conventions, summaries."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

from synthocr import metrics
from synthocr.metrics import (
    MATCHES,
    Score,
    benchmark_form,
    benchmark_match,
    caseless_match,
    cer,
    corpus_cer,
    edit_distance,
    edit_operations,
    exact_match,
    score,
    summarise,
)


def test_doctests() -> None:
    result = doctest.testmod(metrics)
    assert result.failed == 0 and result.attempted >= 10


@pytest.mark.parametrize(
    ("text", "prediction", "operations"),
    [
        ("hello", "hello", []),
        ("hello", "hallo", [("substitution", "e", "a")]),
        ("helo", "hello", [("insertion", "", "l")]),
        ("hello", "helo", [("deletion", "l", "")]),
        ("", "ab", [("insertion", "", "a"), ("insertion", "", "b")]),
        ("ab", "", [("deletion", "a", ""), ("deletion", "b", "")]),
        ("cat", "cart", [("insertion", "", "r")]),
    ],
)
def test_edit_operations(text: str, prediction: str, operations: list[tuple[str, str, str]]) -> None:
    assert edit_operations(text, prediction) == operations
    assert edit_distance(text, prediction) == len(operations)


@pytest.mark.parametrize(
    ("text", "prediction", "exact", "caseless", "benchmark", "distance"),
    [
        ("Hello", "Hello", True, True, True, 0),
        ("Hello", "hello", False, True, True, 1),
        ("it's", "its", False, False, True, 1),
        ("Straße", "STRASSE", False, True, False, 6),
        ("abc", "", False, False, False, 3),
        ("", "", True, True, True, 0),
        ("A-1", "a1", False, False, True, 2),
    ],
)
def test_match_conventions(text: str, prediction: str, exact: bool, caseless: bool, benchmark: bool, distance: int) -> None:
    assert (exact_match(text, prediction), caseless_match(text, prediction), benchmark_match(text, prediction)) == (
        exact, caseless, benchmark)
    assert [MATCHES[name](text, prediction) for name in ("exact", "caseless", "benchmark")] == [exact, caseless, benchmark]
    assert score(text, prediction) == Score(distance, distance / max(1, len(text)), exact, caseless, benchmark, len(text))


@pytest.mark.parametrize(
    ("text", "prediction", "expected"),
    [("hello", "hella", 0.2), ("hello", "jelly", 0.4), ("", "", 0.0), ("", "xy", 2.0), ("ab", "ba", 1.0)],
)
def test_cer_of_one_word(text: str, prediction: str, expected: float) -> None:
    assert cer(text, prediction) == pytest.approx(expected)


@pytest.mark.parametrize(("edits", "characters", "expected"), [(0, 10, 0.0), (3, 12, 0.25), (5, 0, 5.0), (1, 1, 1.0)])
def test_corpus_cer(edits: int, characters: int, expected: float) -> None:
    assert corpus_cer(edits, characters) == expected


@pytest.mark.parametrize(
    ("text", "form"), [("A-1 b!", "a1b"), ("Hello, World-2!", "helloworld2"), ("café", "caf"), ("", ""), ("ÄÖ", "")],
)
def test_benchmark_form(text: str, form: str) -> None:
    assert benchmark_form(text) == form


def test_summary_cer_is_total_edits_over_total_characters() -> None:
    summary = summarise(["abcd", "ef"], ["abcx", "ef"])
    assert summary == {"samples": 2, "exact": 0.5, "caseless": 0.5, "benchmark": 0.5, "cer": pytest.approx(1 / 6)}
    # not the mean of the per-word CERs (0.25 and 0): long words weigh more
    assert summary["cer"] != pytest.approx((cer("abcd", "abcx") + cer("ef", "ef")) / 2)


def test_summary_of_nothing_is_zeros() -> None:
    assert summarise([], []) == {"samples": 0, "exact": 0.0, "caseless": 0.0, "benchmark": 0.0, "cer": 0.0}


def test_summary_counts_each_convention() -> None:
    summary = summarise(["Hello", "it's", "x"], ["hello", "its", "y"])
    assert (summary["exact"], summary["caseless"], summary["benchmark"]) == (0.0, pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_metrics_import_without_tensorflow_or_pandas() -> None:
    code = "import sys, synthocr.metrics; print(any(m in sys.modules for m in ('tensorflow', 'keras', 'pandas')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
