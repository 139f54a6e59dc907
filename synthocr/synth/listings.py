"""Asset folders a recipe names (fonts, backgrounds) and the CSV listing beside each one
(`fonts.csv`, `backgrounds.csv`): one row per file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from synthocr.errors import UserError


def read_listing(path: Path) -> dict[str, dict[str, str]]:
    """{file name: row} of a listing with a `file` column; {} when there is none at `path`."""
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            if "file" not in (reader.fieldnames or []):
                raise UserError(f"{path}: no 'file' column (columns: {', '.join(reader.fieldnames or []) or 'none'})")
            return {row["file"]: row for row in reader}
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not UTF-8 (byte 0x{err.object[err.start]:02x} at offset {err.start})") from None


def asset_dirs(dirs: list[str], where: str) -> Iterator[tuple[str, Path]]:
    """(`where[i]`, folder) for each folder of a recipe's `dirs`, checked to exist as it is reached.

    >>> list(asset_dirs(["."], "recipe: fonts.dirs"))
    [('recipe: fonts.dirs[0]', PosixPath('.'))]
    """
    for i, directory in enumerate(dirs):
        path = Path(directory)
        if not path.is_dir():
            raise UserError(f"{where}[{i}]: directory not found: {path}")
        yield f"{where}[{i}]", path
