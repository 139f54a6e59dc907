"""The recogniser families by name: each declares its builder and its geometry (`ModelFamily`).

Adding a family is one module beside `crnn.py` that declares its `ModelFamily`, plus one entry
in `FAMILIES`; the config, the input pipeline and the demo then know its frame count. Importing
this package needs no TensorFlow (the builders import Keras when they run).
"""

from __future__ import annotations

from typing import Any

from synthocr.training.models import crnn
from synthocr.training.models.family import ModelFamily

DEFAULT_MODEL = "crnn"
FAMILIES: dict[str, ModelFamily] = {family.name: family for family in crnn.FAMILIES}


def model_family(name: str) -> ModelFamily:
    """The family registered as `name`; a ValueError lists the known ones.

    >>> model_family("crnn-small").name
    'crnn-small'
    """
    if name not in FAMILIES:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(FAMILIES)}")
    return FAMILIES[name]


def frame_count(name: str, width: int) -> int:
    """CTC frames the model `name` emits for images `width` pixels wide.

    >>> frame_count("crnn", 128)
    31
    """
    return model_family(name).frames(width)


def build_model(name: str, num_classes: int, height: int = 32, width: int = 128, channels: int = 1) -> Any:
    """The Keras model `name` returning logits (batch, frame_count(name, width), num_classes).

    >>> build_model("crnn-small", 11).output_shape
    (None, 31, 11)
    """
    return model_family(name).build(num_classes, height, width, channels)


__all__ = ["DEFAULT_MODEL", "FAMILIES", "ModelFamily", "build_model", "frame_count", "model_family"]
