"""One shard written: atomically with its part, the same bytes in memory and on disk, rows that follow the records."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from synthocr.dataset import checked_records
from synthocr.dataset.records import Record, decode_example
from synthocr.dataset.schema import MANIFEST_COLUMNS, PARTS_DIR, TMP_SUFFIX
from synthocr.dataset.shards import ShardResult, ShardTask, ShardWriter, WriterSpec, load_part, manifest_row
from synthocr.recipe import Recipe


def test_a_shard_lands_with_its_part_and_no_temporary(writer: ShardWriter, tiny_tasks: list[ShardTask]) -> None:
    task = tiny_tasks[1]
    progress: list[int] = []
    result = writer.write_shard(task, progress=progress.append)
    out = Path(writer.out_dir)
    shard = out / task.file_name("tiny")
    assert sorted(p.name for p in out.iterdir()) == [PARTS_DIR, shard.name]
    assert not any(p.name.endswith(TMP_SUFFIX) for p in (out / PARTS_DIR).iterdir())
    assert hashlib.sha256(shard.read_bytes()).hexdigest() == result.sha256
    assert load_part(str(out), task) == result
    assert (result.samples, sum(progress), sum(result.fonts.values()), result.sources) == (3, 3, 3, {"synth": 3})
    records = [decode_example(p) for p in checked_records(shard)]
    assert [row["id"] for row in result.rows] == [r.id for r in records]
    assert [row["index"] for row in result.rows] == [3, 4, 5] and [row["record_index"] for row in result.rows] == [0, 1, 2]


def test_render_then_store_writes_the_bytes_write_shard_writes(
    writer: ShardWriter, tiny_recipe: Recipe, tiny_tasks: list[ShardTask], tmp_path: Path
) -> None:
    data, result = writer.render_shard(tiny_tasks[0])
    assert list(Path(writer.out_dir, PARTS_DIR).iterdir()) == []  # nothing written yet
    writer.store_shard(data, result)
    (tmp_path / "other" / PARTS_DIR).mkdir(parents=True)
    again = ShardWriter(tiny_recipe, tmp_path / "other").write_shard(tiny_tasks[0])
    name = tiny_tasks[0].file_name("tiny")
    assert (Path(writer.out_dir) / name).read_bytes() == data == (tmp_path / "other" / name).read_bytes()
    assert again == result


def test_no_part_no_result(tmp_path: Path, tiny_tasks: list[ShardTask]) -> None:
    (tmp_path / PARTS_DIR).mkdir()
    assert load_part(str(tmp_path), tiny_tasks[0]) is None


def test_manifest_rows_hold_the_record_and_its_meta() -> None:
    record = Record("r-1", b"", "png", 32, 90, "word", "F", "synth", 5,
                    {"augment": ["Blur", "GaussNoise"], "text_color": {"r": 1}, "text": "clash", "skew": 1.5})
    row = manifest_row(record, ShardTask("val", 2, 3, 20, 30), 4, "d-val.tfrecord-00002-of-00003")
    assert tuple(row)[: len(MANIFEST_COLUMNS)] == MANIFEST_COLUMNS
    assert (row["index"], row["record_index"], row["text"], row["meta_text"]) == (24, 4, "word", "clash")
    assert (row["augment"], row["text_color"], row["skew"]) == ("Blur+GaussNoise", '{"r": 1}', 1.5)


def test_a_writer_spec_travels_without_its_writer(writer: ShardWriter, tiny_recipe: Recipe) -> None:
    spec = WriterSpec(tiny_recipe, writer.out_dir, built=writer)
    assert spec.writer() is writer
    shipped = pickle.loads(pickle.dumps(spec))
    assert shipped.built is None and shipped.recipe == tiny_recipe
    assert isinstance(shipped.writer(), ShardWriter) and shipped.writer() is shipped.writer()


def test_a_result_survives_its_part_file() -> None:
    result = ShardResult(ShardTask("train", 1, 2, 3, 6), 3, {"F": 3}, {"synth": 3}, {"cut_glyph": 1}, [{"id": "x"}], "ff")
    assert ShardResult.from_json(result.to_json().decode()) == result
