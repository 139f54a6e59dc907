"""MJSynth (Synth90k): finding the folder, streaming validated records, reading selected lines.

The folder (`mnt/ramdisk/max/90kDICT32px/`) holds `lexicon.txt` and one `annotation_{split}.txt`
per split, whose lines read `./2911/6/77_heretical_35885.jpg 35885`: an image path relative to the
folder, then the 0-based line of the word in `lexicon.txt`. The label is the middle part of the
file name, whose case is the case the image shows; the lexicon is lower case and only checks it.
Annotation files are streamed, never loaded whole (train has 7.2 M lines).

For mixing, `synthocr.sources.selection` chooses lines by seed; records are the first `k`
candidates in rank order that load, broken files replaced by the next spare, deterministically.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from synthocr.dataset.records import FONT_MJSYNTH, SOURCE_MJSYNTH, Record
from synthocr.dataset.schema import SPLITS
from synthocr.errors import UserError
from synthocr.sources import (
    IMAGE_EMPTY,
    IMAGE_MISSING,
    IMAGE_UNDECODABLE,
    IMAGE_UNREADABLE,
    IMAGE_UNSUPPORTED_FORMAT,
    ImageFile,
    Skip,
    SkipCallback,
    count_skip,
    read_image_file,
)

# Mixing reads the selection through this module, beside the folder it selects from.
from synthocr.sources.selection import AnnotationLine, Selection, select_annotation_lines, selection_keys  # noqa: F401

LEXICON = "lexicon.txt"
# Where the folder lies inside the archive; a root above it may be given at any of these levels.
STANDARD_SUBPATH = ("mnt", "ramdisk", "max", "90kDICT32px")

SKIP_PREFIX = "mjsynth"
SKIP_MISSING = f"{SKIP_PREFIX}_{IMAGE_MISSING}"
SKIP_UNREADABLE = f"{SKIP_PREFIX}_{IMAGE_UNREADABLE}"
SKIP_EMPTY = f"{SKIP_PREFIX}_{IMAGE_EMPTY}"
SKIP_UNDECODABLE = f"{SKIP_PREFIX}_{IMAGE_UNDECODABLE}"
SKIP_UNSUPPORTED_FORMAT = f"{SKIP_PREFIX}_{IMAGE_UNSUPPORTED_FORMAT}"
SKIP_LEXICON_MISMATCH = f"{SKIP_PREFIX}_lexicon_mismatch"
SKIP_MALFORMED_LINE = f"{SKIP_PREFIX}_malformed_line"

_WALK_MAX_DEPTH = 6
_WALK_MAX_DIRS = 2000


def annotation_name(split: str) -> str:
    """The annotation file of a split.

    >>> annotation_name("val")
    'annotation_val.txt'
    """
    return f"annotation_{split}.txt"


def _is_mjsynth_dir(path: Path) -> bool:
    return (path / LEXICON).is_file() and any((path / annotation_name(s)).is_file() for s in SPLITS)


def _walk_for_roots(top: Path) -> list[Path]:
    """MJSynth folders at most `_WALK_MAX_DEPTH` levels below `top`, visiting a bounded number of
    folders and never the thousands of numbered image folders."""
    found: list[Path] = []
    level, visited = [top], 0
    for _ in range(_WALK_MAX_DEPTH):
        below: list[Path] = []
        for folder in level:
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir())
            except OSError:
                continue
            for child in children:
                if child.name.isdigit() or child.name.startswith("."):
                    continue
                visited += 1
                if visited > _WALK_MAX_DIRS:
                    return found
                if _is_mjsynth_dir(child):
                    found.append(child)
                else:
                    below.append(child)
        level = below
    return found


def find_mjsynth_root(path: str | Path) -> Path:
    """The `90kDICT32px` folder given it or any folder above it.

    Looks at `path` itself, then down the standard `mnt/ramdisk/max/90kDICT32px` path, then walks
    a few levels down. A folder counts if it has `lexicon.txt` and an `annotation_*.txt`.

    Raises:
        UserError: `path` does not exist, holds no MJSynth folder, or holds more than one.
    """
    top = Path(path).expanduser()
    if not top.exists():
        raise UserError(f"{top}: MJSynth folder not found (no such file or directory)")
    if not top.is_dir():
        raise UserError(f"{top}: expected the MJSynth folder (90kDICT32px or a folder above it), got a file")
    candidates = [top] + [top.joinpath(*STANDARD_SUBPATH[i:]) for i in range(len(STANDARD_SUBPATH))]
    for candidate in candidates:
        if _is_mjsynth_dir(candidate):
            return candidate
    found = _walk_for_roots(top)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = ", ".join(str(p) for p in found[:5])
        raise UserError(f"{top}: several MJSynth folders below it ({listed}); give the one to use")
    has_lexicon = (top / LEXICON).is_file()
    has_annotations = any((top / annotation_name(s)).is_file() for s in SPLITS)
    if has_lexicon and not has_annotations:
        missing = "no annotation_train.txt, annotation_val.txt or annotation_test.txt"
    elif has_annotations:
        missing = f"annotation files but no {LEXICON}"
    else:
        missing = (
            f"no {LEXICON} + annotation_*.txt in it, in {'/'.join(STANDARD_SUBPATH)} below it, "
            f"or up to {_WALK_MAX_DEPTH} levels below it"
        )
    raise UserError(f"{top}: not an MJSynth folder: {missing}")


def read_lexicon(path: Path) -> tuple[str, ...]:
    """The words of `lexicon.txt`, indexed by line from 0 (split on '\\n' only, so no other
    character can shift the numbering)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    words = text.split("\n")
    if words and words[-1] == "":
        words.pop()
    return tuple(word.rstrip("\r") for word in words)


