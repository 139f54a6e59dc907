"""Readers of existing labelled word images (MJSynth, labels.tsv) and the image check they share.

Each reader streams `synthocr.dataset.records.Record` objects with the original image bytes,
except images that `tf.io.decode_image` cannot read with 1 or 3 channels (GIF, BMP, CMYK JPEG):
those become PNG when read (`tf_readable`), so training never meets an image it cannot decode.
An image is kept only if it decodes fully; other entries are skipped and counted by reason in a
`collections.Counter` the caller passes in, and an `on_skip` callback, if given, receives each `Skip`.
"""

from __future__ import annotations

import io
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from synthocr.dataset.records import Record

# Formats `tf.io.decode_image` reads; anything else could not be trained or evaluated on.
TF_IMAGE_FORMATS = ("png", "jpeg", "gif", "bmp")
# Of those, what it reads with the 1 or 3 channels a model asks for: PNG of any mode and depth,
# JPEG in grey or RGB. GIF and BMP fail with 1 channel, CMYK/YCCK JPEG with both: converted.
_JPEG_MODES_AS_IS = ("L", "RGB")

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)

# Why an image file cannot be used: the end of a skip reason (`real_missing`, `mjsynth_empty`).
IMAGE_MISSING = "missing"
IMAGE_UNREADABLE = "unreadable"
IMAGE_EMPTY = "empty"
IMAGE_UNSUPPORTED_FORMAT = "unsupported_format"
IMAGE_UNDECODABLE = "undecodable"

# What Pillow raises on a broken file, by format and by where the damage lies.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError)


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


def count_skip(skip: Skip, skipped: Counter[str], on_skip: SkipCallback | None) -> None:
    """Counts a skip by reason and hands it to `on_skip`, if there is one.

    >>> skipped = Counter()
    >>> count_skip(Skip("real_no_tab", Path("labels.tsv"), 3, "no tab"), skipped, None)
    >>> skipped
    Counter({'real_no_tab': 1})
    """
    skipped[skip.reason] += 1
    if on_skip is not None:
        on_skip(skip)


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
    """(height, width) of an encoded image if it decodes fully, else None.

    A full decode is the only check that catches truncated files: their headers are intact.
    JPEGs are decoded in Pillow's draft mode (grey, scaled 1/8 by libjpeg): it still reads every
    entropy-coded block, so it rejects what a full decode rejects, faster; the size is the
    header's. Not OpenCV's `imdecode`: it accepts JPEGs with corrupt entropy data that Pillow and
    `tf.io.decode_image` reject. Relies on Pillow's default `ImageFile.LOAD_TRUNCATED_IMAGES = False`.

    >>> buffer = io.BytesIO()
    >>> Image.new("L", (90, 32), 255).save(buffer, "JPEG")
    >>> decoded_size(buffer.getvalue())
    (32, 90)
    >>> decoded_size(buffer.getvalue()[:-100]) is None
    True
    """
    checked = _decode_check(data)
    return None if checked is None else checked[:2]


def _decode_check(data: bytes) -> tuple[int, int, str] | None:
    """(height, width, Pillow mode as stored) if the image decodes fully, else None."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            mode = image.mode
            if image.format == "JPEG":
                image.draft("L", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except _DECODE_ERRORS:
        return None
    if width <= 0 or height <= 0:
        return None
    return height, width, mode


def _needs_conversion(image_format: str, mode: str) -> bool:
    return image_format in ("gif", "bmp") or (image_format == "jpeg" and mode not in _JPEG_MODES_AS_IS)


def to_png(data: bytes) -> bytes | None:
    """The image as an 8-bit grey or RGB PNG (transparency over white), or None if it does not decode.

    >>> buffer = io.BytesIO()
    >>> Image.new("CMYK", (20, 8), (0, 0, 0, 40)).save(buffer, "JPEG")
    >>> png = to_png(buffer.getvalue())
    >>> png[:4], Image.open(io.BytesIO(png)).mode
    (b'\x89PNG', 'RGB')
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.mode in ("1", "L", "I", "I;16", "F"):
                converted = image.convert("L") if image.mode in ("1", "L") else _scaled_to_8_bit(image)
            else:
                rgba = image.convert("RGBA")
                converted = Image.new("RGB", rgba.size, (255, 255, 255))
                converted.paste(rgba, mask=rgba.getchannel("A"))
    except _DECODE_ERRORS:
        return None
    out = io.BytesIO()
    converted.save(out, "PNG")
    return out.getvalue()


