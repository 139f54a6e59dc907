"""What the real words have that the synthetic ones rarely do: characters and word patterns, with a hint each.

A character is listed when it makes at least `MIN_CHAR_SHARE` of the real characters and its
real share is at least `RARE_RATIO` times its synthetic share; a pattern (punctuation, spaces,
accented letters, digits) when at least 1% of the real words show it, `RARE_RATIO` times as
often as the synthetic ones. Part of `synthocr.report.gap`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable

import pandas as pd

RARE_RATIO = 3.0  # a character is rare in the synthetic text when its real share is this many times larger
MIN_CHAR_SHARE = 0.002
TEXT_GAP_COLUMNS = ("kind", "item", "class", "real_share", "synthetic_share", "in_charset", "hint")


def _char_class(c: str) -> str:
    if c.isdigit():
        return "digit"
    if c.isspace():
        return "space"
    if c.isalpha():
        return "accented letter" if ord(c) > 127 else ("upper" if c.isupper() else "lower")
    return "punctuation"


def _char_hint(char: str, in_charset: bool, charset: str) -> str:
    """What to change in the recipe for a character the synthetic words lack.

    >>> _char_hint("E", False, "abcde")
    "'E' is outside text.charset, its lower case is in: add the upper case to text.charset and raise `text.case.upper`/`title`"
    """
    if in_charset:
        return f"'{char}' ({_char_class(char)}) is rare in the synthetic words: add words with it to `text.sources`"
    if char.isalpha() and char.lower() in charset:
        return f"'{char}' is outside text.charset, its lower case is in: add the upper case to text.charset and raise `text.case.upper`/`title`"
    if char.isalnum():
        return f"'{char}' is outside text.charset: add it there and to words in `text.sources`"
    return f"'{char}' is outside text.charset: the model can never output it (the benchmark convention ignores it)"


_PATTERNS: dict[str, Callable[[str], bool]] = {
    "words with punctuation": lambda t: any(unicodedata.category(c).startswith(("P", "S")) for c in t),
    "words with a space": lambda t: any(c.isspace() for c in t),
    "words with accented letters": lambda t: any(c.isalpha() and ord(c) > 127 for c in t),
    "words of digits only": lambda t: t.isdigit(),
    "words mixing letters and digits": lambda t: any(c.isdigit() for c in t) and any(c.isalpha() for c in t),
    "single characters": lambda t: len(t) == 1,
}


def text_gaps(synthetic: list[str], real: list[str], charset: str) -> pd.DataFrame:
    """Characters and word patterns the real words have and the synthetic ones rarely do.

    One row per finding: `kind` (character | pattern), `item`, `class` (of a character: lower,
    upper, digit, punctuation, space, accented letter), `real_share`, `synthetic_share`
    (of characters, or of words for patterns), `in_charset`, `hint`.
    """
    rows = []
    real_chars, synth_chars = Counter("".join(real)), Counter("".join(synthetic))
    real_total, synth_total = sum(real_chars.values()) or 1, sum(synth_chars.values()) or 1
    for char, count in real_chars.most_common():
        r, s = count / real_total, synth_chars.get(char, 0) / synth_total
        if r < MIN_CHAR_SHARE or s * RARE_RATIO > r:
            continue
        in_charset = not charset or char in charset
        rows.append({"kind": "character", "item": char, "class": _char_class(char), "real_share": round(r, 5),
                     "synthetic_share": round(s, 5), "in_charset": in_charset, "hint": _char_hint(char, in_charset, charset)})
    for name, test in _PATTERNS.items():
        r = sum(map(test, real)) / max(1, len(real))
        s = sum(map(test, synthetic)) / max(1, len(synthetic))
        if r >= 0.01 and s * RARE_RATIO <= r:
            rows.append({"kind": "pattern", "item": name, "class": "", "real_share": round(r, 4), "synthetic_share": round(s, 4),
                         "in_charset": True, "hint": f"{name}: {r:.0%} of real words, {s:.1%} of synthetic: add such entries to `text.sources`"})
    return pd.DataFrame(rows, columns=list(TEXT_GAP_COLUMNS))
