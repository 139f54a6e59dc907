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


def test_the_resize_mode_comes_from_the_runs_config(tmp_path: Path) -> None:
    from synthocr.training.inference import _resize_mode

    model = tmp_path / "model.keras"
    assert _resize_mode(model) == "pad"  # no config.json: trained before the option, padded
    (tmp_path / "config.json").write_text('{"train": {"model": "crnn"}}')
    assert _resize_mode(model) == "pad"
    (tmp_path / "config.json").write_text('{"train": {"resize": "stretch"}}')
    assert _resize_mode(model) == "stretch"


@pytest.mark.parametrize(("text", "message"), [
    ('{"train": {"resize": "squash"}}', "train.resize is 'squash'; expected 'pad' or 'stretch'"),
    ("{not json", "not the JSON object synthocr train writes"),
    ('["a list"]', "not the JSON object synthocr train writes"),
])
def test_a_bad_config_beside_the_model_is_one_named_line(tmp_path: Path, text: str, message: str) -> None:
    from synthocr.training.inference import _resize_mode

    (tmp_path / "config.json").write_text(text)
    with pytest.raises(UserError) as caught:
        _resize_mode(tmp_path / "model.keras")
    assert str(caught.value).startswith(f"{tmp_path / 'config.json'}: ")
    assert message in str(caught.value)
