"""The sample record and its `tf.train.Example` encoding: the feature keys are defined here, once.

The Example protobuf is written by hand (it is four tiny messages) so that generation needs no
TensorFlow and the bytes are deterministic: features are always written in sorted key order.
`synthocr.training.pipeline` parses the same keys (BYTES_KEYS, INT64_KEYS) with `tf.io.parse_example`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Feature keys of one Example (README, "The dataset on disk").
KEY_ID = "id"
KEY_IMAGE = "image/encoded"
KEY_FORMAT = "image/format"
KEY_HEIGHT = "image/height"
KEY_WIDTH = "image/width"
KEY_TEXT = "text"
KEY_FONT = "font"
KEY_SOURCE = "source"
KEY_SEED = "seed"
KEY_META = "meta"

BYTES_KEYS = (KEY_ID, KEY_IMAGE, KEY_FORMAT, KEY_TEXT, KEY_FONT, KEY_SOURCE, KEY_META)
INT64_KEYS = (KEY_HEIGHT, KEY_WIDTH, KEY_SEED)
FEATURE_TYPES = {**{key: "bytes" for key in BYTES_KEYS}, **{key: "int64" for key in INT64_KEYS}}

SOURCE_SYNTH = "synth"
SOURCE_MJSYNTH = "mjsynth"
FONT_MJSYNTH = "mjsynth"


@dataclass(frozen=True)
class Record:
    """One labelled word image as stored in a shard."""

    id: str
    image: bytes
    image_format: str
    height: int
    width: int
    text: str
    font: str
    source: str
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)


_ONE_BYTE = [bytes((value,)) for value in range(0x80)]


def _varint(value: int) -> bytes:
    """A protobuf varint; a negative value as its 64-bit two's complement, as int64 fields are."""
    if 0 <= value < 0x80:
        return _ONE_BYTE[value]  # most tags, lengths and sizes
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def _bytes_feature(value: bytes) -> bytes:
    return _field(1, _field(1, value))  # Feature.bytes_list { value }


def _int64_feature(value: int) -> bytes:
    return _field(3, _field(1, _varint(value)))  # Feature.int64_list { packed value }


def meta_json(meta: dict[str, Any]) -> str:
    """The canonical JSON of a meta dict: sorted keys, no spaces, so equal dicts give equal bytes."""
    return json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode_example(record: Record) -> bytes:
    """Serialises a record as a `tf.train.Example`, features in sorted key order.

    >>> r = Record("a", b"\\x89PNG", "png", 32, 80, "hello", "DejaVuSans", "synth", 7)
    >>> decode_example(encode_example(r)) == r
    True
    """
    values: dict[str, bytes] = {
        KEY_ID: _bytes_feature(record.id.encode()),
        KEY_IMAGE: _bytes_feature(record.image),
        KEY_FORMAT: _bytes_feature(record.image_format.encode()),
        KEY_TEXT: _bytes_feature(record.text.encode("utf-8")),
        KEY_FONT: _bytes_feature(record.font.encode("utf-8")),
        KEY_SOURCE: _bytes_feature(record.source.encode("utf-8")),
        KEY_META: _bytes_feature(meta_json(record.meta).encode("utf-8")),
        KEY_HEIGHT: _int64_feature(record.height),
        KEY_WIDTH: _int64_feature(record.width),
        KEY_SEED: _int64_feature(record.seed),
    }
    entries = b"".join(
        _field(1, _field(1, key.encode()) + _field(2, values[key])) for key in sorted(values)
    )
    return _field(1, entries)  # Example.features


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(the varint at `pos`, the position after it).

    >>> read_varint(_varint(300), 0)
    (300, 2)
    """
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """Top-level (field number, wire type, value) triples of a protobuf message."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            value, pos = buf[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.append((number, wire, value))
    return out


def decode_features(payload: bytes) -> dict[str, list[Any]]:
    """Any `tf.train.Example` as {key: [values]} (bytes or int); float lists are not used here."""
    features: dict[str, list[Any]] = {}
    for number, _, features_msg in _fields(payload):
        if number != 1:
            continue
        for _, _, entry in _fields(features_msg):
            key, feature = "", b""
            for n, _, v in _fields(entry):
                if n == 1:
                    key = v.decode()
                elif n == 2:
                    feature = v
            values: list[Any] = []
            for kind, _, lst in _fields(feature):
                for n, wire, v in _fields(lst):
                    if kind == 1:
                        values.append(bytes(v))
                    elif kind == 3 and wire == 2:  # packed int64
                        p = 0
                        while p < len(v):
                            x, p = read_varint(v, p)
                            values.append(x - (1 << 64) if x >= 1 << 63 else x)
                    elif kind == 3:
                        values.append(v - (1 << 64) if v >= 1 << 63 else v)
            features[key] = values
    return features


def decode_example(payload: bytes) -> Record:
    """Parses a synthocr Example back into a Record (without TensorFlow)."""
    f = decode_features(payload)

    def text(key: str) -> str:
        return f[key][0].decode("utf-8")

    return Record(
        id=text(KEY_ID),
        image=f[KEY_IMAGE][0],
        image_format=text(KEY_FORMAT),
        height=int(f[KEY_HEIGHT][0]),
        width=int(f[KEY_WIDTH][0]),
        text=text(KEY_TEXT),
        font=text(KEY_FONT),
        source=text(KEY_SOURCE),
        seed=int(f[KEY_SEED][0]),
        meta=json.loads(text(KEY_META)),
    )
