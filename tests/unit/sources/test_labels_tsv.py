"""Real images from labels.tsv: exact skips with line numbers, labels kept as written (UTF-8)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from synthocr.errors import UserError
from synthocr.sources import Skip
from synthocr.sources.labels_tsv import iter_labels_tsv


def _image(path: Path, width: int, height: int = 24) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.full((height, width, 3), 200, np.uint8)
    cv2.putText(pixels, "ab", (1, height - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1)
    ok, data = cv2.imencode(path.suffix, pixels)
    assert ok
    path.write_bytes(data.tobytes())
    return data.tobytes()


@pytest.fixture()
def iiit(tmp_path: Path) -> Path:
    folder = tmp_path / "iiit5k"
    _image(folder / "img" / "1.png", 60)
    _image(folder / "img" / "2.jpg", 45, 30)
    _image(folder / "img" / "4.png", 70)
    full = _image(folder / "img" / "5.jpg", 50)
    (folder / "img" / "5.jpg").write_bytes(full[: len(full) // 2])  # truncated
    (folder / "img" / "6.png").write_bytes(b"")
    _image(folder / "img" / "8.png", 33)
    lines = [
        "img/1.png\tStraße",  # 1
        "img/2.jpg\tcafé",  # 2
        "img/3.png\tmissing",  # 3
        "",  # 4
        "img/4.png no tab here",  # 5
        "img/5.jpg\ttruncated",  # 6
        "img/6.png\tempty",  # 7
        "img/8.png\tHello World",  # 8
    ]
    (folder / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "labels.tsv"


def test_valid_lines_become_records_with_exact_labels(iiit: Path) -> None:
    skipped: Counter[str] = Counter()
    records = list(iter_labels_tsv(iiit, skipped))
    assert [r.text for r in records] == ["Straße", "café", "Hello World"]
    assert [r.id for r in records] == ["real-iiit5k-1", "real-iiit5k-2", "real-iiit5k-8"]
    assert [(r.image_format, r.height, r.width) for r in records] == [("png", 24, 60), ("jpeg", 30, 45), ("png", 24, 33)]
    assert {(r.source, r.font, r.seed) for r in records} == {("real:iiit5k", "", 0)}
    assert [r.meta for r in records] == [{"path": "img/1.png"}, {"path": "img/2.jpg"}, {"path": "img/8.png"}]
    for record in records:
        assert record.image == (iiit.parent / record.meta["path"]).read_bytes()


def test_skips_are_counted_with_line_numbers(iiit: Path) -> None:
    skipped: Counter[str] = Counter()
    notes: list[Skip] = []
    list(iter_labels_tsv(iiit, skipped, on_skip=notes.append))
    assert skipped == Counter(
        {"real_missing": 1, "real_blank_line": 1, "real_no_tab": 1, "real_undecodable": 1, "real_empty": 1}
    )
    assert [(n.line_no, n.reason) for n in notes] == [
        (3, "real_missing"),
        (4, "real_blank_line"),
        (5, "real_no_tab"),
        (6, "real_undecodable"),
        (7, "real_empty"),
    ]
    assert str(notes[2]) == f"{iiit}:5: no tab"


def test_name_folder_argument_and_limit(iiit: Path) -> None:
    records = list(iter_labels_tsv(iiit.parent, Counter(), name="IIIT5K-test", limit=2))
    assert [r.source for r in records] == ["real:IIIT5K-test"] * 2
    assert records[0].id == "real-IIIT5K-test-1"


def test_non_utf8_file_is_a_user_error_naming_the_line(tmp_path: Path) -> None:
    _image(tmp_path / "a.png", 20)
    (tmp_path / "labels.tsv").write_bytes(b"a.png\tok\na.png\tcaf" + b"\xe9\n")
    with pytest.raises(UserError, match=r"labels\.tsv:2: not UTF-8 \(byte 0xe9 at column 10\)"):
        list(iter_labels_tsv(tmp_path / "labels.tsv", Counter()))


def test_bom_crlf_and_formats_tf_cannot_read(tmp_path: Path) -> None:
    _image(tmp_path / "a.png", 20)
    Image.new("RGB", (30, 12), "white").save(tmp_path / "b.webp")
    (tmp_path / "c.png").write_bytes(b"not an image at all")
    (tmp_path / "labels.tsv").write_bytes("\ufeffa.png\tÉté\r\nb.webp\tx\r\nc.png\ty\r\nd.png\t\r\n".encode())
    skipped: Counter[str] = Counter()
    records = list(iter_labels_tsv(tmp_path / "labels.tsv", skipped))
    assert [(r.text, r.meta["path"]) for r in records] == [("Été", "a.png")]
    assert skipped == Counter({"real_unsupported_format": 1, "real_undecodable": 1, "real_empty_label": 1})


def test_missing_labels_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="labels file not found"):
        list(iter_labels_tsv(tmp_path / "nope.tsv", Counter()))
    with pytest.raises(UserError, match="folder has no labels.tsv"):
        list(iter_labels_tsv(tmp_path, Counter()))
