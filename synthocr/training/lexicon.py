"""Reading with a lexicon: a reading that is not a word of the lexicon gives way to a near word the model
finds almost as likely (`evaluate --lexicon`, `predict --lexicon`).

A recogniser trained for a few thousand steps misreads real words by a letter or two (`Cottage` as
`Cotrage`, `TO` as `T0`, `India` as `lndia`) although its frames still give the right letters much
of their probability. With a lexicon (the bundled `english_common`, `english`, trdg's `trdg:en`, or
your own list: product names, street names), each reading whose letters do not form a word of it
is compared with the lexicon words within Levenshtein distance 2 of it (the 50 nearest): every one
is scored by its CTC probability under the model's frames, the probability of all its alignments
(`ctc_log_likelihoods`), and the best replaces the reading when its log-probability plus `weight`
beats the reading's own. `weight` (in nats, 5 by default: a lexicon word is kept unless the
reading is about 150 times likelier) is the prior for a lexicon word over a string outside it; 0
replaces only where the word is itself more likely, a large weight snaps every reading to its
nearest word. Scores ignore case (each letter's two classes summed, as the benchmark reads), and the
replacement takes the reading's case (upper, title or lower) and keeps the marks before and after
it (`"Cotrage."` -> `"Cottage."`). Readings of one character, and readings without a letter, are
kept as they are.

The weight and the distance were chosen on our real development sets (README, "Reading with a
lexicon"): the figures there are somewhat optimistic for other crops. Words outside the lexicon
(names, codes) are what it costs: a correct reading of one can be replaced by a lexicon word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from synthocr.errors import UserError
from synthocr.training.charset import BLANK, Charset
from synthocr.training.decode import Decoded, log_softmax

MAX_DISTANCE = 2  # Levenshtein distance from a reading to the lexicon words it may become
MAX_CANDIDATES = 50  # the nearest words scored per reading
DEFAULT_WEIGHT = 5.0  # nats: a lexicon word's prior over a string outside the lexicon


def ctc_log_likelihoods(logp: np.ndarray, labels: Sequence[Sequence[int]]) -> np.ndarray:
    """log P(label | frames) of each label under CTC (every alignment summed; blank is class 0), for one
    image's log-probabilities `logp` (frames, classes). A label that cannot fit the frames gets -inf.

    >>> logp = np.log(np.array([[0.6, 0.4], [0.5, 0.5]]))  # two frames, blank and one letter
    >>> [round(float(np.exp(v)), 2) for v in ctc_log_likelihoods(logp, [[1], [1, 1], []])]
    [0.7, 0.0, 0.3]
    """
    frames = logp.shape[0]
    longest = max((len(label) for label in labels), default=0)
    states = 2 * longest + 1
    extended = np.zeros((len(labels), states), dtype=np.int64)  # blank, l1, blank, l2, ..., blank; then blanks
    for k, label in enumerate(labels):
        extended[k, 1 : 2 * len(label) : 2] = label
    # A state may skip the blank before it when its letter differs from the one two states back.
    skip = np.zeros_like(extended, dtype=bool)
    skip[:, 2:] = (extended[:, 2:] != BLANK) & (extended[:, 2:] != extended[:, :-2])
    emit = logp[:, extended]  # (frames, labels, states)
    alpha = np.full((len(labels), states), -np.inf)
    alpha[:, 0] = emit[0, :, 0]
    if states > 1:
        alpha[:, 1] = emit[0, :, 1]
    for t in range(1, frames):
        step = alpha.copy()
        step[:, 1:] = np.logaddexp(step[:, 1:], alpha[:, :-1])
        step[:, 2:] = np.where(skip[:, 2:], np.logaddexp(step[:, 2:], alpha[:, :-2]), step[:, 2:])
        alpha = step + emit[t]
    ends = np.array([2 * len(label) for label in labels])
    last = alpha[np.arange(len(labels)), ends]
    before = np.where(ends > 0, alpha[np.arange(len(labels)), np.maximum(ends - 1, 0)], -np.inf)
    return np.logaddexp(last, before)


def _caseless(text: str) -> str:
    """`text` with each character in lower case where that is one character (Turkish 'İ' stays itself).

    >>> _caseless("CafÉ!")
    'café!'
    """
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _split_marks(text: str) -> tuple[str, str, str]:
    """(marks before, the word, marks after): the marks are the characters that are not letters or digits.

    >>> _split_marks('"Cotrage."')
    ('"', 'Cotrage', '."')
    """
    start = 0
    while start < len(text) and not text[start].isalnum():
        start += 1
    end = len(text)
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[:start], text[start:end], text[end:]


def _cased_like(word: str, reading: str) -> str:
    """The lexicon word (lower case) in the reading's case: upper, title or lower.

    >>> _cased_like("cottage", "COTRAGE"), _cased_like("cottage", "Cotrage"), _cased_like("to", "t0")
    ('COTTAGE', 'Cottage', 'to')
    """
    letters = [c for c in reading if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if reading[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass
class Lexicon:
    """Words a reading may be corrected to, and the model's classes with each letter's two cases as one."""

    words: frozenset[str]
    charset: Charset
    weight: float = DEFAULT_WEIGHT

    def __post_init__(self) -> None:
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(self.words):
            self._by_length.setdefault(len(word), []).append(word)
        self._chars = set(self.charset.chars)
        # Caseless classes: every character of the charset under its lower-case key; column 0 the blank.
        keys = sorted(set(_caseless(self.charset.chars)))
        self._column = {key: i + 1 for i, key in enumerate(keys)}
        self._fold = np.zeros((self.charset.num_classes, len(keys) + 1))
        self._fold[BLANK, 0] = 1.0
        for i, c in enumerate(self.charset.chars):
            self._fold[i + 1, self._column[_caseless(c)]] = 1.0

    def correct(self, logits: np.ndarray, readings: Sequence[Decoded]) -> list[Decoded]:
        """The readings of a batch, each replaced by a lexicon word where one is likely enough (its `raw`
        then holds the model's own reading and its confidence is the word's probability, all cases)."""
        return [self._correct_one(frames, reading) for frames, reading in zip(logits, readings)]

    def _correct_one(self, logits: np.ndarray, reading: Decoded) -> Decoded:
        before, core, after = _split_marks(reading.text)
        folded = _caseless(core)
        if len(core) < 2 or not any(c.isalpha() for c in core) or folded in self.words:
            return reading
        candidates = self._near(folded)
        if not candidates:
            return reading
        texts = [_caseless(before) + w + _caseless(after) for w in [folded, *candidates]]
        logp = np.log(np.maximum(np.exp(log_softmax(logits)) @ self._fold, 1e-30))
        scores = ctc_log_likelihoods(logp, [[self._column[c] for c in text] for text in texts])
        best = int(np.argmax(scores[1:])) + 1
        if scores[best] + self.weight <= scores[0]:
            return reading
        text = before + _cased_like(candidates[best - 1], core) + after
        return replace(reading, text=self._expressible(text), confidence=float(np.exp(scores[best])), raw=reading.text)

    def _near(self, folded: str) -> list[str]:
        """The lexicon words nearest to `folded` within MAX_DISTANCE (at most MAX_CANDIDATES, nearest first)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        pool = [w for n in range(len(folded) - MAX_DISTANCE, len(folded) + MAX_DISTANCE + 1) for w in self._by_length.get(n, [])]
        found = process.extract(folded, pool, scorer=Levenshtein.distance, score_cutoff=MAX_DISTANCE, limit=MAX_CANDIDATES)
        return [word for word, _distance, _index in found]

    def _expressible(self, text: str) -> str:
        """`text` in characters the model has: a letter whose case the charset lacks takes the other case."""
        return "".join(c if c in self._chars else c.swapcase() for c in text)


def load_lexicon(specs: Sequence[str], charset: Charset, weight: float = DEFAULT_WEIGHT, where: str = "--lexicon") -> Lexicon:
    """The words of every list named (a file, one entry per line, or `english`, `english_common`, `trdg:en`),
    in lower case, keeping those the charset can write in some case; a UserError names a missing or
    unreadable list, and one with no word the model can write."""
    from synthocr.synth.text import read_entries, word_list_path

    keys = set(_caseless(charset.chars))
    words: set[str] = set()
    for spec in specs:
        path = word_list_path(spec)
        entries = read_entries(path, f"{where} {spec}")
        usable = {folded for folded in map(_caseless, entries) if set(folded) <= keys}
        if not usable:
            raise UserError(f"{where} {spec}: no entry of {path} can be written with the model's charset")
        words |= usable
    return Lexicon(frozenset(words), charset, weight)

