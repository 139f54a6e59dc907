"""TFRecord framing without TensorFlow, against TensorFlow's own reader where installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.dataset.records import Record, encode_example
from synthocr.dataset.tfrecord import TFRecordWriter, frame, read_records


def test_framing_round_trip_and_detects_corruption(tmp_path: Path) -> None:
    path = tmp_path / "a.tfrecord"
    with path.open("wb") as stream:
        writer = TFRecordWriter(stream)
        writer.write(b"first")
        writer.write(b"second")
    assert list(read_records(path)) == [b"first", b"second"]
    assert path.read_bytes() == frame(b"first") + frame(b"second")
    data = bytearray(path.read_bytes())
    data[14] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="CRC"):
        list(read_records(path))
    assert list(read_records(path, verify=False))[0] != b"first"
    path.write_bytes(frame(b"abc")[:-2])
    with pytest.raises(ValueError, match="truncated"):
        list(read_records(path))


def test_a_frame_is_length_crc_payload_crc() -> None:
    framed = frame(b"payload")
    assert len(framed) == 8 + 4 + len(b"payload") + 4
    assert framed[:8] == len(b"payload").to_bytes(8, "little") and framed[12:-4] == b"payload"


def test_tensorflow_parses_our_bytes(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    record = Record("s-1", b"\x89PNG", "png", 32, 117, "Straße 42", "F", "synth", -3, {"skew": 1})
    path = tmp_path / "a.tfrecord"
    with path.open("wb") as stream:
        TFRecordWriter(stream).write(encode_example(record))
    raw = next(iter(tf.data.TFRecordDataset(str(path))))
    features = tf.train.Example.FromString(raw.numpy()).features.feature
    assert features["text"].bytes_list.value[0].decode() == "Straße 42"
    assert features["seed"].int64_list.value[0] == -3
    assert features["image/width"].int64_list.value[0] == 117
    assert features["image/encoded"].bytes_list.value[0] == record.image
