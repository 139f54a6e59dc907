"""A trained recogniser loaded from disk: the Keras model, its charset and input size, and batch reading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.errors import UserError
from synthocr.training.charset import CHARSET_FILE, Charset
from synthocr.training.decode import Decoded, decode_logits
from synthocr.training.pipeline import ImageSpec

MODEL_FILE = "model.keras"


@dataclass
class Recognizer:
    """A model, the charset it was trained with and the input it expects."""

    model: Any
    charset: Charset
    spec: ImageSpec
    path: Path

    def read(self, images: Any, beam_width: int = 0) -> list[Decoded]:
        """Decoded words for a batch of preprocessed images (batch, height, width, channels)."""
        import keras

        logits = keras.ops.convert_to_numpy(self.model(images, training=False))
        return decode_logits(np.asarray(logits, dtype=np.float32), self.charset, beam_width)


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
    except (ValueError, OSError) as err:
        raise UserError(f"{model_path}: not a loadable Keras model ({str(err).splitlines()[0]})") from None
    _, height, width, channels = model.input_shape
    classes = model.output_shape[-1]
    if classes != charset.num_classes:
        raise UserError(
            f"{model_path}: the model has {classes} output classes but {CHARSET_FILE} has {len(charset)} characters + blank"
        )
    return Recognizer(model, charset, ImageSpec(height, width, channels), model_path)
