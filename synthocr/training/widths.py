"""Reading each image at several widths and keeping the most confident reading (test-time augmentation).

A recogniser trained on synthetic words misreads some real ones at their own width and reads them
at a slightly narrower or wider one: real letters are often narrower or wider than any font drew
them (condensed sign lettering, words seen at an angle). `--widths 0.8,0.9,1,1.15,1.3` reads every
image at each of these width factors (the resize before the pad, as training's `width_jitter`)
and keeps, per image, the reading whose path probability (`Decoded.confidence`) is highest. It
costs one forward pass per width. On our real development sets it raised the default recipe's
model from 81.0% to 83.4% (IIIT5K) and from 34.4% to 37.6% (IC15) at 3,000 steps (README).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synthocr.errors import UserError
from synthocr.training.decode import Decoded, decode_logits

SUGGESTED = "0.8,0.9,1,1.15,1.3"


def parse_widths(text: str, where: str = "--widths") -> tuple[float, ...]:
    """'0.8,1,1.25' -> (0.8, 1.0, 1.25); a UserError names a bad list.

    >>> parse_widths("1, 0.8,1.3")
    (1.0, 0.8, 1.3)
    """
    try:
        widths = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise UserError(f"{where} {text!r}: expected width factors separated by commas, e.g. {SUGGESTED}") from None
    bad = [w for w in widths if not 0.25 <= w <= 4.0]
    if bad:
        raise UserError(f"{where} {text!r}: width factor {bad[0]:g} is outside 0.25-4")
    if len(set(widths)) != len(widths):
        raise UserError(f"{where} {text!r}: a width factor is given twice")
    return widths


def check_widths(widths: tuple[float, ...], resize: str, model: Any) -> None:
    """Width factors change the resized width, which a model that stretches every image never sees."""
    if widths != (1.0,) and resize != "pad":
        given = ",".join(f"{w:g}" for w in widths)
        raise UserError(f"{model}: widths {given} need a model trained with resize: pad (this one stretches every "
                        "image to its input width, whatever the image's own)", params=("widths",))


def preprocess_at_widths(encoded: Any, spec: Any, widths: tuple[float, ...], deskew: bool = False) -> tuple[Any, Any]:
    """PNG or JPEG bytes -> ((views, height, width, channels), turn): the image as each width factor resizes
    it, then with `deskew` the image turned upright (`synthocr.training.deskew`) at each width factor; `turn`
    is the degrees of that turn (an int32 scalar, 0 without `deskew`)."""
    import tensorflow as tf

    from synthocr.training.deskew import deskewed_tensor
    from synthocr.training.pipeline import preprocess_image

    sources, turn = [encoded], tf.constant(0, tf.int32)
    if deskew:
        upright, turn = deskewed_tensor(encoded)
        sources.append(upright)
    views = [preprocess_image(source, spec, None if w == 1.0 else tf.constant(w, tf.float32)) for source in sources for w in widths]
    return tf.stack(views), turn


def kept_turn(view: int, turn: int, widths: tuple[float, ...]) -> int:
    """The degrees the kept reading's image was turned: `turn` if it came from an upright view (the views are
    the widths, then the widths turned), else 0.

    >>> kept_turn(1, -21, (1.0, 0.8)), kept_turn(2, -21, (1.0, 0.8))
    (0, -21)
    """
    return int(turn) if view >= len(widths) else 0


def most_confident(readings: list[Decoded], count: int) -> list[int]:
    """Of `count` readings per image (image-major order), the position of each image's most confident one
    among its `count` (the first on a tie).

    >>> most_confident([Decoded("a", 0.2), Decoded("b", 0.5), Decoded("c", 0.9), Decoded("d", 0.9)], 2)
    [1, 0]
    """
    return [int(np.argmax([d.confidence for d in readings[start : start + count]])) for start in range(0, len(readings), count)]


def read_views(recognizer: Any, images: Any, beam_width: int = 0, lexicon: Any = None) -> tuple[list[Decoded], list[int]]:
    """(each image's kept reading, the view it came from) for a batch: (batch, height, width, channels) is
    one view each; (batch, views, height, width, channels) keeps each image's most confident view. A
    `lexicon` (synthocr.training.lexicon.Lexicon) then corrects each kept reading from its view's frames."""
    shape = tuple(images.shape)
    views = 1 if len(shape) == 4 else shape[1]
    flat = np.reshape(np.asarray(images), (shape[0] * views, *shape[-3:]))
    logits = recognizer.logits(flat)
    readings = decode_logits(logits, recognizer.charset, beam_width)
    chosen = most_confident(readings, views)
    kept = [i * views + view for i, view in enumerate(chosen)]
    decoded = [readings[i] for i in kept]
    if lexicon is not None:
        decoded = lexicon.correct(logits[kept], decoded)
    return decoded, chosen
