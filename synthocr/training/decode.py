"""CTC decoding of logits into text with a per-word confidence: greedy (best path) and beam search.

Confidence is the probability of the decoded path, under both decoders: for greedy, the product
of the maximum softmax probability over *all* frames (blank frames included, so an uncertain
blank-vs-letter frame lowers it); for beam search, exp of the best beam's log-probability. A
product rather than a geometric mean keeps it a probability, comparable between the two decoders
and between words of different lengths (a long word really is harder to read right).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthocr.training.charset import BLANK, Charset


@dataclass(frozen=True)
class Decoded:
    """One word read from an image."""

    text: str
    confidence: float
    raw: str | None = None  # the model's own reading, where a lexicon word replaced it (synthocr.training.lexicon)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable log-softmax over the last axis, in float64."""
    x = np.asarray(logits, dtype=np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def collapse(path: np.ndarray) -> list[int]:
    """A frame path to label ids: merge repeats, then drop blanks.

    >>> collapse(np.array([0, 3, 3, 0, 3, 1, 1, 0]))
    [3, 3, 1]
    """
    keep = np.ones(len(path), dtype=bool)
    keep[1:] = path[1:] != path[:-1]
    return [int(i) for i in path[keep] if i != BLANK]


def greedy_decode(logits: np.ndarray, charset: Charset) -> list[Decoded]:
    """Best-path decoding of a batch of logits (batch, frames, classes).

    >>> cs = Charset("ab")
    >>> logits = np.log(np.array([[[0.1, 0.8, 0.1], [0.9, 0.05, 0.05], [0.1, 0.1, 0.8]]]))
    >>> d = greedy_decode(logits, cs)[0]
    >>> d.text, round(d.confidence, 3)
    ('ab', 0.576)
    """
    logp = log_softmax(logits)
    best = logp.argmax(axis=-1)
    path_logp = np.take_along_axis(logp, best[..., None], axis=-1)[..., 0].sum(axis=-1)
    return [Decoded(charset.decode(collapse(path)), float(np.exp(lp))) for path, lp in zip(best, path_logp)]


def beam_decode(logits: np.ndarray, charset: Charset, beam_width: int) -> list[Decoded]:
    """CTC beam search (keras.ops.ctc_decode) over a batch of logits; confidence = exp(best log-prob)."""
    import keras

    logp = log_softmax(logits).astype(np.float32)
    lengths = np.full((logp.shape[0],), logp.shape[1], dtype=np.int32)
    paths, scores = keras.ops.ctc_decode(logp, lengths, strategy="beam_search", beam_width=beam_width, top_paths=1, mask_index=BLANK)
    paths = keras.ops.convert_to_numpy(paths)[0]
    scores = keras.ops.convert_to_numpy(scores)[:, 0]
    # Decoded paths are padded with -1; Charset.decode drops anything outside 1..N.
    return [Decoded(charset.decode(p.tolist()), float(np.exp(s))) for p, s in zip(paths, scores)]


def decode_logits(logits: np.ndarray, charset: Charset, beam_width: int = 0) -> list[Decoded]:
    """Greedy when beam_width is 0, else beam search of that width."""
    if beam_width > 0:
        return beam_decode(logits, charset, beam_width)
    return greedy_decode(logits, charset)
