"""A small MJSynth copy in the real layout, with deliberately broken entries, for tests and benchmarks.

`make_fake_mjsynth(top, words)` writes `top/mnt/ramdisk/max/90kDICT32px/` with `lexicon.txt`,
`annotation_{train,val,test}.txt`, `imlist.txt` and one 32-px JPEG per word at
`{d}/{s}/{n}_{Word}_{lexicon_index}.jpg`, and returns what a correct reader must find.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from synthocr.sources.mjsynth import (
    LEXICON,
    SKIP_EMPTY,
    SKIP_LEXICON_MISMATCH,
    SKIP_MALFORMED_LINE,
    SKIP_MISSING,
    SKIP_UNDECODABLE,
    SPLITS,
    STANDARD_SUBPATH,
    annotation_name,
)

# The kinds of damage the builder can plant, and the skip reason a reader must give each.
BROKEN_REASONS = {
    "empty": SKIP_EMPTY,
    "truncated": SKIP_UNDECODABLE,
    "garbage": SKIP_UNDECODABLE,
    "corrupt_scan": SKIP_UNDECODABLE,  # intact header and end, an invalid marker mid-scan
    "missing": SKIP_MISSING,
    "lexicon_mismatch": SKIP_LEXICON_MISMATCH,
    "malformed_line": SKIP_MALFORMED_LINE,
}
_SUBFOLDERS = 7  # MJSynth's second level runs 1..7


@dataclass(frozen=True)
class FakeEntry:
    """One annotation line as written: its 0-based index, path, label and damage (None if sound)."""

    line_index: int
    rel_path: str
    text: str
    broken: str | None


@dataclass(frozen=True)
class FakeMJSynth:
    """What `make_fake_mjsynth` wrote: `top` holds `mnt/`, `folder` is the `90kDICT32px` folder."""

    top: Path
    folder: Path
    lexicon: tuple[str, ...]
    entries: Mapping[str, tuple[FakeEntry, ...]]

    def valid(self, split: str) -> list[FakeEntry]:
        """The entries a reader must yield, in file order."""
        return [e for e in self.entries[split] if e.broken is None]

    def expected_skips(self, split: str) -> Counter[str]:
        """The skip counts by reason a reader must report for a split."""
        return Counter(BROKEN_REASONS[e.broken] for e in self.entries[split] if e.broken)


def render_word_jpeg(word: str, rng: random.Random, height: int = 32, quality: int = 90) -> bytes:
    """A grey word image of the given height and a width that grows with the word, as JPEG."""
    width = max(16, int(len(word) * rng.uniform(9, 16)) + rng.randint(4, 24))
    background = rng.randint(120, 255)
    canvas = np.full((height, width, 3), background, dtype=np.uint8)
    ink = (rng.randint(0, 90),) * 3
    cv2.putText(canvas, word, (2, height - 8), cv2.FONT_HERSHEY_SIMPLEX, height / 48, ink, 1, cv2.LINE_AA)
    ok, encoded = cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV failed to encode a JPEG")
    return encoded.tobytes()


def _split_counts(total: int, counts: Mapping[str, int] | None) -> dict[str, int]:
    if counts is not None:
        if sum(counts.values()) != total or set(counts) - set(SPLITS):
            raise ValueError(f"split_counts {dict(counts)} must use {SPLITS} and sum to {total} words")
        return {split: counts.get(split, 0) for split in SPLITS}
    val = test = total // 10
    return {"train": total - val - test, "val": val, "test": test}


def _plan_damage(count: int, broken: Mapping[str, int], rng: random.Random) -> dict[int, str]:
    unknown = set(broken) - set(BROKEN_REASONS)
    if unknown:
        raise ValueError(f"unknown broken kinds {sorted(unknown)}; known: {sorted(BROKEN_REASONS)}")
    kinds = [kind for kind, n in sorted(broken.items()) for _ in range(n)]
    if len(kinds) > count:
        raise ValueError(f"{len(kinds)} broken entries asked for a split of {count} lines")
    return dict(zip(sorted(rng.sample(range(count), len(kinds))), kinds))


def make_fake_mjsynth(
    top: str | Path,
    words: Sequence[str],
    *,
    split_counts: Mapping[str, int] | None = None,
    broken: Mapping[str, int] | None = None,
    broken_split: str = "train",
    seed: int = 0,
    images_per_folder: int = 50,
    height: int = 32,
) -> FakeMJSynth:
    """Writes a fake MJSynth tree below `top` and returns what a correct reader must find.

    Args:
        top: Folder to write into; the data go to `top/mnt/ramdisk/max/90kDICT32px`.
        words: One image per word, labelled with the word as given (its case is the case the
            file name carries; the lexicon gets the lower-case form).
        split_counts: Words per split, taken in order train, val, test; 80/10/10 if None.
        broken: Damage to plant in `broken_split`, by kind (see `BROKEN_REASONS`), e.g.
            `{"empty": 1, "truncated": 1, "missing": 1}`; lines are picked with `seed`.
        broken_split: The split that gets the damage.
        seed: Seeds image widths, colours and where the damage goes.
        images_per_folder: Images per `{d}/{s}` folder.
        height: Image height in pixels.

    >>> import tempfile
    >>> fake = make_fake_mjsynth(tempfile.mkdtemp(), ["Hello", "world"], split_counts={"train": 2})
    >>> [e.text for e in fake.valid("train")]
    ['Hello', 'world']
    """
    for word in words:
        if not word or any(c.isspace() or c in "/\\" for c in word):
            raise ValueError(f"word {word!r} cannot be an MJSynth file name part")
    rng = random.Random(seed)
    folder = Path(top).joinpath(*STANDARD_SUBPATH)
    folder.mkdir(parents=True, exist_ok=True)
    lexicon = sorted({w.lower() for w in words})
    if len(lexicon) < 2:
        lexicon.append("zzfiller")  # a mismatch needs a second word to point at
    lexicon_index = {w: i for i, w in enumerate(lexicon)}
    (folder / LEXICON).write_text("".join(f"{w}\n" for w in lexicon), encoding="utf-8")

    counts = _split_counts(len(words), split_counts)
    entries: dict[str, tuple[FakeEntry, ...]] = {}
    imlist: list[str] = []
    image_no = 0
    for split in SPLITS:
        split_words = words[image_no : image_no + counts[split]]
        damage = _plan_damage(len(split_words), broken or {}, rng) if split == broken_split else {}
        lines, split_entries = [], []
        for line_index, word in enumerate(split_words):
            leaf = image_no // images_per_folder
            rel_dir = f"{leaf // _SUBFOLDERS + 1}/{leaf % _SUBFOLDERS + 1}"
            index = lexicon_index[word.lower()]
            rel_path = f"./{rel_dir}/{image_no % images_per_folder + 1}_{word}_{index}.jpg"
            kind = damage.get(line_index)
            annotated_index = (index + 1) % len(lexicon) if kind == "lexicon_mismatch" else index
            lines.append(rel_path if kind == "malformed_line" else f"{rel_path} {annotated_index}")
            split_entries.append(FakeEntry(line_index, rel_path, word, kind))
            image_no += 1
            if kind == "missing":
                continue
            imlist.append(rel_path)
            data = render_word_jpeg(word, rng, height)
            if kind == "empty":
                data = b""
            elif kind == "truncated":
                data = data[: len(data) // 2]
            elif kind == "corrupt_scan":
                middle = (data.find(b"\xff\xda") + len(data)) // 2
                data = data[:middle] + b"\xff\x06" + data[middle + 2 :]
            elif kind == "garbage":
                data = data[:3] + bytes(rng.randrange(256) for _ in range(200))
            path = folder / rel_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (folder / annotation_name(split)).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        entries[split] = tuple(split_entries)
    (folder / "imlist.txt").write_text("".join(f"{p}\n" for p in imlist), encoding="utf-8")
    return FakeMJSynth(top=Path(top), folder=folder, lexicon=tuple(lexicon), entries=entries)
