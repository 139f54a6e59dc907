"""Asset folders and their CSV listings."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.errors import UserError
from synthocr.synth.listings import asset_dirs, read_listing


def test_a_listing_is_rows_by_file_name(tmp_path: Path) -> None:
    listing = tmp_path / "fonts.csv"
    listing.write_text("file,category\na.ttf,serif\nb.ttf,sans\n", encoding="utf-8")
    assert read_listing(listing) == {"a.ttf": {"file": "a.ttf", "category": "serif"},
                                     "b.ttf": {"file": "b.ttf", "category": "sans"}}
    assert read_listing(tmp_path / "none.csv") == {}


def test_a_listing_without_a_file_column_or_not_utf8_is_refused(tmp_path: Path) -> None:
    listing = tmp_path / "fonts.csv"
    listing.write_text("name,category\na.ttf,serif\n", encoding="utf-8")
    with pytest.raises(UserError, match="no 'file' column"):
        read_listing(listing)
    listing.write_bytes(b"file\n\xff.ttf\n")
    with pytest.raises(UserError, match="not UTF-8"):
        read_listing(listing)


def test_asset_dirs_are_checked_as_they_are_reached(tmp_path: Path) -> None:
    folders = asset_dirs([str(tmp_path), str(tmp_path / "gone")], "r.yaml: fonts.dirs")
    assert next(folders) == ("r.yaml: fonts.dirs[0]", tmp_path)
    with pytest.raises(UserError, match=r"r.yaml: fonts.dirs\[1\]: directory not found"):
        next(folders)
