"""MJSynth reader and seeded selection, on a fake tree in the real layout with planted damage."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from synthocr.dataset.records import Record, decode_example, encode_example
from synthocr.errors import UserError
from synthocr.sources import Skip, decoded_size
from synthocr.sources.mjsynth import find_mjsynth_root, iter_mjsynth, iter_selected, open_mjsynth
from synthocr.sources.selection import select_annotation_lines
from tests.fixtures.fake_mjsynth import BROKEN_REASONS, FakeMJSynth, make_fake_mjsynth

WORDS = [
    "Heretical", "world", "Apple", "BANANA", "cherry", "date", "Elder", "fig", "grape", "Honey",
    "ink", "Jolly", "kite", "lemon", "Mango", "night", "Ocean", "pear", "Queen", "river",
    "Stone", "tiger", "Umbra", "vivid", "Water", "xenon", "Yield", "zebra", "Alpha", "beta",
]  # fmt: skip
DAMAGE = {
    "empty": 1,
    "truncated": 1,
    "garbage": 1,
    "corrupt_scan": 1,
    "missing": 1,
    "lexicon_mismatch": 1,
    "malformed_line": 1,
}


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> FakeMJSynth:
    top = tmp_path_factory.mktemp("mjsynth")
    return make_fake_mjsynth(top, WORDS, split_counts={"train": 20, "val": 5, "test": 5}, broken=DAMAGE, seed=3)


def test_fake_tree_has_the_real_layout(fake: FakeMJSynth) -> None:
    assert fake.folder == fake.top / "mnt" / "ramdisk" / "max" / "90kDICT32px"
    first = (fake.folder / "annotation_train.txt").read_text().splitlines()[0]
    assert first == "./1/1/1_Heretical_9.jpg 9"
    assert fake.lexicon[9] == "heretical"
    assert (fake.folder / "lexicon.txt").read_text().splitlines() == list(fake.lexicon)
    assert (fake.folder / "imlist.txt").is_file()


def test_reader_skips_exactly_the_damaged_entries(fake: FakeMJSynth) -> None:
    skipped: Counter[str] = Counter()
    notes: list[Skip] = []
    records = list(iter_mjsynth(fake.top, "train", skipped, on_skip=notes.append))
    assert skipped == Counter(
        {
            "mjsynth_empty": 1,
            "mjsynth_undecodable": 3,
            "mjsynth_missing": 1,
            "mjsynth_lexicon_mismatch": 1,
            "mjsynth_malformed_line": 1,
        }
    )
    assert len(records) == 13
    assert [r.text for r in records] == [e.text for e in fake.valid("train")]
    damaged = sorted((e.line_index + 1, e.broken) for e in fake.entries["train"] if e.broken)
    assert [n.line_no for n in notes] == [line_no for line_no, _ in damaged]
    assert all(n.file == fake.folder / "annotation_train.txt" for n in notes)


def test_records_keep_case_bytes_and_meta(fake: FakeMJSynth) -> None:
    records = list(iter_mjsynth(fake.folder, "train", Counter()))
    first = records[0]
    assert first.text == "Heretical"
    assert first.id == "mjsynth-train-0"
    assert (first.image_format, first.font, first.source, first.seed) == ("jpeg", "mjsynth", "mjsynth", 0)
    assert first.meta == {"path": "./1/1/1_Heretical_9.jpg", "lexicon_index": 9}
    for record in records:
        assert record.image == (fake.folder / record.meta["path"]).read_bytes()
        assert record.height == 32 and record.width >= 16
        assert decode_example(encode_example(record)) == record
    assert {r.text for r in records} >= {"BANANA", "Mango"} - {e.text for e in fake.entries["train"] if e.broken}


def test_decode_check_rejects_what_headers_cannot_show(fake: FakeMJSynth) -> None:
    sound = (fake.folder / fake.valid("train")[0].rel_path).read_bytes()
    middle = (sound.find(b"\xff\xda") + len(sound)) // 2
    assert decoded_size(sound) == (32, Image.open(io.BytesIO(sound)).width)
    assert decoded_size(sound[:middle]) is None  # truncated
    assert decoded_size(sound[:middle] + b"\xff\x06" + sound[middle + 2 :]) is None  # OpenCV accepts this one
    assert decoded_size(b"") is None


def test_other_splits_are_clean(fake: FakeMJSynth) -> None:
    skipped: Counter[str] = Counter()
    val = list(iter_mjsynth(fake.top, "val", skipped))
    assert [r.text for r in val] == WORDS[20:25]
    assert [r.id for r in val] == [f"mjsynth-val-{i}" for i in range(5)]
    assert skipped == Counter()


@pytest.mark.parametrize("level", ["", "mnt", "mnt/ramdisk", "mnt/ramdisk/max", "mnt/ramdisk/max/90kDICT32px"])
def test_root_found_from_any_level(fake: FakeMJSynth, level: str) -> None:
    assert find_mjsynth_root(fake.top / level) == fake.folder


def test_root_found_by_walk_above_the_tree(tmp_path: Path) -> None:
    fake = make_fake_mjsynth(tmp_path / "datasets" / "synth90k", ["one", "Two"], split_counts={"val": 2})
    assert find_mjsynth_root(tmp_path) == fake.folder
    make_fake_mjsynth(tmp_path / "datasets" / "copy", ["one", "Two"], split_counts={"val": 2})
    with pytest.raises(UserError, match="several MJSynth folders"):
        find_mjsynth_root(tmp_path)


def test_bad_roots_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        find_mjsynth_root(tmp_path / "nowhere")
    (tmp_path / "lexicon.txt").write_text("a\n")
    with pytest.raises(UserError, match=r"not an MJSynth folder: no annotation_train\.txt"):
        find_mjsynth_root(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match=f"{empty}: not an MJSynth folder: no lexicon.txt"):
        find_mjsynth_root(empty)


def test_missing_split_and_unknown_split(tmp_path: Path) -> None:
    fake = make_fake_mjsynth(tmp_path, ["one", "two"], split_counts={"train": 2})
    (fake.folder / "annotation_test.txt").unlink()
    with pytest.raises(UserError, match="annotation_test.txt: not found"):
        list(iter_mjsynth(tmp_path, "test", Counter()))
    with pytest.raises(UserError, match="split 'dev'"):
        list(iter_mjsynth(tmp_path, "dev", Counter()))


def test_shards_partition_the_split_and_limit_stops(fake: FakeMJSynth) -> None:
    whole = [r.id for r in iter_mjsynth(fake.top, "train", Counter())]
    shards = [[r.id for r in iter_mjsynth(fake.top, "train", Counter(), shard_index=i, num_shards=3)] for i in range(3)]
    assert sorted(sum(shards, [])) == sorted(whole)
    assert not set(shards[0]) & set(shards[1])
    assert len(list(iter_mjsynth(fake.top, "train", Counter(), limit=4))) == 4


def test_selected_records_replace_broken_ones_by_spares(fake: FakeMJSynth) -> None:
    folder = open_mjsynth(fake.top)
    selection = select_annotation_lines(folder.annotation_file("train"), seed=4, k=13, spares=7)
    skipped: Counter[str] = Counter()
    records = list(iter_selected(folder, "train", selection, skipped))
    assert sorted(r.text for r in records) == sorted(e.text for e in fake.valid("train"))
    assert [r.id for r in records] == [f"mjsynth-train-{c.index}" for c in selection.candidates if fake.entries["train"][c.index].broken is None]
    last = next(i for i, c in enumerate(selection.candidates) if f"mjsynth-train-{c.index}" == records[-1].id)
    passed = [fake.entries["train"][c.index].broken for c in selection.candidates[:last]]
    assert skipped == Counter(BROKEN_REASONS[kind] for kind in passed if kind)
    assert sum(skipped.values()) == last + 1 - 13
    again = list(iter_selected(folder, "train", selection, Counter()))
    assert again == records
    assert all(isinstance(r, Record) for r in records)
