"""A trained recogniser loaded from disk: the Keras model, its charset and input size, and batch reading."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.errors import UserError
from synthocr.training.charset import CHARSET_FILE, Charset
from synthocr.training.decode import Decoded, decode_logits
from synthocr.training.config import RESIZE_CHOICES, RESIZE_MODES
from synthocr.training.pipeline import ImageSpec
from synthocr.training.rundir import CONFIG_FILE, MODEL_FILE


@dataclass
class Recognizer:
    """A model, the charset it was trained with and the input it expects."""

    model: Any
    charset: Charset
    spec: ImageSpec
    path: Path

    def logits(self, images: Any) -> np.ndarray:
        """The model's output (batch, frames, classes) for a batch of preprocessed images (batch, height, width, channels)."""
        import keras

        return np.asarray(keras.ops.convert_to_numpy(self.model(images, training=False)), dtype=np.float32)

    def read(self, images: Any, beam_width: int = 0) -> list[Decoded]:
        """Decoded words for a batch of preprocessed images (batch, height, width, channels)."""
        return decode_logits(self.logits(images), self.charset, beam_width)


def load_recognizer(path: str | Path) -> Recognizer:
    """Loads `model.keras` (or a run directory holding it) with safe_mode and the charset.json beside it."""
    import keras

    path = Path(path)
    model_path = path / MODEL_FILE if path.is_dir() else path
    if not model_path.is_file():
        raise UserError(f"{model_path}: no such model file (give a run directory or its {MODEL_FILE})")
    if not (model_path.parent / CHARSET_FILE).is_file():
        raise UserError(f"{model_path.parent}: no {CHARSET_FILE} beside {model_path.name}")
    charset = Charset.load(model_path.parent)
    try:
        model = keras.models.load_model(model_path, compile=False, safe_mode=True)
    except Exception as err:  # a bad zip, a missing config, an unknown class...: Keras raises a dozen types
        first = (str(err).strip().splitlines() or [""])[0][:300]
        raise UserError(f"{model_path}: not a loadable Keras model ({type(err).__name__}: {first})") from None
    spec = replace(_input_spec(model, model_path), resize=_resize_mode(model_path))
    output_shape = getattr(model, "output_shape", None)
    if not (isinstance(output_shape, tuple) and len(output_shape) == 3 and isinstance(output_shape[-1], int)):
        raise UserError(f"{model_path}: outputs {output_shape}; a synthocr recogniser outputs (batch, frames, classes)")
    classes = output_shape[-1]
    if classes != charset.num_classes:
        raise UserError(
            f"{model_path}: the model has {classes} output classes but {CHARSET_FILE} has {len(charset)} characters + blank"
        )
    return Recognizer(model, charset, spec, model_path)


def _input_spec(model: Any, model_path: Path) -> ImageSpec:
    """The image the model takes: (batch, height, width, 1 or 3) with a fixed height and width."""
    shape = getattr(model, "input_shape", None)
    if (
        isinstance(shape, tuple) and len(shape) == 4
        and all(isinstance(v, int) and v > 0 for v in shape[1:]) and shape[3] in (1, 3)
    ):
        return ImageSpec(shape[1], shape[2], shape[3])
    raise UserError(
        f"{model_path}: takes input of shape {shape}; a synthocr recogniser takes (batch, height, width, 1 or 3 channels)"
    )


def _resize_mode(model_path: Path) -> str:
    """How the model's images were resized in training ("pad" or "stretch"), from the run's config.json.

    A model without config.json beside it (trained before the option existed, or copied alone with
    its charset.json) was trained padded, the only mode there was.
    """
    path = model_path.parent / CONFIG_FILE
    if not path.is_file():
        return "pad"
    try:
        mode = json.loads(path.read_text(encoding="utf-8")).get("train", {}).get("resize", "pad")
    except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
        raise UserError(f"{path}: not the JSON object synthocr train writes (it says how the model resizes its input)") from None
    if mode not in RESIZE_MODES:
        raise UserError(f"{path}: train.resize is {mode!r}; expected {RESIZE_CHOICES}")
    return mode