@dataclass(frozen=True)
class MJSynthFolder:
    """An opened MJSynth folder: its root and its lexicon (88,172 words, about 1 MB)."""

    root: Path
    lexicon: tuple[str, ...]

    def annotation_file(self, split: str) -> Path:
        """The annotation file of a split; a UserError for an unknown split or a missing file."""
        if split not in SPLITS:
            raise UserError(f"MJSynth split {split!r}: expected one of {', '.join(SPLITS)}")
        path = self.root / annotation_name(split)
        if not path.is_file():
            raise UserError(f"{path}: not found: this MJSynth copy has no {split} split")
        return path


def open_mjsynth(path: str | Path) -> MJSynthFolder:
    """Finds the MJSynth folder at or below `path` and loads its lexicon."""
    root = find_mjsynth_root(path)
    return MJSynthFolder(root=root, lexicon=read_lexicon(root / LEXICON))


def iter_annotation_lines(
    path: Path, shard_index: int = 0, num_shards: int = 1
) -> Iterator[AnnotationLine]:
    """Streams the lines of an annotation file; with `num_shards > 1`, only those whose index is
    `shard_index` modulo `num_shards`."""
    with open(path, "rb") as stream:
        for index, raw in enumerate(stream):
            if index % num_shards == shard_index:
                yield AnnotationLine(index, raw.decode("utf-8", errors="replace").rstrip("\r\n"))


class _Entry(NamedTuple):
    rel_path: str
    lexicon_index: int
    label: str


def _parse(line: str, lexicon: tuple[str, ...]) -> _Entry | tuple[str, str]:
    """The parts of an annotation line, or (skip reason, message)."""
    parts = line.split()
    if len(parts) != 2 or not parts[1].isdigit() or "\ufffd" in line:
        return SKIP_MALFORMED_LINE, f"expected 'PATH LEXICON_INDEX', got {line!r}"
    rel_path, lexicon_index = parts[0], int(parts[1])
    # Plain string work, not pathlib: this runs once per sample (7.2 M times for train).
    if rel_path.startswith("/") or "/../" in f"/{rel_path}/":
        return SKIP_MALFORMED_LINE, f"path {rel_path!r} leaves the MJSynth folder"
    if lexicon_index >= len(lexicon):
        return SKIP_MALFORMED_LINE, f"lexicon index {lexicon_index} out of range ({len(lexicon)} words)"
    file_name = rel_path.rsplit("/", 1)[-1]
    name_parts = file_name.rsplit(".", 1)[0].split("_")
    label = "_".join(name_parts[1:-1])
    if len(name_parts) < 3 or not label:
        return SKIP_MALFORMED_LINE, f"file name {file_name!r} is not N_WORD_INDEX.jpg"
    if label.casefold() != lexicon[lexicon_index].casefold():
        word = lexicon[lexicon_index]
        return SKIP_LEXICON_MISMATCH, f"{rel_path}: label {label!r} but lexicon line {lexicon_index} is {word!r}"
    return _Entry(rel_path, lexicon_index, label)


