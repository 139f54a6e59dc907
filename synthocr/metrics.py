"""How a prediction is scored against its text: edit operations, CER and the three match conventions; no TensorFlow.

Training (validation callbacks), `evaluate` (predictions.parquet) and the report all score with
these functions, so a number means the same wherever it is printed.

- Edit operations: the Levenshtein alignment of the text to the prediction (rapidfuzz's
  `editops`), as (kind, truth, predicted) with kind `substitution`, `insertion` or `deletion`.
- `edit_distance`: the number of edit operations.
- `cer` of one word: edit distance / characters of the text (at least 1); `corpus_cer` of many:
  total edits / total characters, so long words weigh more than short ones.
- Matches: `exact` (the strings are equal), `caseless` (equal after `str.casefold`) and
  `benchmark`, the convention scene-text papers report: both sides lower-cased and reduced to
  [a-z0-9] before comparing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

EditOperation = tuple[str, str, str]
SUBSTITUTION, INSERTION, DELETION = "substitution", "insertion", "deletion"
_KINDS = {"replace": SUBSTITUTION, "insert": INSERTION, "delete": DELETION}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def edit_operations(text: str, prediction: str) -> list[EditOperation]:
    """The operations that turn the text into the prediction: (kind, truth, predicted).

    An insertion has no truth character and a deletion no predicted one (both '').

    >>> edit_operations("hello", "hallo")
    [('substitution', 'e', 'a')]
    >>> edit_operations("helo", "hello"), edit_operations("hello", "helo")
    ([('insertion', '', 'l')], [('deletion', 'l', '')])
    """
    out = []
    for op in Levenshtein.editops(text, prediction):
        kind = _KINDS[op.tag]
        truth = text[op.src_pos] if kind != INSERTION else ""
        predicted = prediction[op.dest_pos] if kind != DELETION else ""
        out.append((kind, truth, predicted))
    return out


def edit_distance(text: str, prediction: str) -> int:
    """The Levenshtein distance: substitutions, insertions and deletions, each counting 1.

    >>> edit_distance("hello", "jelly"), edit_distance("", "ab")
    (2, 2)
    """
    return Levenshtein.distance(text, prediction)


def corpus_cer(edits: int, characters: int) -> float:
    """Character error rate of many words: total edits over total characters (at least 1).

    >>> corpus_cer(3, 12), corpus_cer(2, 0)
    (0.25, 2.0)
    """
    return edits / max(1, characters)


def cer(text: str, prediction: str) -> float:
    """Character error rate of one word: its edit distance over its length (at least 1).

    >>> cer("hello", "hella"), cer("", "x")
    (0.2, 1.0)
    """
    return corpus_cer(edit_distance(text, prediction), len(text))


def benchmark_form(text: str) -> str:
    """Lower case, only a-z and 0-9 kept.

    >>> benchmark_form("Hello, World-2!")
    'helloworld2'
    """
    return _NOT_ALNUM.sub("", text.lower())


def exact_match(text: str, prediction: str) -> bool:
    """The prediction is the text, character for character.

    >>> exact_match("Hello", "Hello"), exact_match("Hello", "hello")
    (True, False)
    """
    return text == prediction


def caseless_match(text: str, prediction: str) -> bool:
    """The prediction is the text but for case (`str.casefold`, so 'ß' matches 'SS').

    >>> caseless_match("Hello", "hELLO"), caseless_match("straße", "STRASSE")
    (True, True)
    """
    return text.casefold() == prediction.casefold()


def benchmark_match(text: str, prediction: str) -> bool:
    """The prediction is the text in the benchmark convention (caseless, only a-z and 0-9 compared).

    >>> benchmark_match("Don't!", "dont"), benchmark_match("é", "e")
    (True, False)
    """
    return benchmark_form(text) == benchmark_form(prediction)


# Convention name -> its test, in the order every summary lists them.
MATCHES: dict[str, Callable[[str, str], bool]] = {
    "exact": exact_match,
    "caseless": caseless_match,
    "benchmark": benchmark_match,
}


@dataclass(frozen=True)
class Score:
    """One prediction scored against its text."""

    edit_distance: int
    cer: float
    exact: bool
    caseless: bool
    benchmark: bool
    length: int


def score(text: str, prediction: str) -> Score:
    """Every per-word measure at once (one alignment).

    >>> score("hello", "hella")
    Score(edit_distance=1, cer=0.2, exact=False, caseless=False, benchmark=False, length=5)
    """
    distance = edit_distance(text, prediction)
    return Score(
        edit_distance=distance,
        cer=corpus_cer(distance, len(text)),
        exact=exact_match(text, prediction),
        caseless=caseless_match(text, prediction),
        benchmark=benchmark_match(text, prediction),
        length=len(text),
    )


def summarise(texts: Iterable[str], predictions: Iterable[str]) -> dict[str, float]:
    """Word accuracy in the three conventions and the corpus CER, with the number of samples.

    >>> summarise(["ab", "cd"], ["ab", "CD"])
    {'samples': 2, 'exact': 0.5, 'caseless': 1.0, 'benchmark': 1.0, 'cer': 0.5}
    >>> summarise([], [])
    {'samples': 0, 'exact': 0.0, 'caseless': 0.0, 'benchmark': 0.0, 'cer': 0.0}
    """
    n = edits = chars = 0
    matched = dict.fromkeys(MATCHES, 0)
    for text, prediction in zip(texts, predictions):
        s = score(text, prediction)
        n += 1
        edits += s.edit_distance
        chars += s.length
        for name in MATCHES:
            matched[name] += getattr(s, name)
    if n == 0:
        return {"samples": 0, **{name: 0.0 for name in MATCHES}, "cer": 0.0}
    return {"samples": n, **{name: count / n for name, count in matched.items()}, "cer": corpus_cer(edits, chars)}
