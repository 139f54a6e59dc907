"""Real labelled images from a `labels.tsv`: one `relative/path.png<TAB>text` per line (PaddleOCR style).

Paths are relative to the file's folder and must stay inside it (no `..`, no absolute path), as
MJSynth's must. Every image must decode fully; bad lines and bad images
are skipped, counted by reason and reported with their line number (counted from 1) through
`on_skip`, so the CLI can print `labels.tsv:17: no tab`. A file that is not UTF-8 is a UserError.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from synthocr.dataset.records import Record
from synthocr.errors import UserError
from synthocr.sources import ImageFile, Skip, SkipCallback, count_skip, read_image_file

LABELS_FILE = "labels.tsv"
SOURCE_PREFIX = "real:"

SKIP_PREFIX = "real"  # image problems are SKIP_PREFIX + "_missing" and so on (`read_image_file`)
SKIP_BLANK_LINE = "real_blank_line"
SKIP_NO_TAB = "real_no_tab"
SKIP_NO_PATH = "real_no_path"
SKIP_EMPTY_LABEL = "real_empty_label"
SKIP_OUTSIDE_FOLDER = "real_outside_folder"


def resolve_labels_file(path: str | Path) -> Path:
    """The labels file itself, given it or the folder that holds a `labels.tsv`.

    Raises:
        UserError: Neither exists.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        if (path / LABELS_FILE).is_file():
            return path / LABELS_FILE
        raise UserError(f"{path}: folder has no {LABELS_FILE}")
    if not path.is_file():
        raise UserError(f"{path}: labels file not found")
    return path


def default_source_name(labels_file: str | Path) -> str:
    """The name real images are known by: the labels file's folder name.

    >>> default_source_name("/data/iiit5k/test/labels.tsv")
    'test'
    """
    return Path(labels_file).absolute().parent.name


def _decode_line(raw: bytes, labels_file: Path, line_no: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = raw[err.start]
        raise UserError(
            f"{labels_file}:{line_no}: not UTF-8 (byte 0x{bad:02x} at column {err.start + 1}); "
            "save the file as UTF-8"
        ) from None
    if line_no == 1:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\r\n")


def _leaves_folder(rel_path: str) -> bool:
    """Whether a labels.tsv path is absolute or climbs out of the file's folder.

    >>> [_leaves_folder(p) for p in ("img/1.png", "../x.png", "/etc/passwd", "a/../../b.png", "C:/x.png")]
    [False, True, True, True, True]
    """
    parts = rel_path.replace("\\", "/").split("/")
    drive = len(parts[0]) == 2 and parts[0][1] == ":"
    return rel_path.startswith(("/", "\\", "~")) or drive or ".." in parts


def label_characters(path: str | Path) -> str:
    """Every character the labels of a labels file use, sorted; a UserError names a line that is not UTF-8.

    >>> import tempfile
    >>> labels = Path(tempfile.mkdtemp()) / "labels.tsv"
    >>> _ = labels.write_bytes(b"a.png\\tcaf\\xc3\\xa9\\nb.png\\tbe\\n")
    >>> label_characters(labels)
    'abcefé'
    """
    labels_file = resolve_labels_file(path)
    characters: set[str] = set()
    with open(labels_file, "rb") as stream:
        for line_no, raw in enumerate(stream, start=1):
            characters.update(_decode_line(raw, labels_file, line_no).partition("\t")[2])
    return "".join(sorted(characters))


def _load_line(line: str, labels_file: Path, line_no: int, source: str, name: str) -> Record | Skip:
    def skip(reason: str, message: str) -> Skip:
        return Skip(reason, labels_file, line_no, message)

    if not line.strip():
        return skip(SKIP_BLANK_LINE, "blank line")
    if "\t" not in line:
        return skip(SKIP_NO_TAB, "no tab")
    rel_path, text = line.split("\t", 1)
    if not rel_path.strip():
        return skip(SKIP_NO_PATH, "no image path before the tab")
    if not text:
        return skip(SKIP_EMPTY_LABEL, f"{rel_path}: empty label")
    if _leaves_folder(rel_path):
        return skip(SKIP_OUTSIDE_FOLDER, f"{rel_path}: leaves the folder of {labels_file.name}")
    image = read_image_file(str(labels_file.parent / rel_path), rel_path, SKIP_PREFIX)
    if not isinstance(image, ImageFile):
        return skip(*image)
    return image.record(f"real-{name}-{line_no}", text, "", source, {"path": rel_path})


def iter_labels_tsv(
    path: str | Path,
    skipped: Counter[str],
    *,
    name: str | None = None,
    on_skip: SkipCallback | None = None,
    limit: int | None = None,
) -> Iterator[Record]:
    """Streams the valid records of a labels file, in file order.

    Records get `source=f"real:{name}"`, `font=''` (unknown), the original bytes, the format
    read from them, and `id=f"real-{name}-{line_no}"` (line counted from 1).

    Args:
        path: A `labels.tsv` (any name) or a folder holding `labels.tsv`.
        skipped: Incremented by reason (`real_no_tab`, `real_missing`, ...).
        name: The source name; the labels file's folder name if None.
        on_skip: Called with each Skip; `str(skip)` reads `labels.tsv:17: no tab`.
        limit: Stop after this many records.

    Raises:
        UserError: The file is missing or a line is not UTF-8 (naming file and line).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "iiit5k"
    >>> folder.mkdir()
    >>> _ = (folder / "labels.tsv").write_text("gone.png\\tcafé\\nno tab here\\n", encoding="utf-8")
    >>> skipped, notes = Counter(), []
    >>> list(iter_labels_tsv(folder, skipped, on_skip=notes.append)), dict(skipped)
    ([], {'real_missing': 1, 'real_no_tab': 1})
    >>> [n.line_no for n in notes]
    [1, 2]
    """
    labels_file = resolve_labels_file(path)
    name = default_source_name(labels_file) if name is None else name
    if not name:
        raise UserError(f"{labels_file}: empty source name; give one")
    source = f"{SOURCE_PREFIX}{name}"
    produced = 0
    with open(labels_file, "rb") as stream:
        for line_no, raw in enumerate(stream, start=1):
            if limit is not None and produced >= limit:
                return
            line = _decode_line(raw, labels_file, line_no)
            result = _load_line(line, labels_file, line_no, source, name)
            if isinstance(result, Skip):
                count_skip(result, skipped, on_skip)
                continue
            produced += 1
            yield result
