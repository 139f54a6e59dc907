"""Readers of existing labelled word images (MJSynth, labels.tsv) and the image check they share.

Each reader streams `synthocr.records.Record` objects with the original image bytes untouched.
An image is only kept if it really decodes: zero-byte, truncated and undecodable files are skipped
and counted by reason in a `collections.Counter` the caller passes in; a caller that wants to show
where each skip came from also passes an `on_skip` callback that receives a `Skip`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# Formats `tf.io.decode_image` reads; anything else could not be trained or evaluated on.
TF_IMAGE_FORMATS = ("png", "jpeg", "gif", "bmp")

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)

# Decoding to grey skips the colour conversion; ignoring EXIF orientation keeps the size that
# `tf.io.decode_image` (which ignores EXIF too) will see.
_DECODE_FLAGS = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION


@dataclass(frozen=True)
class Skip:
    """One input entry that was left out, and why.

    Attributes:
        reason: The counter key, e.g. `mjsynth_undecodable` or `real_no_tab`.
        file: The list file the entry came from (an annotation file or a labels.tsv).
        line_no: The entry's line in `file`, counted from 1 as editors do.
        message: What was wrong, for a person.

    >>> str(Skip("real_no_tab", Path("data/labels.tsv"), 17, "no tab"))
    'data/labels.tsv:17: no tab'
    """

    reason: str
    file: Path
    line_no: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line_no}: {self.message}"


SkipCallback = Callable[[Skip], None]


def sniff_format(data: bytes) -> str | None:
    """The image format named by the first bytes of a file, or None if it is not an image we know.

    >>> sniff_format(b"\\x89PNG\\r\\n\\x1a\\n....")
    'png'
    >>> sniff_format(b"RIFF\\x00\\x00\\x00\\x00WEBPVP8 ")
    'webp'
    >>> sniff_format(b"hello") is None
    True
    """
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def decoded_size(data: bytes) -> tuple[int, int] | None:
    """(height, width) of an encoded image after a full decode, or None if it does not decode.

    A full decode is the only check that catches truncated files: their headers are intact.
    OpenCV's grey decode is the cheapest that does (about 4x faster than Pillow's `load()` on
    32-px JPEGs, measured in `benchmarks/bench_mjsynth.py`'s notes).

    >>> ok, png = cv2.imencode(".png", np.zeros((32, 90), np.uint8))
    >>> decoded_size(png.tobytes())
    (32, 90)
    >>> decoded_size(png.tobytes()[:40]) is None
    True
    """
    if not data:
        return None
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), _DECODE_FLAGS)
    if pixels is None or pixels.size == 0:
        return None
    return int(pixels.shape[0]), int(pixels.shape[1])
