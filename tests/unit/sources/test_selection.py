"""Seeded selection of annotation lines: keys, a full sort's answer, chunking, bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np

from synthocr.sources.selection import AnnotationLine, default_spares, select_annotation_lines, selection_keys


def _write_annotation(path: Path, lines: int, trailing_newline: bool = True) -> Path:
    body = "\n".join(f"./{i // 50 + 1}/1/{i}_word{i}_{i}.jpg {i}" for i in range(lines))
    path.write_text(body + ("\n" if trailing_newline else ""))
    return path


def test_selection_is_seeded_and_matches_a_full_sort(tmp_path: Path) -> None:
    annotation = _write_annotation(tmp_path / "annotation_train.txt", 3000)
    a = select_annotation_lines(annotation, seed=11, k=40, spares=10)
    assert a.total_lines == 3000
    assert (len(a.chosen), len(a.spares)) == (40, 10)
    brute = np.argsort(selection_keys(11, np.arange(3000)))[:50]
    assert [c.index for c in a.candidates] == brute.tolist()
    assert a.candidates[0] == AnnotationLine(int(brute[0]), f"./{brute[0] // 50 + 1}/1/{brute[0]}_word{brute[0]}_{brute[0]}.jpg {brute[0]}")
    assert select_annotation_lines(annotation, seed=11, k=40, spares=10) == a
    b = select_annotation_lines(annotation, seed=12, k=40, spares=10)
    assert {c.index for c in b.chosen} != {c.index for c in a.chosen}


def test_selection_does_not_depend_on_chunking_or_final_newline(tmp_path: Path) -> None:
    with_nl = _write_annotation(tmp_path / "a.txt", 2000)
    without_nl = _write_annotation(tmp_path / "b.txt", 2000, trailing_newline=False)
    reference = select_annotation_lines(with_nl, 5, 30, spares=5)
    for chunk in (17, 1000, 1 << 20):
        assert select_annotation_lines(without_nl, 5, 30, spares=5, chunk_bytes=chunk) == reference
    assert select_annotation_lines(with_nl, 5, 5000, spares=0).total_lines == 2000
    assert len(select_annotation_lines(with_nl, 5, 5000, spares=0).candidates) == 2000
    assert select_annotation_lines(with_nl, 5, 0, spares=0).candidates == ()


def test_selection_memory_is_bounded_by_k_not_lines(tmp_path: Path) -> None:
    annotation = _write_annotation(tmp_path / "big.txt", 60_000)  # about 2.4 MB
    tracemalloc.start()
    try:
        selection = select_annotation_lines(annotation, 1, 20, spares=5, chunk_bytes=16_384)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert selection.total_lines == 60_000
    assert peak < 400_000, peak  # O(k + chunk): the file is 6x larger than this


def test_spares_are_one_percent_and_at_least_64() -> None:
    assert [default_spares(k) for k in (0, 6_400, 6_500, 1_000_000)] == [64, 64, 65, 10_000]
    assert len(set(selection_keys(3, np.arange(100_000)).tolist())) == 100_000  # no ties