def load_annotation(folder: MJSynthFolder, split: str, line: AnnotationLine) -> Record | Skip:
    """The validated record of one annotation line, or the Skip saying why there is none.

    The image must decode fully (that is what catches truncated files); its bytes are kept as
    they are on disk, unless TensorFlow cannot read them (a GIF, a CMYK JPEG): then as a PNG.
    """

    def skip(reason: str, message: str) -> Skip:
        return Skip(reason, folder.root / annotation_name(split), line.index + 1, message)

    parsed = _parse(line.text, folder.lexicon)
    if not isinstance(parsed, _Entry):
        return skip(*parsed)
    rel_path, lexicon_index, label = parsed
    image = read_image_file(os.path.join(folder.root, rel_path), rel_path, SKIP_PREFIX)
    if not isinstance(image, ImageFile):
        return skip(*image)
    return image.record(f"mjsynth-{split}-{line.index}", label, FONT_MJSYNTH, SOURCE_MJSYNTH,
                        {"path": rel_path, "lexicon_index": lexicon_index})


def iter_mjsynth(
    source: str | Path | MJSynthFolder,
    split: str,
    skipped: Counter[str],
    *,
    on_skip: SkipCallback | None = None,
    shard_index: int = 0,
    num_shards: int = 1,
    limit: int | None = None,
) -> Iterator[Record]:
    """Streams the valid records of one split in file order; every skip is counted in `skipped`.

    Args:
        source: The `90kDICT32px` folder, any folder above it, or an opened folder.
        split: `train`, `val` or `test`.
        skipped: Incremented by reason (`mjsynth_missing`, `mjsynth_empty`, ...).
        on_skip: Called with each Skip (file, line, message), e.g. to print or log it.
        shard_index: With `num_shards`, reads only lines whose index is `shard_index` mod
            `num_shards` (one shard per worker; the shards together are the whole split).
        num_shards: How many disjoint shards the split is read in.
        limit: Stop after this many records.

    >>> import tempfile
    >>> from PIL import Image
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "lexicon.txt").write_text("hello\\nagain\\n")
    >>> _ = (root / "annotation_train.txt").write_text("./1/1_Hello_0.jpg 0\\n./1/2_again_1.jpg 1\\n")
    >>> (root / "1").mkdir()
    >>> Image.new("L", (40, 32), 255).save(root / "1" / "1_Hello_0.jpg")
    >>> _ = (root / "1" / "2_again_1.jpg").write_bytes(b"")
    >>> skipped = Counter()
    >>> [r.text for r in iter_mjsynth(root, "train", skipped)], dict(skipped)
    (['Hello'], {'mjsynth_empty': 1})
    """
    if not 0 <= shard_index < num_shards:
        raise ValueError(f"shard_index {shard_index} not in [0, {num_shards})")
    folder = source if isinstance(source, MJSynthFolder) else open_mjsynth(source)
    lines = iter_annotation_lines(folder.annotation_file(split), shard_index, num_shards)
    yield from _first_that_load(folder, split, lines, limit, skipped, on_skip)


def iter_selected(
    folder: MJSynthFolder,
    split: str,
    selection: Selection,
    skipped: Counter[str],
    *,
    on_skip: SkipCallback | None = None,
) -> Iterator[Record]:
    """The first `selection.k` candidates that load, in rank order; broken ones are counted and
    replaced by the next spare. Yields fewer than k only when the spares run out."""
    yield from _first_that_load(folder, split, selection.candidates, selection.k, skipped, on_skip)


def _first_that_load(folder: MJSynthFolder, split: str, lines: Iterable[AnnotationLine], limit: int | None,
                     skipped: Counter[str], on_skip: SkipCallback | None) -> Iterator[Record]:
    """Records of `lines` in order, up to `limit`; the ones that fail to load are counted instead."""
    produced = 0
    for line in lines:
        if limit is not None and produced >= limit:
            return
        result = load_annotation(folder, split, line)
        if isinstance(result, Skip):
            count_skip(result, skipped, on_skip)
            continue
        produced += 1
        yield result
