"""Real validation sets: paths checked before anything is read, names fit for metric keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.training.realval import _metric_name, check_real_path, unique_names


def test_a_missing_set_names_the_real_val_parameter(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(UserError) as caught:
        check_real_path(missing)
    assert caught.value.params == ("real_val",)
    assert caught.value.spelled(FLAG_NAMES) == (
        f"--real-val {missing}: no such file or folder (give a labels.tsv, a folder with one, or an MJSynth root)")


def test_an_empty_labels_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "labels.tsv").write_text("\n", encoding="utf-8")
    with pytest.raises(UserError, match="labels.tsv is empty"):
        check_real_path(tmp_path, where="real set")


def test_names_are_made_unique_and_safe_for_metric_keys() -> None:
    assert unique_names(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]
    assert _metric_name("IIIT 5k/test") == "IIIT_5k_test" and _metric_name("") == "real"
