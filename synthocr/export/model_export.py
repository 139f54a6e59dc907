"""`export-model`: a trained recogniser, up to its logits, as a SavedModel, an ONNX file or a TFLite file.

Keras's own `Model.export` writes all three ("tf_saved_model"; "onnx" through tf2onnx; "litert"
through the TFLite converter). The model is first rebuilt in float32 (ONNX export needs it, and a
mixed-precision run's float16 layers gain nothing on CPU runtimes); for TFLite its LSTMs are also
unrolled over their fixed frame count, which turns the loop's TensorList ops (only TensorFlow's
Flex delegate runs them) into builtin ops every TFLite runtime has.

The charset and the input geometry travel with the model (`model_metadata`): inside the ONNX file
as the `synthocr` metadata property, in `PATH.json` beside a TFLite file (TFLite has no free-form
metadata field the standard runtimes read back), and as `synthocr_model.json` inside a SavedModel.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from synthocr import __version__
from synthocr.errors import UserError
from synthocr.training.charset import BLANK

MODEL_FORMATS = ("savedmodel", "onnx", "tflite")
METADATA_KEY = "synthocr"
SAVEDMODEL_METADATA = "synthocr_model.json"
_SUFFIXES = {"onnx": ".onnx", "tflite": ".tflite"}


def sidecar_path(path: Path) -> Path:
    """Where a TFLite file's metadata lies.

    >>> sidecar_path(Path("run/model.tflite"))
    PosixPath('run/model.tflite.json')
    """
    return path.with_name(path.name + ".json")


_RESIZE_HOW = {
    "pad": "to height keeping aspect, then right-padded with the last column's mean (or squeezed to width)",
    "stretch": "to height x width whatever the aspect ratio",
}


def model_metadata(charset: str, height: int, width: int, channels: int, frames: int, source: str,
                   resize: str = "pad") -> dict[str, Any]:
    """What a runtime needs beside the network: the charset, its CTC ids and the input the model expects."""
    return {
        "format": "synthocr-recognizer",
        "synthocr_version": __version__,
        "charset": charset,
        "ctc": {"blank": BLANK, "ids": "character i of charset is id i + 1", "logits": "no softmax applied"},
        "input": {
            "name": "image", "layout": "NHWC", "dtype": "float32", "range": [0.0, 1.0],
            "height": height, "width": width, "channels": channels,
            "resize": resize, "resize_how": _RESIZE_HOW[resize],
        },
        "output": {"name": "logits", "frames": frames, "classes": len(charset) + 1},
        "source": source,
    }


def _float32(config: Any) -> Any:
    """A layer config with every dtype policy set to float32 (nested layers included)."""
    if isinstance(config, dict):
        out = {k: _float32(v) for k, v in config.items()}
        if "dtype" in out and (isinstance(out["dtype"], dict) or str(out["dtype"]).startswith("mixed")):
            out["dtype"] = "float32"
        return out
    if isinstance(config, list):
        return [_float32(v) for v in config]
    return config


def _unrolled(config: Any) -> Any:
    if isinstance(config, dict):
        out = {k: _unrolled(v) for k, v in config.items()}
        if out.get("class_name") == "LSTM" and isinstance(out.get("config"), dict):
            out["config"]["unroll"] = True
        return out
    if isinstance(config, list):
        return [_unrolled(v) for v in config]
    return config


def export_graph(model: Any, unroll: bool) -> Any:
    """The same network, float32, LSTMs unrolled if asked, with the trained weights."""
    import keras

    def rebuild(layer: Any) -> Any:
        config = _float32(layer.get_config())
        if unroll and isinstance(layer, (keras.layers.Bidirectional, keras.layers.LSTM)):
            config = _unrolled(config) if isinstance(layer, keras.layers.Bidirectional) else {**config, "unroll": True}
        return layer.__class__.from_config(config)

    clone = keras.models.clone_model(model, clone_function=rebuild)
    clone.set_weights(model.get_weights())
    return clone


def _check_out(out: Path, format: str, overwrite: bool) -> None:
    suffix = _SUFFIXES.get(format)
    if suffix and out.suffix != suffix:
        raise UserError(f"out {out}: a {format} model file must end with {suffix}")
    if out.exists():
        if not overwrite:
            raise UserError(f"out {out}: exists; pass overwrite=True (--overwrite) to replace it")
        if format == "savedmodel" and out.is_dir() and not (out / SAVEDMODEL_METADATA).is_file():
            raise UserError(f"out {out}: is a folder without {SAVEDMODEL_METADATA} (not an exported model); refusing to replace it")
        if out.is_dir() != (format == "savedmodel"):
            raise UserError(f"out {out}: exists and is a {'folder' if out.is_dir() else 'file'}")


def _write_onnx_metadata(path: Path, metadata: dict[str, Any]) -> None:
    import onnx

    proto = onnx.load(str(path))
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(metadata, ensure_ascii=False)
    onnx.save(proto, str(path))


def export_model_file(model: str | Path, format: str, out: str | Path, overwrite: bool = False) -> Path:
    """Writes the recogniser of `model` (a run directory or its model.keras) to `out` in `format`."""
    if format not in MODEL_FORMATS:
        raise UserError(f"format {format!r}: unknown; choose one of {', '.join(MODEL_FORMATS)}")
    out = Path(out)
    _check_out(out, format, overwrite)
    if format == "onnx":
        for package in ("tf2onnx", "onnx"):
            try:
                __import__(package)
            except ImportError:
                raise UserError(f"format 'onnx' needs the {package} package: pip install 'synthocr[interop]'") from None
    from synthocr.training.inference import load_recognizer

    recognizer = load_recognizer(model)
    spec = recognizer.spec
    metadata = model_metadata(recognizer.charset.chars, spec.height, spec.width, spec.channels,
                              int(recognizer.model.output_shape[1]), str(recognizer.path), spec.resize)
    graph = export_graph(recognizer.model, unroll=format == "tflite")
    graph(np.zeros((1, spec.height, spec.width, spec.channels), np.float32), training=False)  # export wants a called model
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed, so a failed conversion never leaves a half file under `out`.
    partial = out.with_name(f".{out.name}.partial{out.suffix}")
    if partial.exists():
        shutil.rmtree(partial) if partial.is_dir() else partial.unlink()
    keras_format = {"savedmodel": "tf_saved_model", "onnx": "onnx", "tflite": "litert"}[format]
    graph.export(str(partial), format=keras_format, verbose=False)
    if format == "onnx":
        _write_onnx_metadata(partial, metadata)
    elif format == "tflite":
        sidecar_path(out).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        (partial / SAVEDMODEL_METADATA).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if out.is_dir():
        shutil.rmtree(out)
    partial.replace(out)
    return out