def _scaled_to_8_bit(image: Image.Image) -> Image.Image:
    import numpy as np

    pixels = np.asarray(image, dtype=np.float64)
    top = 65535.0 if pixels.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.clip(pixels * 255.0 / top + 0.5, 0, 255).astype(np.uint8), "L")


def tf_readable(data: bytes) -> tuple[bytes, str | None]:
    """(bytes `tf.io.decode_image` reads with 1 or 3 channels, the format converted from or None).

    PNG and grey or RGB JPEG come back untouched; GIF, BMP and CMYK JPEG as PNG. Bytes that do
    not decode come back untouched too: the caller's decode check names them.

    >>> buffer = io.BytesIO()
    >>> Image.new("P", (20, 8)).save(buffer, "GIF")
    >>> data, converted_from = tf_readable(buffer.getvalue())
    >>> data[:4], converted_from
    (b'\x89PNG', 'gif')
    """
    image_format = sniff_format(data)
    checked = _decode_check(data) if image_format is not None else None
    if image_format is None or checked is None or not _needs_conversion(image_format, checked[2]):
        return data, None
    png = to_png(data)
    return (png, image_format) if png is not None else (data, None)


@dataclass(frozen=True)
class ImageFile:
    """The bytes of an image file that decodes fully, with its format and size.

    `converted_from` names the file's own format when `data` is a PNG converted from it.
    """

    data: bytes
    image_format: str
    height: int
    width: int
    converted_from: str | None = None

    def record(self, record_id: str, text: str, font: str, source: str, meta: dict[str, Any]) -> Record:
        """A record of this image as read, with `converted_from` added to `meta` when it was converted."""
        converted = {"converted_from": self.converted_from} if self.converted_from else {}
        return Record(id=record_id, image=self.data, image_format=self.image_format, height=self.height,
                      width=self.width, text=text, font=font, source=source, seed=0, meta={**meta, **converted})


def read_image_file(path: str, rel_path: str, reason_prefix: str) -> ImageFile | tuple[str, str]:
    """The image at `path`, or (skip reason, message) saying why it cannot be used.

    Reasons are `reason_prefix` + `_missing`, `_unreadable`, `_empty`, `_unsupported_format`
    (an image TensorFlow cannot decode, such as WebP or TIFF) and `_undecodable`; messages name
    `rel_path`, the path as the list file wrote it. `path` is a string: this runs once per sample.

    >>> read_image_file("/no/such.png", "such.png", "real")
    ('real_missing', 'such.png: no such file')
    """
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except (FileNotFoundError, NotADirectoryError):
        return f"{reason_prefix}_{IMAGE_MISSING}", f"{rel_path}: no such file"
    except OSError as err:
        return f"{reason_prefix}_{IMAGE_UNREADABLE}", f"{rel_path}: {err.strerror or err}"
    if not data:
        return f"{reason_prefix}_{IMAGE_EMPTY}", f"{rel_path}: empty file"
    image_format = sniff_format(data)
    if image_format is not None and image_format not in TF_IMAGE_FORMATS:
        return (f"{reason_prefix}_{IMAGE_UNSUPPORTED_FORMAT}",
                f"{rel_path}: {image_format} cannot be read by tf.io.decode_image; convert it to PNG")
    checked = _decode_check(data) if image_format is not None else None
    if image_format is None or checked is None:
        return f"{reason_prefix}_{IMAGE_UNDECODABLE}", f"{rel_path}: does not decode as an image"
    height, width, mode = checked
    if _needs_conversion(image_format, mode):
        png = to_png(data)
        if png is None:
            return f"{reason_prefix}_{IMAGE_UNDECODABLE}", f"{rel_path}: does not decode as an image"
        return ImageFile(png, "png", height, width, converted_from=image_format)
    return ImageFile(data, image_format, height, width)
