"""TFRecord framing without TensorFlow: length, masked CRC32C, payload, masked CRC32C.

Generation and reporting must not import TensorFlow (2-3 s and hundreds of MB per process), so
the container format is written and read here; TensorFlow reads the result as any TFRecord.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import google_crc32c

_MASK_DELTA = 0xA282EAD8


def _masked_crc(data: bytes) -> int:
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame(payload: bytes) -> bytes:
    """One record as it lies in a TFRecord file.

    >>> len(frame(b"abc"))
    19
    """
    header = struct.pack("<Q", len(payload))
    return header + struct.pack("<I", _masked_crc(header)) + payload + struct.pack("<I", _masked_crc(payload))


class TFRecordWriter:
    """Appends framed records to a binary file object."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def write(self, payload: bytes) -> None:
        self._stream.write(frame(payload))


def read_records(path: str | Path, verify: bool = True) -> Iterator[bytes]:
    """Yields each record's payload; raises ValueError on a truncated or corrupt file."""
    with open(path, "rb") as stream:
        while True:
            header = stream.read(8)
            if not header:
                return
            if len(header) < 8:
                raise ValueError(f"{path}: truncated record header")
            (length,) = struct.unpack("<Q", header)
            header_crc = stream.read(4)
            payload = stream.read(length)
            payload_crc = stream.read(4)
            if len(payload) < length or len(payload_crc) < 4:
                raise ValueError(f"{path}: truncated record")
            if verify and (
                struct.unpack("<I", header_crc)[0] != _masked_crc(header)
                or struct.unpack("<I", payload_crc)[0] != _masked_crc(payload)
            ):
                raise ValueError(f"{path}: CRC mismatch")
            yield payload
