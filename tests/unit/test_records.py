"""The Example encoder and TFRecord framing, against TensorFlow's own reader where installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.dataset.records import Record, decode_example, decode_features, encode_example
from synthocr.dataset.tfrecord import TFRecordWriter, frame, read_records

RECORD = Record("s-1", b"\x89PNG\r\n\x1a\nxyz", "png", 32, 117, "Straße 42", "DejaVuSans-Bold", "synth", -3,
                {"skew": -1.25, "augment": ["GaussNoise"], "background": "image"})


def test_round_trip() -> None:
    assert decode_example(encode_example(RECORD)) == RECORD


def test_encoding_is_deterministic_and_sorted() -> None:
    assert encode_example(RECORD) == encode_example(Record(**{**RECORD.__dict__, "meta": dict(reversed(list(RECORD.meta.items())))}))
    keys = list(decode_features(encode_example(RECORD)))
    assert keys == sorted(keys)


def test_large_values_and_images() -> None:
    record = Record("x", bytes(range(256)) * 4000, "jpeg", 2**40, 1, "", "f", "mjsynth", 2**62, {})
    assert decode_example(encode_example(record)) == record


def test_framing_detects_corruption(tmp_path: Path) -> None:
    path = tmp_path / "a.tfrecord"
    with path.open("wb") as stream:
        writer = TFRecordWriter(stream)
        writer.write(b"first")
        writer.write(b"second")
    assert list(read_records(path)) == [b"first", b"second"]
    data = bytearray(path.read_bytes())
    data[14] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="CRC"):
        list(read_records(path))
    path.write_bytes(frame(b"abc")[:-2])
    with pytest.raises(ValueError, match="truncated"):
        list(read_records(path))


def test_tensorflow_parses_our_bytes(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    path = tmp_path / "a.tfrecord"
    with path.open("wb") as stream:
        TFRecordWriter(stream).write(encode_example(RECORD))
    raw = next(iter(tf.data.TFRecordDataset(str(path))))
    example = tf.train.Example.FromString(raw.numpy())
    features = example.features.feature
    assert features["text"].bytes_list.value[0].decode() == "Straße 42"
    assert features["seed"].int64_list.value[0] == -3
    assert features["image/width"].int64_list.value[0] == 117
    assert features["image/encoded"].bytes_list.value[0] == RECORD.image
