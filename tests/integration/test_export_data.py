"""`synthocr export`: LMDB, PaddleOCR and Hugging Face copies of a tiny dataset, read back by their own readers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthocr.cli import app, main
from synthocr.dataset import iter_records
from synthocr.export.common import EXPORT_FILE, ExportRequest, partial_dir
from synthocr.export.dataset_export import export_dataset
from tests.integration.train_fixtures import write_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("export") / "data", {"train": 20, "val": 10}, shards=2)


def _records(dataset: Path, split: str) -> list:
    return list(iter_records(dataset, split))


def read_lmdb_like_parseq(root: Path) -> list[tuple[bytes, str]]:
    """The reading loop of PARSeq's LmdbDataset (and DTRB's): `num-samples`, then 1-based keys."""
    import lmdb

    env = lmdb.open(str(root), max_readers=1, readonly=True, create=False, readahead=False, meminit=False, lock=False)
    with env.begin() as txn:
        num_samples = int(txn.get("num-samples".encode()))
        samples = []
        for index in range(num_samples):
            index += 1
            label = txn.get(f"label-{index:09d}".encode()).decode()
            image = txn.get(f"image-{index:09d}".encode())
            samples.append((bytes(image), label))
        assert txn.get(f"image-{num_samples + 1:09d}".encode()) is None
    env.close()
    return samples


def test_lmdb_round_trip_is_byte_identical(dataset: Path, tmp_path: Path) -> None:
    summary = export_dataset(ExportRequest(dataset, "lmdb", tmp_path / "lmdb"))
    assert summary.counts == {"train": 20, "val": 10}
    for split in ("train", "val"):
        expected = [(r.image, r.text) for r in _records(dataset, split)]
        assert read_lmdb_like_parseq(tmp_path / "lmdb" / split) == expected
    assert (tmp_path / "lmdb" / EXPORT_FILE).is_file()
    assert not partial_dir(tmp_path / "lmdb").exists()


def test_lmdb_map_grows_when_full(tmp_path: Path) -> None:
    import lmdb

    from synthocr.export.lmdb_format import _put_all

    env = lmdb.open(str(tmp_path / "env"), map_size=64 << 10)
    items = [(b"image-%09d" % i, bytes(1000) + bytes([i % 256])) for i in range(1, 1001)]
    _put_all(env, items)
    assert env.info()["map_size"] > 64 << 10
    with env.begin() as txn:
        assert txn.stat()["entries"] == 1000 and txn.get(b"image-000000777") == items[776][1]
    env.close()


def test_paddle_labels_and_images(dataset: Path, tmp_path: Path) -> None:
    export_dataset(ExportRequest(dataset, "paddle", tmp_path / "paddle", splits=("val",)))
    lines = (tmp_path / "paddle" / "rec_gt_val.txt").read_text(encoding="utf-8").splitlines()
    records = _records(dataset, "val")
    assert [line.split("\t")[1] for line in lines] == [r.text for r in records]
    assert lines[0].split("\t")[0] == "images/val/000000001.png"
    assert [(tmp_path / "paddle" / line.split("\t")[0]).read_bytes() for line in lines] == [r.image for r in records]
    assert not (tmp_path / "paddle" / "rec_gt_train.txt").exists()


def test_hf_parquet_loads_with_datasets(dataset: Path, tmp_path: Path) -> None:
    import datasets

    export_dataset(ExportRequest(dataset, "hf", tmp_path / "hf"))
    loaded = datasets.load_dataset("parquet", data_dir=str(tmp_path / "hf"), cache_dir=str(tmp_path / "cache"))
    assert {name: len(split) for name, split in loaded.items()} == {"train": 20, "validation": 10}
    records = _records(dataset, "train")
    train = loaded["train"].cast_column("image", datasets.Image(decode=False))
    assert train["text"] == [r.text for r in records]
    assert train["font"] == [r.font for r in records]
    assert train[0]["image"]["bytes"] == records[0].image
    first = loaded["train"][0]
    assert first["image"].size == (records[0].width, records[0].height)  # decoded as an Image feature
    assert first["meta"] == '{"augment":["none"],"background":"plain","font_size":24}'


def test_overwrite_replaces_an_earlier_export(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_dataset(ExportRequest(dataset, "paddle", out))
    partial_dir(out).mkdir()  # left by an export killed before its rename
    (partial_dir(out) / "junk").write_text("x")
    export_dataset(ExportRequest(dataset, "lmdb", out, splits=("val",), overwrite=True))
    assert sorted(p.name for p in out.iterdir()) == [EXPORT_FILE, "val"]
    assert not partial_dir(out).exists()


def _cli(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output.strip().splitlines()


def test_non_empty_out_without_overwrite_is_one_line(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, lines = _cli("export", str(dataset), "--format", "lmdb", "--out", str(out))
    assert (code, lines) == (2, [f"error: out {out}: is not empty; pass overwrite=True (--overwrite) to replace it"])
    code, lines = _cli("export", str(dataset), "--format", "lmdb", "--out", str(out), "--overwrite")
    assert code == 2 and len(lines) == 1 and "holds no synthocr_export.json" in lines[0]
    assert (out / "notes.txt").read_text() == "keep me" and sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_missing_split_is_one_line(dataset: Path, tmp_path: Path) -> None:
    code, lines = _cli("export", str(dataset), "--format", "hf", "--out", str(tmp_path / "o"), "--split", "test")
    assert (code, lines) == (2, [f"error: split 'test': not in {dataset} (it has: train, val)"])
    assert not (tmp_path / "o").exists() and not partial_dir(tmp_path / "o").exists()


def test_not_a_dataset_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    code, lines = _cli("export", str(tmp_path / "folder"), "--format", "paddle", "--out", str(tmp_path / "o"))
    assert code == 2 and lines == [
        f"error: {tmp_path / 'folder'}: not a synthocr dataset (no dataset info file; `synthocr generate` writes one)"
    ]


def test_unknown_format_is_one_line(dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["synthocr", "export", str(dataset), "--format", "tfrecord", "--out", str(tmp_path / "o")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err.splitlines()
    assert exit_info.value.code == 2
    assert err == ["error: synthocr export: Invalid value for '--format' / '-f': Value error, "
                   "'tfrecord' is not one of 'lmdb', 'paddle', 'hf'."]
    with pytest.raises(Exception, match="format 'tfrecord': unknown; choose one of lmdb, paddle, hf"):
        export_dataset(ExportRequest(dataset, "tfrecord", tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_cli_export_prints_counts(dataset: Path, tmp_path: Path) -> None:
    code, lines = _cli("export", str(dataset), "--format", "lmdb", "--out", str(tmp_path / "l"))
    assert code == 0 and lines[-1] == f"wrote {tmp_path / 'l'} (lmdb): train 20, val 10"
