"""Local file operations of synthocr.dataset.storage (remote ones go through TensorFlow: test_beam)."""

from __future__ import annotations

from pathlib import Path

from synthocr.dataset import storage


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = str(tmp_path / "f.json")
    storage.write_atomic(path, b"one")
    storage.write_atomic(path, b"two")
    assert Path(path).read_bytes() == b"two" and storage.read_text(path) == "two"
    assert storage.listdir(str(tmp_path)) == ["f.json"]


def test_folder_operations(tmp_path: Path) -> None:
    base = str(tmp_path)
    storage.makedirs(storage.join(base, "a", "b"))
    storage.makedirs(storage.join(base, "a", "b"))  # a second time is no error
    for name in ("z", "c"):
        Path(storage.join(base, "a", name)).write_bytes(b"x")
    assert storage.listdir(storage.join(base, "a")) == ["b", "c", "z"]
    assert storage.isdir(storage.join(base, "a", "b")) and not storage.isdir(storage.join(base, "a", "c"))
    storage.rename(storage.join(base, "a", "c"), storage.join(base, "a", "z"))
    assert storage.listdir(storage.join(base, "a")) == ["b", "z"]
    storage.remove(storage.join(base, "a", "z"))
    storage.remove(storage.join(base, "a", "z"))  # gone already: no error
    storage.rmtree(storage.join(base, "a"))
    assert not storage.exists(storage.join(base, "a"))


def test_remote_paths_join_with_slashes() -> None:
    assert storage.join("gs://bucket/data/", "x", "y") == "gs://bucket/data/x/y"
    assert storage.is_remote("ram://a") and not storage.is_remote("/tmp/a")
