"""`synthocr export-model`: ONNX, TFLite and SavedModel give the Keras model's logits; predict and evaluate read them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from synthocr.cli import app, main
from synthocr.export.model_export import METADATA_KEY, SAVEDMODEL_METADATA, export_model_file, sidecar_path
from synthocr.export.runtime import load_any_recognizer
from tests.integration.train_fixtures import CHARSET, make_records, write_dataset

pytest.importorskip("onnxruntime")
pytest.importorskip("tf2onnx")

EXPORTS = {"onnx": "model.onnx", "tflite": "model.tflite", "savedmodel": "savedmodel"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built (seeded, untrained) crnn-small run directory and its three exports."""
    import keras

    from synthocr.training.charset import Charset
    from synthocr.training.models import build_model

    root = tmp_path_factory.mktemp("export_model")
    keras.utils.set_random_seed(3)
    charset = Charset(CHARSET)
    charset.save(root)
    build_model("crnn-small", charset.num_classes).save(root / "model.keras")
    for fmt, name in EXPORTS.items():
        export_model_file(root, fmt, root / name)
    return root


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("images")
    paths = []
    for record in make_records(12, seed=5):
        paths.append(folder / f"{record.id}.png")
        paths[-1].write_bytes(record.image)
    return paths


def _batch(images: list[Path], recognizer) -> np.ndarray:
    import tensorflow as tf

    from synthocr.training.pipeline import preprocess_image

    return np.stack([preprocess_image(tf.constant(p.read_bytes()), recognizer.spec).numpy() for p in images])


@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_exported_logits_and_decodes_equal_keras(run: Path, images: list[Path], fmt: str) -> None:
    keras_model = load_any_recognizer(run)
    exported = load_any_recognizer(run / EXPORTS[fmt])
    assert exported.charset == keras_model.charset and exported.spec == keras_model.spec
    batch = _batch(images, keras_model)
    expected = np.asarray(keras_model.model(batch, training=False))
    logits = exported.model(batch, training=False)
    assert logits.shape == expected.shape == (12, 31, len(CHARSET) + 1)
    np.testing.assert_allclose(logits, expected, atol=1e-4)
    assert np.array_equal(logits.argmax(-1), expected.argmax(-1))
    assert [d.text for d in exported.read(batch)] == [d.text for d in keras_model.read(batch)]
    assert exported.model(batch[:1]).shape == (1, 31, len(CHARSET) + 1)  # batch 1 after batch 12


def test_metadata_travels_with_each_format(run: Path) -> None:
    import onnx

    props = {p.key: p.value for p in onnx.load(str(run / "model.onnx")).metadata_props}
    inside = json.loads(props[METADATA_KEY])
    beside = json.loads(sidecar_path(run / "model.tflite").read_text(encoding="utf-8"))
    folder = json.loads((run / "savedmodel" / SAVEDMODEL_METADATA).read_text(encoding="utf-8"))
    for meta in (inside, beside, folder):
        assert meta["charset"] == CHARSET and meta["ctc"]["blank"] == 0
        assert (meta["input"]["height"], meta["input"]["width"], meta["input"]["channels"]) == (32, 128, 1)
        assert meta["output"] == {"name": "logits", "frames": 31, "classes": len(CHARSET) + 1}


def test_predict_runs_on_each_format(run: Path, images: list[Path]) -> None:
    outputs = {}
    for name, path in [("keras", run), *((fmt, run / f) for fmt, f in EXPORTS.items())]:
        result = CliRunner().invoke(app, ["predict", str(path), *map(str, images[:4])])
        assert result.exit_code == 0, result.output
        lines = result.output.strip().splitlines()
        assert [line.split("\t")[0] for line in lines] == [str(p) for p in images[:4]]
        outputs[name] = [line.split("\t")[1] for line in lines]
    assert outputs["onnx"] == outputs["tflite"] == outputs["savedmodel"] == outputs["keras"]


def test_evaluate_reads_an_exported_model(run: Path, tmp_path: Path) -> None:
    import pandas as pd

    from synthocr.training.evaluate import EvalRequest, evaluate

    data = write_dataset(tmp_path / "data", {"test": 16})
    frames = {}
    for name, model in (("keras", run), ("onnx", run / "model.onnx"), ("tflite", run / "model.tflite")):
        result = evaluate(EvalRequest(model, data, tmp_path / f"{name}.parquet", batch_size=8))
        frames[name] = pd.read_parquet(result.out)[["id", "text", "prediction"]]
    assert len(frames["keras"]) == 16
    assert frames["onnx"].equals(frames["keras"]) and frames["tflite"].equals(frames["keras"])


def _one_line(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output.strip().splitlines()


def test_a_file_that_is_not_a_synthocr_model_is_one_line(run: Path, tmp_path: Path, images: list[Path]) -> None:
    fake = tmp_path / "model.keras"
    fake.write_text("not a model")
    (tmp_path / "charset.json").write_text(json.dumps({"charset": "ab"}))
    code, lines = _one_line("export-model", str(fake), "--format", "onnx", "--out", str(tmp_path / "m.onnx"))
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {fake}: not a loadable Keras model")
    assert not (tmp_path / "m.onnx").exists()

    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x00not onnx")
    code, lines = _one_line("predict", str(garbage), str(images[0]))
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {garbage}: not a model `synthocr export-model` wrote")

    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    foreign = tmp_path / "foreign.onnx"
    onnx.save(helper.make_model(graph), str(foreign))
    code, lines = _one_line("predict", str(foreign), str(images[0]))
    assert (code, lines) == (2, [f"error: {foreign}: not a model `synthocr export-model` wrote (no synthocr metadata)"])

    lonely = tmp_path / "lonely.tflite"
    lonely.write_bytes((run / "model.tflite").read_bytes())
    code, lines = _one_line("predict", str(lonely), str(images[0]))
    assert (code, lines) == (2, [f"error: {sidecar_path(lonely)}: not a model `synthocr export-model` wrote (no synthocr metadata)"])


def test_bad_export_targets_are_one_line(run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _one_line("export-model", str(run), "--format", "tflite", "--out", str(tmp_path / "m.onnx"))
    assert (code, lines) == (2, [f"error: out {tmp_path / 'm.onnx'}: a tflite model file must end with .tflite"])
    code, lines = _one_line("export-model", str(run), "--format", "onnx", "--out", str(run / "model.onnx"))
    assert (code, lines) == (2, [f"error: out {run / 'model.onnx'}: exists; pass overwrite=True (--overwrite) to replace it"])
    monkeypatch.setattr(sys, "argv", ["synthocr", "export-model", str(run), "--format", "coreml", "--out", "m"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: synthocr export-model: Invalid value for '--format' / '-f': Value error, "
        "'coreml' is not one of 'savedmodel', 'onnx', 'tflite'."
    ]
