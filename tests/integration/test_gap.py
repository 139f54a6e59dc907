"""`synthocr gap` on tiny fixtures: a brightness gap ranks first; text gaps; an empty real set is one line, exit 2."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from PIL import Image, ImageOps
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.report.gap import GapRequest, normalised_distance, run_gap, total_variation

from .train_fixtures import make_records, write_dataset

runner = CliRunner()


def _dark_labels_tsv(folder: Path, words: tuple[str, ...], labels: list[str] | None = None) -> Path:
    """The fixture's renders inverted: the same words, sizes and sharpness, light ink on a dark ground."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, record in enumerate(make_records(len(words), seed=11, words=words)):
        image = ImageOps.invert(Image.open(io.BytesIO(record.image)).convert("L"))
        image.save(folder / f"w{i}.png")
        lines.append(f"w{i}.png\t{(labels or list(words))[i]}")
    (folder / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "labels.tsv"


WORDS = ("cat", "dog", "tree", "house", "river", "stone", "apple", "green", "light", "music") * 2


def test_gap_ranks_brightness_first_and_writes_csv_and_html(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 20})
    real = _dark_labels_tsv(tmp_path / "dark", WORDS)
    result = runner.invoke(app, ["gap", str(data), str(real), "--out", str(tmp_path / "gap")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "gap" / "gap.csv")
    assert table["attribute"].iloc[0] == "image_brightness"
    first = table.iloc[0]
    assert first["distance"] > 1.0 and first["direction"] == "real lower"
    assert "backgrounds.plain" in first["hint"]
    assert first["distance_dark"] == first["distance"]  # one real set: pooled = the set
    by_name = table.set_index("attribute")
    assert by_name.loc["text_case", "distance"] == 0 and by_name.loc["image_height", "distance"] == 0
    page = (tmp_path / "gap" / "gap.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 * len(table) and "heuristics" in page and "http" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "image_brightness" in result.output and "heuristics" in result.output


def test_text_gaps_find_case_and_characters_the_synthetic_words_lack(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 20})
    labels = [w.upper() if i % 2 else w + "!" for i, w in enumerate(WORDS)]
    real = _dark_labels_tsv(tmp_path / "signs", WORDS, labels)
    result = run_gap(GapRequest(data, (real,), max_images=10))
    case = result.table.set_index("attribute").loc["text_case"]
    assert case["distance"] == 0.5 and "text.case.upper" in case["hint"]
    texts = result.text_gaps.set_index("item")
    assert texts.loc["!", "kind"] == "character" and not texts.loc["!", "in_charset"]
    assert texts.loc["words with punctuation", "real_share"] == 0.5
    assert any("10 sampled images of 20" in note for note in result.notes)


def test_distances_have_known_values() -> None:
    assert normalised_distance([1, 2, 3], [1, 2, 3]) == 0.0
    assert normalised_distance([5.0] * 10, [5.0] * 10) == 0.0
    assert total_variation(["a", "b"], ["c", "d"]) == 1.0


def test_gap_with_an_empty_real_set_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 4}, shards=1)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "labels.tsv").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["gap", str(data), str(empty), "--out", str(tmp_path / "gap")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: REAL {empty}: labels.tsv is empty"]
    unusable = tmp_path / "unusable"
    unusable.mkdir()
    (unusable / "labels.tsv").write_text("gone.png\tcat\n", encoding="utf-8")
    result = runner.invoke(app, ["gap", str(data), str(unusable)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: REAL {unusable}: no usable labelled image (real_missing: 1)"]
    assert not (tmp_path / "gap").exists()
