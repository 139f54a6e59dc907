"""report/images.py: thumbnails from image files and shards, and a note for whatever cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from PIL import Image

from synthocr.report import build_report
from synthocr.report.images import MAX_HEIGHT, load_images, resolve_shard, thumbnail


def test_undecodable_image_is_a_note_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    rows = [{"text": "cat", "prediction": "cot", "source": "labels.tsv", "image_path": str(tmp_path / "broken.png")}]
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    report = build_report(tmp_path / "p.parquet", by="source", min_samples=1)
    (example,) = report.examples[("labels.tsv",)]
    assert example.image.png is None and example.image.note.startswith("image could not be decoded")
    assert "image could not be decoded" in report.html_path.read_text(encoding="utf-8")


def test_thumbnail_keeps_the_aspect_at_most_max_height() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 100), "white").save(buffer, format="JPEG")
    image = thumbnail(buffer.getvalue())
    assert image.png is not None and Image.open(io.BytesIO(image.png)).size == (192, MAX_HEIGHT)
    assert thumbnail(b"nope").png is None and thumbnail(b"nope").note == "image could not be decoded (UnidentifiedImageError)"


def test_rows_without_a_reference_or_outside_the_data_get_notes(tmp_path: Path) -> None:
    inside = tmp_path / "data" / "a.png"
    inside.parent.mkdir()
    Image.new("L", (30, 20)).save(inside)
    outside = tmp_path / "b.png"
    Image.new("L", (30, 20)).save(outside)
    data = str(tmp_path / "data")
    frame = pd.DataFrame([
        {"image_path": "a.png", "data": data}, {"image_path": str(outside), "data": data}, {"image_path": None},
        {"shard": "x.tfrecord", "record_index": 0, "data": data},
    ])
    found = load_images(frame, tmp_path)
    assert found[0].png is not None
    assert found[1].png is None and found[1].note == f"image not found: {outside}"
    assert found[2].note == "no image reference in the predictions (shard/record_index or image_path)"
    assert found[3].note == "shard not found: x.tfrecord"
    (tmp_path / "x.tfrecord").write_bytes(b"")
    assert resolve_shard("/elsewhere/x.tfrecord", data, tmp_path) == tmp_path / "x.tfrecord"
