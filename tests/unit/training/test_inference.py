"""Loading a recogniser: one-line errors for a missing model, a missing charset, a file that is not a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.errors import UserError
from synthocr.training.charset import Charset
from synthocr.training.inference import load_recognizer


def test_a_run_directory_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        load_recognizer(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'model.keras'}: no such model file (give a run directory or its model.keras)"


def test_a_model_without_its_charset(tmp_path: Path) -> None:
    (tmp_path / "model.keras").write_bytes(b"not a zip")
    with pytest.raises(UserError) as caught:
        load_recognizer(tmp_path / "model.keras")
    assert str(caught.value) == f"{tmp_path}: no charset.json beside model.keras"


def test_a_file_that_is_not_a_keras_model(tmp_path: Path) -> None:
    (tmp_path / "model.keras").write_bytes(b"not a zip")
    Charset("ab").save(tmp_path)
    with pytest.raises(UserError, match="not a loadable Keras model"):
        load_recognizer(tmp_path)
