"""`ModelFamily`: what a recogniser family declares, its builder and its geometry; no TensorFlow.

The geometry (how many CTC frames an input width gives, which input sizes the network takes)
is the family's own knowledge: the config, the input pipeline and the demo ask the family and
never recompute it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelFamily:
    """One recogniser family: its name, how to build it and the geometry of its output.

    `build(num_classes, height, width, channels)` returns a Keras model mapping images
    (batch, height, width, channels) to logits (batch, frames(width), num_classes);
    `check_input(height, width)` returns why an input size does not suit the network, or None.

    >>> tiny = ModelFamily("tiny", "a test family", build=lambda *size: None, frames=lambda width: width // 8,
    ...                    check_input=lambda height, width: None)
    >>> tiny.frames(128)
    16
    """

    name: str
    description: str
    build: Callable[[int, int, int, int], Any]
    frames: Callable[[int], int]
    check_input: Callable[[int, int], str | None]
