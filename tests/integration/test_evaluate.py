"""Evaluation: predictions.parquet columns from shards and from a labels.tsv, skips, user errors."""

from __future__ import annotations

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import app

from .train_fixtures import CHARSET, make_records, quick_run, write_dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return quick_run(tmp_path_factory.mktemp("eval"))


def _labels_tsv(folder: Path, words: list[str], undecodable: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for record, word in zip(make_records(len(words), seed=5, words=tuple(words)), words):
        (folder / f"{word}.png").write_bytes(record.image)
        lines.append(f"{word}.png\t{word}")
    for i in range(undecodable):
        (folder / f"broken{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
        lines.append(f"broken{i}.png\tcat")
    (folder / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "labels.tsv"


def test_evaluate_a_dataset_split_writes_one_row_per_sample(run_dir: Path, tmp_path: Path) -> None:
    data = run_dir.parent / "data"
    out = tmp_path / "predictions.parquet"
    result = runner.invoke(app, ["evaluate", str(run_dir), str(data), "--out", str(out), "--split", "val"])
    assert result.exit_code == 0, result.output
    assert "20 samples: word accuracy" in result.output
    frame = pd.read_parquet(out)
    assert len(frame) == 20
    for column in ("id", "text", "prediction", "confidence", "edit_distance", "cer", "exact", "caseless", "benchmark",
                   "length", "font", "source", "image_format", "data", "shard", "record_index", "image_path",
                   "font_size", "background", "augment"):
        assert column in frame.columns, column
    assert set(frame["font"]) <= {"Roboto-Regular", "OpenSans-Regular", "DroidSans-Bold"}
    assert set(frame["source"]) == {"synth"} and set(frame["augment"]) == {"none"}
    assert frame["confidence"].between(0, 1).all()
    assert (frame["cer"] == frame["edit_distance"] / frame["length"].clip(lower=1)).all()
    assert sorted(frame["record_index"]) == sorted(list(range(10)) * 2)  # two shards of 10
    assert frame["shard"].map(lambda s: Path(s).is_file()).all() and frame["image_path"].isna().all()
    assert frame["data"].iloc[0] == str(data.resolve())


def test_evaluate_labels_tsv_skips_and_counts_an_undecodable_image(run_dir: Path, tmp_path: Path) -> None:
    labels = _labels_tsv(tmp_path / "real", ["cat", "tree", "music"], undecodable=1)
    out = tmp_path / "real.parquet"
    result = runner.invoke(app, ["evaluate", str(run_dir / "model.keras"), str(labels), "--out", str(out), "--beam-width", "4"])
    assert result.exit_code == 0, result.output
    assert "3 samples" in result.output and "real_undecodable: 1" in result.output
    frame = pd.read_parquet(out)
    assert sorted(frame["text"]) == ["cat", "music", "tree"]
    assert "font" not in frame.columns  # real images: the font is unknown
    assert set(frame["source"]) == {"real:real"}
    assert frame["image_path"].map(lambda p: Path(p).is_file()).all() and (frame["record_index"] == -1).all()


def test_records_with_corrupt_images_in_shards_are_skipped_and_counted(run_dir: Path, tmp_path: Path) -> None:
    from synthocr.dataset.records import Record
    from synthocr.training.evaluate import EvalRequest, evaluate

    broken = Record("broken", b"not an image", "png", 32, 10, "cat", "Roboto-Regular", "synth", 1, {})
    data = write_dataset(tmp_path / "data", {"test": 6}, shards=1, extra={"test": [broken]})
    result = evaluate(EvalRequest(run_dir, data, tmp_path / "p.parquet"))
    assert result.summary["samples"] == 6
    assert result.skipped == {"undecodable image": 1}


def test_missing_model_file_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    labels = _labels_tsv(tmp_path / "real", ["cat"])
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope" / "model.keras"), str(labels)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'nope' / 'model.keras'}: no such model file (give a run directory or its model.keras)"]


def test_charset_mismatch_is_reported_not_mis_scored(run_dir: Path, tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "wider", {"test": 4}, shards=1, charset=CHARSET + "QZ")
    result = runner.invoke(app, ["evaluate", str(run_dir), str(data), "--out", str(tmp_path / "p.parquet")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "can never output: 'QZ'" in lines[0]
    allowed = runner.invoke(app, ["evaluate", str(run_dir), str(data), "--out", str(tmp_path / "p.parquet"), "--allow-charset-mismatch"])
    assert allowed.exit_code == 0 and "'QZ'" in allowed.output


def test_predict_rejects_an_unreadable_image(run_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"garbage")
    result = runner.invoke(app, ["predict", str(run_dir), str(bad)])
    assert result.exit_code == 2 and "not a decodable image" in result.output


def test_reading_at_several_widths_keeps_each_images_most_confident_reading(run_dir: Path, tmp_path: Path) -> None:
    data = run_dir.parent / "data"
    frames = {}
    for widths in ("0.8", "1", "1.25", "0.8,1,1.25"):
        out = tmp_path / f"p-{widths}.parquet"
        result = runner.invoke(app, ["evaluate", str(run_dir), str(data), "--out", str(out), "--split", "val", "--widths", widths])
        assert result.exit_code == 0, result.output
        frames[widths] = pd.read_parquet(out).set_index("id").sort_index()
    each = pd.concat({w: frames[w] for w in ("0.8", "1", "1.25")}, axis=1)
    best = each.xs("confidence", axis=1, level=1).idxmax(axis=1)
    combined = frames["0.8,1,1.25"]
    assert len(combined) == 20
    # The same arithmetic in another batch shape: equal to float32 rounding, not bit for bit.
    np.testing.assert_allclose(combined["confidence"], each.xs("confidence", axis=1, level=1).max(axis=1), rtol=1e-4)
    assert all(combined.loc[i, "prediction"] == frames[w].loc[i, "prediction"] for i, w in best.items())
    assert (combined["confidence"] >= frames["1"]["confidence"] * (1 - 1e-4)).all()


def test_widths_on_a_labels_tsv_and_in_predict(run_dir: Path, tmp_path: Path) -> None:
    labels = _labels_tsv(tmp_path / "crops", ["cat", "dog", "sun"])
    out = tmp_path / "p.parquet"
    result = runner.invoke(app, ["evaluate", str(run_dir), str(labels), "--out", str(out), "--widths", "0.9,1.1"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(out)) == 3
    predicted = runner.invoke(app, ["predict", str(run_dir), *(str(p) for p in sorted((tmp_path / "crops").glob("*.png"))),
                                    "--widths", "0.9,1.1"])
    assert predicted.exit_code == 0, predicted.output
    assert len(predicted.output.strip().splitlines()) == 3


def test_deskew_keeps_the_more_confident_of_each_image_and_its_upright_view(run_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    from synthocr.training.deskew import CANDIDATE_TURNS

    labels = _labels_tsv(tmp_path / "crops", ["cat", "dog", "sun", "map"])
    for i, png in enumerate(sorted((tmp_path / "crops").glob("*.png"))):  # half of them turned, in upright boxes
        if i % 2:
            Image.open(png).convert("L").rotate(20, expand=True, fillcolor=255).save(png)
    plain, turned = tmp_path / "plain.parquet", tmp_path / "turned.parquet"
    assert runner.invoke(app, ["evaluate", str(run_dir), str(labels), "--out", str(plain)]).exit_code == 0
    result = runner.invoke(app, ["evaluate", str(run_dir), str(labels), "--out", str(turned), "--deskew"])
    assert result.exit_code == 0, result.output
    frame, before = pd.read_parquet(turned).set_index("id"), pd.read_parquet(plain).set_index("id")
    assert "turn" in frame.columns and "turn" not in before.columns
    assert set(frame["turn"]) <= {0, *CANDIDATE_TURNS}
    assert f"deskew: {int((frame['turn'] != 0).sum())} of 4 readings kept from the image turned upright" in result.output
    assert (frame["confidence"] >= before.loc[frame.index, "confidence"] * (1 - 1e-4)).all()
    unturned = frame["turn"] == 0  # read as they are: the same reading as without --deskew
    assert (frame.loc[unturned, "prediction"] == before.loc[frame.index[unturned], "prediction"]).all()
    shards = runner.invoke(app, ["evaluate", str(run_dir), str(run_dir.parent / "data"), "--out", str(tmp_path / "s.parquet"),
                                 "--split", "val", "--deskew", "--widths", "0.9,1"])
    assert shards.exit_code == 0 and len(pd.read_parquet(tmp_path / "s.parquet")) == 20, shards.output
    predicted = runner.invoke(app, ["predict", str(run_dir), *(str(p) for p in sorted((tmp_path / "crops").glob("*.png"))),
                                    "--deskew", "--json"])
    assert predicted.exit_code == 0, predicted.output
    read = {Path(r["image"]).stem: (r["text"], r["turn"]) for r in map(json.loads, predicted.output.strip().splitlines())}
    assert read == {Path(path).stem: (text, turn) for path, text, turn in zip(frame["image_path"], frame["prediction"], frame["turn"])}
    plain = runner.invoke(app, ["predict", str(run_dir), str(next((tmp_path / "crops").glob("*.png"))), "--json"])
    assert "turn" not in json.loads(plain.output)


def test_bad_widths_and_a_stretching_model_are_one_line(run_dir: Path, tmp_path: Path) -> None:
    data = run_dir.parent / "data"
    out = tmp_path / "p.parquet"
    result = runner.invoke(app, ["evaluate", str(run_dir), str(data), "--out", str(out), "--widths", "0.8,9"])
    assert result.exit_code == 2 and result.output.strip() == "error: --widths '0.8,9': width factor 9 is outside 0.25-4"
    stretched = tmp_path / "stretched"
    stretched.mkdir()
    for name in ("model.keras", "charset.json"):
        (stretched / name).write_bytes((run_dir / name).read_bytes())
    (stretched / "config.json").write_text('{"train": {"resize": "stretch"}}')
    result = runner.invoke(app, ["evaluate", str(stretched), str(data), "--out", str(out), "--widths", "0.8,1"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "--widths 0.8,1 need a model trained with resize: pad" in result.output
    assert not out.exists()


class _Misreader:
    """A recogniser that reads the images it is given, in order, as `readings`; every letter sure but
    a second letter 's' or 'o', where the frames leave 'a' 35%."""

    def __init__(self, readings: list[str]) -> None:
        from synthocr.training.charset import Charset
        from synthocr.training.pipeline import ImageSpec

        self.charset, self.spec, self.readings = Charset("abcdefghijklmnopqrstuvwxyz"), ImageSpec(), iter(readings)

    def logits(self, images) -> np.ndarray:
        out = np.full((len(images), 16, self.charset.num_classes), np.log(1e-6))
        out[:, :, 0] = 0.0
        for i in range(len(images)):
            for t, character in enumerate(next(self.readings)):
                out[i, 2 * t, 0], out[i, 2 * t, self.charset.encode(character)[0]] = np.log(1e-6), np.log(0.97)
                if t == 1 and character in "so":
                    out[i, 2 * t, [self.charset.encode(character)[0], self.charset.encode("a")[0]]] = np.log([0.6, 0.35])
        return out


def test_a_lexicon_replaces_readings_with_near_words_and_keeps_what_was_read(tmp_path: Path, monkeypatch) -> None:
    import synthocr.export.runtime

    words = ["cat", "dog", "sun", "map", "cot"]
    labels = _labels_tsv(tmp_path / "crops", words)
    lexicon = tmp_path / "words.txt"
    lexicon.write_text("\n".join(words[:4]) + "\n", encoding="utf-8")  # not 'cot', a name say
    read_as = ["cst", "dog", "xyzzy", "s", "cot"]  # a letter off; a word; nothing near; one letter; a right non-word
    monkeypatch.setattr(synthocr.export.runtime, "load_any_recognizer", lambda path: _Misreader(read_as))
    out = tmp_path / "lexicon.parquet"
    result = runner.invoke(app, ["evaluate", "model", str(labels), "--out", str(out), "--lexicon", str(lexicon)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert list(frame["raw_prediction"]) == read_as and list(frame["prediction"]) == ["cat", "dog", "xyzzy", "s", "cat"]
    assert "5 samples: word accuracy 0.4000 exact" in result.output
    assert ("lexicon: 2 of 5 readings replaced by a lexicon word (column raw_prediction): 1 now right that were wrong, "
            "1 now wrong that were right (benchmark convention)") in result.output
    assert frame["confidence"].iloc[0] == pytest.approx(0.35 / 0.95, rel=0.01)  # the word's probability (frames normalised)
    plain = runner.invoke(app, ["evaluate", "model", str(labels), "--out", str(tmp_path / "plain.parquet")])
    assert plain.exit_code == 0 and "raw_prediction" not in pd.read_parquet(tmp_path / "plain.parquet").columns
    images = [str(tmp_path / "crops" / f"{w}.png") for w in words]
    monkeypatch.setattr(synthocr.export.runtime, "load_any_recognizer", lambda path: _Misreader(read_as))
    predicted = runner.invoke(app, ["predict", "model", *images, "--lexicon", str(lexicon), "--json"])
    assert predicted.exit_code == 0, predicted.output
    rows = [json.loads(line) for line in predicted.output.strip().splitlines()]
    assert [(r["text"], r.get("raw")) for r in rows] == [("cat", "cst"), ("dog", None), ("xyzzy", None), ("s", None), ("cat", "cot")]


def test_a_missing_or_unusable_lexicon_is_one_line(run_dir: Path, tmp_path: Path) -> None:
    labels = _labels_tsv(tmp_path / "crops", ["cat"])
    out = tmp_path / "p.parquet"
    result = runner.invoke(app, ["evaluate", str(run_dir), str(labels), "--out", str(out), "--lexicon", str(tmp_path / "no.txt")])
    assert result.exit_code == 2 and result.output.strip() == f"error: --lexicon {tmp_path / 'no.txt'}: word list not found: {tmp_path / 'no.txt'}"
    accents = tmp_path / "accents.txt"
    accents.write_text("été\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(run_dir), str(next((tmp_path / "crops").glob("*.png"))), "--lexicon", str(accents)])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "no entry of" in result.output and "can be written with the model's charset" in result.output
    assert not out.exists()
