"""Scores of one prediction against its ground truth (edit distance, CER, three match conventions); no TensorFlow.

The benchmark convention is the one scene-text papers report: both sides lower-cased and
reduced to [a-z0-9] before comparing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz.distance import Levenshtein

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def benchmark_form(text: str) -> str:
    """Lower case, only a-z and 0-9 kept.

    >>> benchmark_form("Hello, World-2!")
    'helloworld2'
    """
    return _NOT_ALNUM.sub("", text.lower())


def score(text: str, prediction: str) -> dict[str, Any]:
    """The per-sample columns of predictions.parquet.

    >>> s = score("Hello", "hella")
    >>> s["edit_distance"], s["cer"], s["exact"], s["caseless"]
    (1, 0.2, False, False)
    """
    distance = Levenshtein.distance(text, prediction)
    return {
        "edit_distance": distance,
        "cer": distance / max(1, len(text)),
        "exact": text == prediction,
        "caseless": text.casefold() == prediction.casefold(),
        "benchmark": benchmark_form(text) == benchmark_form(prediction),
        "length": len(text),
    }


def summarise(texts: Iterable[str], predictions: Iterable[str]) -> dict[str, float]:
    """Word accuracy in the three conventions and the corpus CER (total edits / total characters).

    >>> summarise(["ab", "cd"], ["ab", "CD"])["caseless"]
    1.0
    """
    n = edits = chars = exact = caseless = bench = 0
    for text, prediction in zip(texts, predictions):
        s = score(text, prediction)
        n += 1
        edits += s["edit_distance"]
        chars += len(text)
        exact += s["exact"]
        caseless += s["caseless"]
        bench += s["benchmark"]
    if n == 0:
        return {"samples": 0, "exact": 0.0, "caseless": 0.0, "benchmark": 0.0, "cer": 0.0}
    return {"samples": n, "exact": exact / n, "caseless": caseless / n, "benchmark": bench / n, "cer": edits / max(1, chars)}
