"""Character confusions of a misread word: substitutions, insertions and deletions from rapidfuzz's editops.

A confusion is (kind, truth, predicted): a substitution `('substitution', 'e', 'a')` read `e` as
`a`; an insertion `('insertion', '', 'l')` has an `l` in the prediction that is not in the text;
a deletion `('deletion', 'l', '')` lost an `l`. Written `e→a`, `∅→l` and `l→∅`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

Confusion = tuple[str, str, str]
NOTHING = "∅"
_KINDS = {"replace": "substitution", "insert": "insertion", "delete": "deletion"}


def confusions(text: str, prediction: str) -> list[Confusion]:
    """The edit operations that turn the text into the prediction, as confusions.

    >>> confusions("hello", "hallo")
    [('substitution', 'e', 'a')]
    >>> confusions("helo", "hello"), confusions("hello", "helo")
    ([('insertion', '', 'l')], [('deletion', 'l', '')])
    """
    out = []
    for op in Levenshtein.editops(text, prediction):
        kind = _KINDS[op.tag]
        truth = text[op.src_pos] if kind != "insertion" else ""
        predicted = prediction[op.dest_pos] if kind != "deletion" else ""
        out.append((kind, truth, predicted))
    return out


def _shown(char: str) -> str:
    return NOTHING if char == "" else "␣" if char == " " else char


def confusion_label(confusion: Confusion) -> str:
    """`e→a`, `∅→l` (inserted), `l→∅` (deleted); a space shows as ␣.

    >>> confusion_label(("substitution", "e", "a")), confusion_label(("deletion", " ", ""))
    ('e→a', '␣→∅')
    """
    _, truth, predicted = confusion
    return f"{_shown(truth)}→{_shown(predicted)}"


def top_confusions(counts: Counter[Confusion], limit: int = 5) -> list[tuple[Confusion, int]]:
    """The most common confusions, ties broken by label so the order is stable."""
    return sorted(counts.items(), key=lambda item: (-item[1], confusion_label(item[0]), item[0][0]))[:limit]


def summary_text(counts: Counter[Confusion], limit: int = 5) -> str:
    """`e→a ×3, ∅→l ×2` for a table cell.

    >>> summary_text(Counter({("substitution", "e", "a"): 3, ("insertion", "", "l"): 2}))
    'e→a ×3, ∅→l ×2'
    """
    return ", ".join(f"{confusion_label(c)} ×{n}" for c, n in top_confusions(counts, limit))


def count_confusions(pairs: Iterable[tuple[str, str]]) -> Counter[Confusion]:
    """All confusions of many (text, prediction) pairs."""
    counts: Counter[Confusion] = Counter()
    for text, prediction in pairs:
        if text != prediction:
            counts.update(confusions(text, prediction))
    return counts
