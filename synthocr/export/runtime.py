"""Exported recognisers at inference: ONNX Runtime, TFLite and SavedModel behind the Keras model's call.

`load_any_recognizer` gives `predict` and `evaluate` one `Recognizer` whatever the file: an
`.onnx`, a `.tflite` (with its `.tflite.json`), a SavedModel folder `export-model` wrote, or a
Keras run. The exported runners are called like the Keras model, `runner(images, training=False)`,
and return the same logits, so decoding and scoring do not know which one they read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.errors import UserError
from synthocr.export.model_export import METADATA_KEY, SAVEDMODEL_METADATA, sidecar_path

_NOT_OURS = "not a model `synthocr export-model` wrote"


def _metadata(text: str | None, where: Path) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or data.get("format") != "synthocr-recognizer" or "charset" not in data:
        raise UserError(f"{where}: {_NOT_OURS} (no synthocr metadata)")
    return data


class OnnxRunner:
    """An ONNX file in ONNX Runtime on the CPU."""

    def __init__(self, path: Path):
        try:
            import onnxruntime
        except ImportError:
            raise UserError(f"{path}: running an ONNX model needs onnxruntime: pip install 'synthocr[interop]'") from None
        try:
            self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own untyped errors for a file it cannot parse
            raise UserError(f"{path}: {_NOT_OURS} (ONNX Runtime: {str(err).splitlines()[0][:200]})") from None
        self.metadata = _metadata(self.session.get_modelmeta().custom_metadata_map.get(METADATA_KEY), path)
        self._input = self.session.get_inputs()[0].name

    def __call__(self, images: Any, training: bool = False) -> np.ndarray:
        return self.session.run(None, {self._input: np.asarray(images, dtype=np.float32)})[0]


class TfliteRunner:
    """A TFLite file in TensorFlow's TFLite interpreter, resized to each batch's size."""

    def __init__(self, path: Path):
        import warnings

        import tensorflow as tf

        sidecar = sidecar_path(path)
        self.metadata = _metadata(sidecar.read_text(encoding="utf-8") if sidecar.is_file() else None, sidecar)
        with warnings.catch_warnings():  # tf.lite.Interpreter warns it will move to ai_edge_litert
            warnings.simplefilter("ignore")
            try:
                self.interpreter = tf.lite.Interpreter(model_path=str(path))
            except ValueError as err:
                raise UserError(f"{path}: {_NOT_OURS} (TFLite: {str(err).splitlines()[0][:200]})") from None
        self._input = self.interpreter.get_input_details()[0]["index"]
        self._output = self.interpreter.get_output_details()[0]["index"]
        self._shape: tuple[int, ...] | None = None

    def __call__(self, images: Any, training: bool = False) -> np.ndarray:
        batch = np.asarray(images, dtype=np.float32)
        if batch.shape != self._shape:
            self.interpreter.resize_tensor_input(self._input, batch.shape)
            self.interpreter.allocate_tensors()
            self._shape = batch.shape
        self.interpreter.set_tensor(self._input, batch)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self._output).copy()


class SavedModelRunner:
    """A SavedModel folder from `export-model`, through its `serve` endpoint."""

    def __init__(self, path: Path):
        import tensorflow as tf

        self.metadata = _metadata((path / SAVEDMODEL_METADATA).read_text(encoding="utf-8"), path / SAVEDMODEL_METADATA)
        self.loaded = tf.saved_model.load(str(path))

    def __call__(self, images: Any, training: bool = False) -> np.ndarray:
        import tensorflow as tf

        return self.loaded.serve(tf.convert_to_tensor(np.asarray(images, dtype=np.float32))).numpy()


def is_exported(path: str | Path) -> bool:
    """Whether `path` is an exported model (by its suffix, or a SavedModel folder with our metadata)."""
    path = Path(path)
    return path.suffix in (".onnx", ".tflite") or (path.is_dir() and (path / SAVEDMODEL_METADATA).is_file())


def load_exported(path: str | Path) -> Any:
    """The runner of an exported model; a UserError for a missing file or one that is not ours."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such model file")
    if path.suffix == ".onnx":
        return OnnxRunner(path)
    if path.suffix == ".tflite":
        return TfliteRunner(path)
    return SavedModelRunner(path)


def load_any_recognizer(path: str | Path) -> Any:
    """A Recognizer for a Keras run or model.keras, or for an exported ONNX, TFLite or SavedModel."""
    if not is_exported(path):
        from synthocr.training.inference import load_recognizer

        return load_recognizer(path)
    from synthocr.training.charset import Charset
    from synthocr.training.inference import Recognizer
    from synthocr.training.pipeline import ImageSpec

    runner = load_exported(path)
    shape = runner.metadata["input"]
    spec = ImageSpec(shape["height"], shape["width"], shape["channels"], resize=_resize_mode(shape, path))
    return Recognizer(runner, Charset(runner.metadata["charset"]), spec, Path(path))


def _resize_mode(shape: dict[str, Any], path: str | Path) -> str:
    """The exported model's resize mode; exports made before the mode existed described padding in words."""
    from synthocr.training.config import RESIZE_CHOICES, RESIZE_MODES

    mode = shape.get("resize", "pad")
    if mode in RESIZE_MODES:
        return mode
    if isinstance(mode, str) and "padded" in mode:
        return "pad"
    raise UserError(f"{path}: metadata input.resize is {mode!r}; expected {RESIZE_CHOICES}")
