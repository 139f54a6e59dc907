"""The report on real shards (worst examples read back from the records, moved or broken data) and the loop
report.csv -> `synthocr generate --weights-from` -> more samples of the badly read font."""

from __future__ import annotations

import base64
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset import list_shards, read_dataset_info
from synthocr.dataset.records import Record, decode_example
from synthocr.dataset.tfrecord import read_records
from synthocr.report import build_report
from synthocr.report import images as report_images

from .generate_fixtures import make_recipe
from .train_fixtures import write_dataset

runner = CliRunner()
Misread = Callable[[Record, int], bool]


def fabricate_predictions(data: Path, split: str, out: Path, misread: Misread) -> list[Record]:
    """A predictions.parquet shaped like evaluate's, without a model: misread records get their last letter wrong."""
    rows, records = [], []
    for shard in list_shards(data, split):
        for index, payload in enumerate(read_records(shard)):
            record = decode_example(payload)
            wrong = misread(record, len(records))
            prediction = record.text[:-1] + "#" if wrong else record.text
            records.append(record)
            rows.append({
                "id": record.id, "text": record.text, "prediction": prediction,
                "confidence": 0.3 if wrong else 0.95, "edit_distance": int(wrong), "exact": not wrong,
                "length": len(record.text), "font": record.font, "source": record.source,
                "image_format": record.image_format, "data": str(data.resolve()), "shard": str(shard.resolve()),
                "record_index": index, "image_path": None, "background": record.meta.get("background", ""),
            })
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(out, index=False)
    return records


def _pixels(png: bytes) -> tuple[tuple[int, int], bytes]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.size, image.tobytes()


@pytest.fixture()
def shard_predictions(tmp_path: Path) -> tuple[Path, list[Record]]:
    """30 records in 2 shards: Roboto-Regular 20 (10 misread), OpenSans-Regular 10 (3 misread)."""
    data = write_dataset(tmp_path / "data", {"test": 30}, shards=2)

    def misread(record: Record, i: int) -> bool:
        made = int(record.id.split("-")[1])  # Roboto-Regular 0-19, OpenSans-Regular 20-29
        return made % 2 == 0 if made < 20 else made in (21, 24, 28)

    records = fabricate_predictions(data, "test", tmp_path / "run" / "predictions.parquet", misread)
    frame = pd.read_parquet(tmp_path / "run" / "predictions.parquet")
    assert (~frame["exact"]).groupby(frame["font"]).sum().to_dict() == {"OpenSans-Regular": 3, "Roboto-Regular": 10}
    return tmp_path / "run" / "predictions.parquet", records


def test_worst_examples_are_the_records_images(shard_predictions: tuple[Path, list[Record]], monkeypatch: pytest.MonkeyPatch) -> None:
    predictions, records = shard_predictions
    opened: list[str] = []

    def counting_reader(path: str | Path, verify: bool = True):  # type: ignore[no-untyped-def]
        opened.append(Path(path).name)
        return read_records(path, verify)

    monkeypatch.setattr(report_images, "read_records", counting_reader)
    report = build_report(predictions, min_samples=5)
    assert sorted(opened) == ["tiny-test.tfrecord-00000-of-00002", "tiny-test.tfrecord-00001-of-00002"]  # each once
    assert list(report.groups["font"]) == ["Roboto-Regular", "OpenSans-Regular"]
    by_font_text = {(r.font, r.text): r for r in records}  # the 20 words appear once per font here
    shown = 0
    for (font,), examples in report.examples.items():
        assert len(examples) == {"Roboto-Regular": 6, "OpenSans-Regular": 3}[font]
        for example in examples:
            assert example.image.png is not None, example.image.note
            assert example.prediction == example.text[:-1] + "#"
            assert _pixels(example.image.png) == _pixels(by_font_text[(font, example.text)].image)
            shown += 1
    page = report.html_path.read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') == shown == 9
    first = page.split('<img src="data:image/png;base64,')[1].split('"')[0]
    assert _pixels(base64.b64decode(first)) == _pixels(report.examples[("Roboto-Regular",)][0].image.png)


