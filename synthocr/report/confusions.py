"""Character confusions of misread words: the edit operations of `synthocr.metrics`, labelled and counted per group.

A confusion is (kind, truth, predicted): a substitution `('substitution', 'e', 'a')` read `e` as
`a`; an insertion `('insertion', '', 'l')` has an `l` in the prediction that is not in the text;
a deletion `('deletion', 'l', '')` lost an `l`. Written `e→a`, `∅→l` and `l→∅`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from synthocr.metrics import EditOperation, edit_operations

Confusion = EditOperation
NOTHING = "∅"
CONFUSION_COLUMNS = ("kind", "truth", "predicted", "confusion", "count", "share")


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
    """The most common confusions, ties broken by label so the order is stable.

    >>> top_confusions(Counter({("insertion", "", "l"): 2, ("substitution", "e", "a"): 2, ("deletion", "x", ""): 1}), 2)
    [(('substitution', 'e', 'a'), 2), (('insertion', '', 'l'), 2)]
    """
    return sorted(counts.items(), key=lambda item: (-item[1], confusion_label(item[0]), item[0][0]))[:limit]


def summary_text(counts: Counter[Confusion], limit: int = 5) -> str:
    """`e→a ×3, ∅→l ×2` for a table cell.

    >>> summary_text(Counter({("substitution", "e", "a"): 3, ("insertion", "", "l"): 2}))
    'e→a ×3, ∅→l ×2'
    """
    return ", ".join(f"{confusion_label(c)} ×{n}" for c, n in top_confusions(counts, limit))


def count_confusions(pairs: Iterable[tuple[str, str]]) -> Counter[Confusion]:
    """All confusions of many (text, prediction) pairs.

    >>> count_confusions([("hello", "hallo"), ("hello", "hallo"), ("cat", "cat")])
    Counter({('substitution', 'e', 'a'): 2})
    """
    counts: Counter[Confusion] = Counter()
    for text, prediction in pairs:
        if text != prediction:
            counts.update(edit_operations(text, prediction))
    return counts


def group_confusions(
    texts: Sequence[str], predictions: Sequence[str], distances: Sequence[int], groups: Mapping[tuple[str, ...], np.ndarray]
) -> tuple[dict[tuple[str, ...], Counter[Confusion]], Counter[Confusion]]:
    """(confusions per group, confusions of all samples); `groups` maps a group to its samples' positions,
    and a sample's edit operations are worked out once however many groups hold it."""
    per_row = {i: edit_operations(t, p) for i, (t, p, d) in enumerate(zip(texts, predictions, distances)) if d}
    by_group: dict[tuple[str, ...], Counter[Confusion]] = {}
    for key, rows in groups.items():
        counts: Counter[Confusion] = Counter()
        for row in rows:
            counts.update(per_row.get(int(row), ()))
        by_group[key] = counts
    overall: Counter[Confusion] = Counter()
    for ops in per_row.values():
        overall.update(ops)
    return by_group, overall


def confusion_table(
    names: Sequence[str], keys: Sequence[tuple[str, ...]], by_group: Mapping[tuple[str, ...], Counter[Confusion]],
    overall: Counter[Confusion],
) -> pd.DataFrame:
    """confusions.csv: every confusion of all samples (scope `overall`) and of every group (scope `group`), most common first."""
    rows = []
    scopes = [("overall", ("",) * len(names), overall)] + [("group", k, by_group[k]) for k in keys]
    for scope, key, counts in scopes:
        total = sum(counts.values())
        for (kind, truth, predicted), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            rows.append({
                "scope": scope, **dict(zip(names, key)), "kind": kind, "truth": truth, "predicted": predicted,
                "confusion": confusion_label((kind, truth, predicted)), "count": n, "share": n / total,
            })
    return pd.DataFrame(rows, columns=["scope", *names, *CONFUSION_COLUMNS])
