"""read_image_file: the one reader MJSynth and labels.tsv share, and each reason it gives for a skip."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from PIL import Image

from synthocr.sources import ImageFile, Skip, count_skip, read_image_file
from synthocr.sources.mjsynth import SKIP_UNSUPPORTED_FORMAT, iter_mjsynth
from tests.fixtures.fake_mjsynth import make_fake_mjsynth


def _encoded(fmt: str, size: tuple[int, int] = (40, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 20)).save(buffer, fmt)
    return buffer.getvalue()


def test_a_sound_png_comes_back_with_its_bytes_format_and_size(tmp_path: Path) -> None:
    data = _encoded("PNG")
    (tmp_path / "a.png").write_bytes(data)
    assert read_image_file(str(tmp_path / "a.png"), "a.png", "real") == ImageFile(data, "png", 16, 40)


def test_each_problem_has_its_reason_and_names_the_path_as_listed(tmp_path: Path) -> None:
    png = _encoded("PNG")
    files = {
        "empty.png": b"",
        "photo.webp": _encoded("WEBP"),
        "scan.tiff": _encoded("TIFF"),
        "half.png": png[: len(png) // 2],
        "notes.txt": b"not an image at all",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "folder.png").mkdir()

    def result(name: str) -> object:
        return read_image_file(str(tmp_path / name), f"imgs/{name}", "real")

    assert result("gone.png") == ("real_missing", "imgs/gone.png: no such file")
    assert result("folder.png")[0] == "real_unreadable"
    assert result("empty.png") == ("real_empty", "imgs/empty.png: empty file")
    assert result("photo.webp") == (
        "real_unsupported_format", "imgs/photo.webp: webp cannot be read by tf.io.decode_image; convert it to PNG")
    assert result("scan.tiff")[0] == "real_unsupported_format"
    assert result("half.png") == ("real_undecodable", "imgs/half.png: does not decode as an image")
    assert result("notes.txt") == ("real_undecodable", "imgs/notes.txt: does not decode as an image")


def test_an_mjsynth_file_in_a_format_tensorflow_cannot_read_is_skipped_and_counted(tmp_path: Path) -> None:
    fake = make_fake_mjsynth(tmp_path, ["alpha", "beta", "gamma", "delta", "omega", "sigma"],
                             split_counts={"train": 4, "val": 1, "test": 1},
                             seed=1)
    victim = fake.entries["train"][2]
    (fake.folder / victim.rel_path).write_bytes(_encoded("WEBP", (60, 32)))
    skipped: Counter[str] = Counter()
    records = list(iter_mjsynth(fake.folder, "train", skipped))
    assert skipped == Counter({SKIP_UNSUPPORTED_FORMAT: 1})
    assert [r.text for r in records] == [e.text for e in fake.entries["train"] if e is not victim]


def test_a_record_of_an_image_file_keeps_its_bytes_and_says_what_it_was_converted_from(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("P", (12, 5)).save(buffer, "GIF")
    (tmp_path / "a.gif").write_bytes(buffer.getvalue())
    image = read_image_file(str(tmp_path / "a.gif"), "a.gif", "real")
    assert isinstance(image, ImageFile) and image.converted_from == "gif"
    record = image.record("real-x-1", "word", "", "real:x", {"path": "a.gif"})
    assert (record.image, record.image_format, record.height, record.width) == (image.data, "png", 5, 12)
    assert record.meta == {"path": "a.gif", "converted_from": "gif"} and record.seed == 0


def test_count_skip_counts_and_calls_back() -> None:
    skipped: Counter[str] = Counter()
    seen: list[Skip] = []
    skip = Skip("real_no_tab", Path("labels.tsv"), 2, "no tab")
    count_skip(skip, skipped, seen.append)
    count_skip(skip, skipped, None)
    assert skipped == Counter({"real_no_tab": 2}) and seen == [skip]