def test_moved_data_degrades_to_text_examples(shard_predictions: tuple[Path, list[Record]], tmp_path: Path) -> None:
    predictions, _ = shard_predictions
    shutil.move(tmp_path / "data", tmp_path / "moved")
    report = build_report(predictions, min_samples=5)
    examples = [e for shown in report.examples.values() for e in shown]
    assert len(examples) == 9 and all(e.image.png is None for e in examples)
    assert all(e.image.note.startswith("shard not found: tiny-test.tfrecord-0000") for e in examples)
    page = report.html_path.read_text(encoding="utf-8")
    assert "<img" not in page and page.count('class="noimage"') == 9
    assert "9 example image(s) could not be read" in page

    # a `data` column pointing at the new place is enough: shards are found there by file name
    frame = pd.read_parquet(predictions)
    frame["data"] = str(tmp_path / "moved")
    frame.to_parquet(predictions)
    report = build_report(predictions, min_samples=5)
    assert all(e.image.png is not None for shown in report.examples.values() for e in shown)


def test_a_truncated_shard_or_wrong_record_gives_notes(shard_predictions: tuple[Path, list[Record]], tmp_path: Path) -> None:
    predictions, _ = shard_predictions
    shard = tmp_path / "data" / "tiny-test.tfrecord-00001-of-00002"
    shard.write_bytes(shard.read_bytes()[:200])
    frame = pd.read_parquet(predictions)
    frame.loc[frame["shard"].str.endswith("00000-of-00002"), "id"] = "someone-else"
    frame.to_parquet(predictions)
    report = build_report(predictions, min_samples=5)
    notes = [e.image.note for shown in report.examples.values() for e in shown]
    assert len(notes) == 9 and all(notes)
    assert any("unreadable" in n or "has no record" in n for n in notes)
    assert any("not someone-else" in n for n in notes)


def test_image_path_rows_embed_their_files(tmp_path: Path) -> None:
    Image.new("RGB", (400, 100), (250, 250, 250)).save(tmp_path / "scan.jpg", quality=90)
    rows = [{"text": "word", "prediction": "ward", "source": "labels.tsv", "image_path": str(tmp_path / "scan.jpg"),
             "data": str(tmp_path / "labels.tsv")}]
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    report = build_report(tmp_path / "p.parquet", min_samples=1)
    png = report.examples[("labels.tsv",)][0].image.png
    assert png is not None and Image.open(io.BytesIO(png)).size == (192, 48)  # scaled to the strip's height


def _generate(recipe: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1", *extra])
    assert result.exit_code == 0, result.output


def test_the_loop_weights_the_badly_read_font_up(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 45, "val": 0, "test": 0})
    _generate(recipe, tmp_path / "first")
    fabricate_predictions(tmp_path / "first", "train", tmp_path / "run" / "predictions.parquet",
                          lambda record, i: record.font == "Lato-Bold")
    result = runner.invoke(app, ["report", str(tmp_path / "run" / "predictions.parquet"), "--min-samples", "5"])
    assert result.exit_code == 0, result.output
    report_csv = tmp_path / "run" / "report" / "report.csv"
    assert pd.read_csv(report_csv).set_index("font").loc["Lato-Bold", "exact_rate"] == 0.0

    _generate(recipe, tmp_path / "second", "--weights-from", str(report_csv))
    before = pd.read_parquet(tmp_path / "first" / "train.parquet")["font"].value_counts(normalize=True)
    after = pd.read_parquet(tmp_path / "second" / "train.parquet")["font"].value_counts(normalize=True)
    assert after["Lato-Bold"] > before["Lato-Bold"] + 0.2
    info = read_dataset_info(tmp_path / "second")
    assert info["font_weights_from"] == str(report_csv)
    # error rates 1, 0, 0: factor 3 (error over the mean error) for Lato-Bold, the floor 0.5 for the others
    assert info["font_weights"] == pytest.approx({"Lato-Bold": 0.75, "DroidSans": 0.125, "OpenSans-Italic": 0.125})
    assert read_dataset_info(tmp_path / "first")["font_weights_from"] is None


def test_generate_refuses_reports_it_cannot_use(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    rows = [{"text": "ab", "prediction": "ab", "font": "DroidSans", "background": "plain"}] * 3
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    nested = build_report(tmp_path / "p.parquet", by=("font", "background"), out_dir=tmp_path / "nested")
    by_background = build_report(tmp_path / "p.parquet", by=("background",), out_dir=tmp_path / "bg")
    for csv, message in ((nested.csv_path, "(nested)"), (by_background.csv_path, "grouped by 'background'")):
        result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "x"), "--weights-from", str(csv)])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and message in result.output
    assert not (tmp_path / "x").exists()
