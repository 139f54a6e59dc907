"""The export's one-pass feature reader agrees with the full Example parser."""

from __future__ import annotations

import pytest

from synthocr.dataset.records import Record, _bytes_feature, _field, decode_features, encode_example
from synthocr.export.common import bytes_features


@pytest.mark.parametrize("image_size", [0, 5, 200, 70_000])  # 1-, 2- and 3-byte length varints
def test_bytes_features_match_the_full_parser(image_size: int) -> None:
    image = bytes(range(256)) * (image_size // 256) + bytes(image_size % 256)
    payload = encode_example(Record("id-1", image, "jpeg", 32, 99, "wörd", "Font", "mjsynth", -3, {"a": [1, 2]}))
    full = decode_features(payload)
    fast = bytes_features(payload, (b"image/encoded", b"text", b"image/format", b"meta"))
    assert fast == {key.encode(): full[key][0] for key in ("image/encoded", "text", "image/format", "meta")}
    assert fast[b"text"].decode("utf-8") == "wörd" and len(fast[b"image/encoded"]) == image_size


def test_an_unexpected_layout_falls_back_to_the_full_parser() -> None:
    # A varint-tagged field ahead of the features is legal protobuf the fast path does not walk.
    entry = _field(1, _field(1, b"text") + _field(2, _bytes_feature(b"hello")))
    payload = b"\x10\x01" + _field(1, entry)
    assert bytes_features(payload, (b"text",)) == {b"text": b"hello"}
