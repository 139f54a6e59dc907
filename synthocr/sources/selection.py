"""Seeded selection of k lines of an annotation file in one streaming pass.

Every line is ranked by a keyed 64-bit hash of (seed, line index) and the `k + spares` smallest
are kept, so memory is O(k) and the choice depends on the seed and the file alone. The first `k`
are the choice; the rest are spares that replace broken files, deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CHUNK_BYTES = 1 << 22


@dataclass(frozen=True)
class AnnotationLine:
    """One line of an annotation file: its 0-based index (the record id uses it) and its text."""

    index: int
    text: str

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK64 = (1 << 64) - 1


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, a bijection of uint64 (arrays wrap silently on overflow)."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def selection_keys(seed: int, line_indices: np.ndarray) -> np.ndarray:
    """The rank key of each line for a seed: splitmix64 output number `index + 1` of a stream
    seeded by the mixed seed. Distinct lines never tie (every step is a bijection of uint64).

    >>> keys = selection_keys(7, np.arange(3))
    >>> keys.dtype, len(set(keys.tolist()))
    (dtype('uint64'), 3)
    >>> bool((selection_keys(7, np.arange(3)) == keys).all())
    True
    """
    stream_seed = _mix64(np.array([seed & _MASK64], dtype=np.uint64))[0]
    counters = (np.asarray(line_indices, dtype=np.uint64) + np.uint64(1)) * _GOLDEN
    return _mix64(counters + stream_seed)


@dataclass(frozen=True)
class Selection:
    """Lines chosen from an annotation file for a seed, in rank order (smallest key first).

    The first `k` candidates are the choice; the rest are spares, taken in order when a chosen
    line turns out broken. `total_lines` is the number of lines in the file.
    """

    seed: int
    k: int
    total_lines: int
    candidates: tuple[AnnotationLine, ...]

    @property
    def chosen(self) -> tuple[AnnotationLine, ...]:
        return self.candidates[: self.k]

    @property
    def spares(self) -> tuple[AnnotationLine, ...]:
        return self.candidates[self.k :]


def default_spares(k: int) -> int:
    """Spare candidates kept beyond k: 1% and at least 64 (real MJSynth has 32 broken files in
    8.9 M, but partial or damaged copies have more).

    >>> default_spares(1000), default_spares(100_000)
    (64, 1000)
    """
    return max(64, k // 100)


def _lines_of(buffer: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    return [
        buffer[s:e].decode("utf-8", errors="replace").rstrip("\r") for s, e in zip(starts.tolist(), ends.tolist())
    ]


def _line_bounds(buffer: bytes, last: bool) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the whole lines in `buffer`; with `last`, a final line without a newline too."""
    ends = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == 10)
    if last and (not len(ends) or ends[-1] != len(buffer) - 1):
        ends = np.append(ends, len(buffer))  # a last line without a newline
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    return starts, ends


class _Smallest:
    """The `want` lines with the smallest keys seen so far, in key order; only lines that beat
    the worst one kept are decoded."""

    def __init__(self, want: int) -> None:
        self.want = want
        self.keys = np.empty(0, dtype=np.uint64)
        self.index = np.empty(0, dtype=np.int64)
        self.text = np.empty(0, dtype=object)

    def offer(self, keys: np.ndarray, indices: np.ndarray, buffer: bytes, starts: np.ndarray, ends: np.ndarray) -> None:
        """Merges a chunk's lines (their keys, indices and bounds in `buffer`) into the kept ones."""
        want = self.want
        if not want or not len(keys):
            return
        if len(self.keys) >= want:
            beats = np.flatnonzero(keys < self.keys.max())
        elif len(keys) > want:
            beats = np.argpartition(keys, want - 1)[:want]
        else:
            beats = np.arange(len(keys))
        if len(beats) > want:
            beats = beats[np.argpartition(keys[beats], want - 1)[:want]]
        texts = np.empty(len(beats), dtype=object)
        texts[:] = _lines_of(buffer, starts[beats], ends[beats])
        merged_keys = np.concatenate([self.keys, keys[beats]])
        keep = np.argsort(merged_keys, kind="stable")[:want]
        self.keys = merged_keys[keep]
        self.index = np.concatenate([self.index, indices[beats]])[keep]
        self.text = np.concatenate([self.text, texts])[keep]

    def lines(self) -> tuple[AnnotationLine, ...]:
        return tuple(AnnotationLine(int(i), str(t)) for i, t in zip(self.index, self.text))


def select_annotation_lines(
    annotation_file: str | Path,
    seed: int,
    k: int,
    *,
    spares: int | None = None,
    chunk_bytes: int = _CHUNK_BYTES,
) -> Selection:
    """Chooses `k` lines (plus spares) of an annotation file from the seed alone, in one pass.

    Every line index gets the key `selection_keys(seed, index)`; the `k + spares` smallest keys
    win. The file is read in chunks of `chunk_bytes`; per chunk, newlines are found and keys are
    computed with numpy and only lines that beat the current worst kept key are decoded, so
    memory is O(k + chunk) (`benchmarks/bench_mjsynth.py` times it).

    Args:
        annotation_file: An `annotation_{split}.txt`.
        seed: Any integer; the same seed and file give the same selection.
        k: How many lines are wanted.
        spares: Extra candidates for replacing broken ones; `default_spares(k)` if None.
        chunk_bytes: Read size (memory per chunk, not a tuning knob for results).

    Returns:
        A Selection with `min(k + spares, total_lines)` candidates in rank order.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "annotation_train.txt"
    >>> _ = path.write_text("".join(f"./1/1/{i}_w_0.jpg 0\\n" for i in range(10)))
    >>> selection = select_annotation_lines(path, seed=1, k=3, spares=1, chunk_bytes=16)
    >>> selection.total_lines, len(selection.chosen), len(selection.spares)
    (10, 3, 1)
    >>> selection == select_annotation_lines(path, seed=1, k=3, spares=1)
    True
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    best = _Smallest(k + (default_spares(k) if spares is None else spares))
    base = 0
    carry = b""
    with open(annotation_file, "rb") as stream:
        while True:
            block = stream.read(chunk_bytes)
            buffer = carry + block
            if not buffer:
                break
            starts, ends = _line_bounds(buffer, last=not block)
            indices = base + np.arange(len(ends), dtype=np.int64)
            best.offer(selection_keys(seed, indices), indices, buffer, starts, ends)
            base += len(ends)
            carry = buffer[ends[-1] + 1 :] if len(ends) else buffer
            if not block:
                break
    return Selection(seed=seed, k=k, total_lines=base, candidates=best.lines())
