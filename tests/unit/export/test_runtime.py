"""Exported models: what counts as one, and the one-line errors for a missing or foreign file."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.errors import UserError
from synthocr.export.runtime import _metadata, is_exported, load_exported


def test_exported_models_are_known_by_suffix_or_savedmodel_metadata(tmp_path: Path) -> None:
    from synthocr.export.model_export import SAVEDMODEL_METADATA

    (tmp_path / "sm").mkdir()
    (tmp_path / "sm" / SAVEDMODEL_METADATA).write_text("{}", encoding="utf-8")
    (tmp_path / "plain").mkdir()
    assert [is_exported(tmp_path / n) for n in ("m.onnx", "m.tflite", "sm", "plain", "model.keras")] == [True, True, True, False, False]


@pytest.mark.parametrize("text", [None, "", "not json", '{"format": "other", "charset": "ab"}', '{"format": "synthocr-recognizer"}'])
def test_metadata_that_is_not_ours_is_refused(text: str | None) -> None:
    with pytest.raises(UserError) as caught:
        _metadata(text, Path("m.onnx"))
    assert str(caught.value) == "m.onnx: not a model `synthocr export-model` wrote (no synthocr metadata)"


def test_our_metadata_is_read() -> None:
    assert _metadata('{"format": "synthocr-recognizer", "charset": "ab"}', Path("m.onnx"))["charset"] == "ab"


def test_a_missing_export_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such model file"):
        load_exported(tmp_path / "m.onnx")
