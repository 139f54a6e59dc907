"""report/confusions.py: edit operations labelled, counted per group, and confusions.csv."""

from __future__ import annotations

import doctest
from collections import Counter

import numpy as np

from synthocr.metrics import edit_operations as confusions
from synthocr.report import confusions as confusions_module
from synthocr.report.confusions import confusion_label, confusion_table, count_confusions, group_confusions, summary_text


def test_doctests() -> None:
    result = doctest.testmod(confusions_module)
    assert result.failed == 0 and result.attempted >= 4


def test_confusions_of_known_pairs() -> None:
    assert confusions("hello", "hallo") == [("substitution", "e", "a")]
    assert confusions("helo", "hello") == [("insertion", "", "l")]
    assert confusions("hello", "helo") == [("deletion", "l", "")]
    assert confusions("same", "same") == []
    counts = count_confusions([("hello", "hallo"), ("hello", "hallo"), ("cat", "cart"), ("cat", "cat")])
    assert counts == {("substitution", "e", "a"): 2, ("insertion", "", "r"): 1}


def test_labels_and_summary() -> None:
    assert confusion_label(("insertion", "", "l")) == "∅→l"
    assert confusion_label(("substitution", " ", "_")) == "␣→_"
    counts = Counter({("substitution", "e", "a"): 3, ("deletion", "l", ""): 3, ("insertion", "", "x"): 1})
    assert summary_text(counts, limit=2) == "e→a ×3, l→∅ ×3"


def test_group_confusions_count_each_sample_in_its_groups() -> None:
    texts, predictions = ["hello", "hello", "cat", "cat"], ["hallo", "hello", "cot", "cat"]
    distances = [1, 0, 1, 0]
    groups = {("a",): np.array([0, 1]), ("b",): np.array([2, 3]), ("all",): np.array([0, 1, 2, 3])}
    by_group, overall = group_confusions(texts, predictions, distances, groups)
    assert by_group[("a",)] == {("substitution", "e", "a"): 1}
    assert by_group[("b",)] == {("substitution", "a", "o"): 1}
    assert by_group[("all",)] == overall == {("substitution", "e", "a"): 1, ("substitution", "a", "o"): 1}


def test_confusion_table_rows_and_shares() -> None:
    by_group = {("a",): Counter({("substitution", "e", "a"): 3, ("insertion", "", "l"): 1})}
    overall = Counter({("substitution", "e", "a"): 3, ("insertion", "", "l"): 1})
    table = confusion_table(["font"], [("a",)], by_group, overall)
    assert list(table.columns) == ["scope", "font", "kind", "truth", "predicted", "confusion", "count", "share"]
    assert table["scope"].tolist() == ["overall", "overall", "group", "group"]
    assert table["font"].tolist() == ["", "", "a", "a"]
    assert table["confusion"].tolist()[:2] == ["e→a", "∅→l"] and table["share"].tolist()[:2] == [0.75, 0.25]
