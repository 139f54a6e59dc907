"""The Example encoder and decoder in synthocr.dataset.records: round trip, determinism, the feature keys."""

from __future__ import annotations

from synthocr.dataset.records import (
    BYTES_KEYS,
    FEATURE_TYPES,
    INT64_KEYS,
    Record,
    decode_example,
    decode_features,
    encode_example,
    read_varint,
)

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


def test_every_feature_key_is_written_once_with_its_declared_type() -> None:
    features = decode_features(encode_example(RECORD))
    assert set(features) == set(FEATURE_TYPES) == set(BYTES_KEYS) | set(INT64_KEYS)
    assert not set(BYTES_KEYS) & set(INT64_KEYS)
    for key, values in features.items():
        assert len(values) == 1
        assert isinstance(values[0], bytes if FEATURE_TYPES[key] == "bytes" else int), key
    assert features["image/width"] == [117] and features["seed"] == [-3] and features["text"] == ["Straße 42".encode()]


def test_varints_read_back_with_the_position_after_them() -> None:
    payload = encode_example(RECORD)
    value, position = read_varint(payload, 0)
    assert value == (1 << 3) | 2  # field 1 (Example.features), length-delimited
    length, start = read_varint(payload, position)
    assert start + length == len(payload)
