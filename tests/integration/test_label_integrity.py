"""Every label true to its pixels: no cut glyphs, legible text, no blank glyphs, character boxes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.dataset import iter_records, read_dataset_info
from synthocr.recipe import load_recipe
from synthocr.synth.fonts import blank_characters, scan_directory
from synthocr.synth.sample import SampleFactory

from .generate_fixtures import make_recipe

runner = CliRunner()

BLACK_ON_WHITE = {"text": [{"color": "#000000"}], "min_contrast": 40}
WHITE_PAGE = {"kinds": {"plain": 1}, "plain": [{"color": "#ffffff"}]}


def _augment(*transforms: dict) -> dict:
    return {"__version__": "2.0.8", "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": list(transforms)}}


def _decode(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def _ink_on_border(image: np.ndarray) -> bool:
    """The independent check: black-on-white thresholded, any ink on the outermost rows or columns."""
    ink = image.min(axis=2) < 128
    return bool(ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any())


def _factory(folder: Path, **overrides: object) -> SampleFactory:
    return SampleFactory(load_recipe(make_recipe(folder, **overrides)))


def test_a_large_skew_and_a_rotation_that_pushes_text_out_never_write_a_cut_glyph(tmp_path: Path) -> None:
    # A 25-degree skew with the tightest margins, then an albumentations rotation that keeps the
    # size: the ends of a word leave the frame in most draws, and those draws are redrawn.
    factory = _factory(
        tmp_path / "r", colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE,
        geometry={"height": 32, "skew": 25, "margins": [2, 2]},
        augment=_augment({"__class_fullname__": "Affine", "p": 0.7, "rotate": [-12, 12], "border_mode": 0,
                          "fill": 255, "keep_ratio": True}),
    )
    skips: Counter[str] = Counter()
    redrawn = 0
    for index in range(40):
        record = factory.make("train", index, skips)
        image = _decode(record.image)
        assert not _ink_on_border(image), (record.text, record.meta)
        redrawn += record.meta["redraws"] > 0
        assert len(record.meta["redraw_reasons"]) == record.meta["redraws"]
    assert skips["cut_glyph"] > 0 and redrawn > 0  # the check had work to do


def test_redraws_follow_from_the_sample_alone(tmp_path: Path) -> None:
    overrides = dict(colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE, geometry={"height": 32, "skew": 25, "margins": [2, 2]},
                     augment=_augment({"__class_fullname__": "Affine", "p": 0.7, "rotate": [-12, 12], "border_mode": 0,
                                       "fill": 255, "keep_ratio": True}))
    first, second = _factory(tmp_path / "a", **overrides), _factory(tmp_path / "b", **overrides)
    order = list(range(12))
    forward = {i: first.make("train", i, Counter()).image for i in order}
    backward = {i: second.make("train", i, Counter()).image for i in reversed(order)}
    assert forward == backward


def test_a_recipe_whose_every_draw_cuts_the_text_stops_with_one_line(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE,
                         augment=_augment({"__class_fullname__": "Affine", "p": 1.0, "scale": [3.0, 3.0],
                                           "keep_ratio": True, "border_mode": 0, "fill": 255}))
    out = tmp_path / "data"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "cut_glyph 32" in lines[0] and "out of the frame" in lines[0]
    assert "Traceback" not in result.output


def test_text_the_colour_of_its_background_is_recoloured_on_the_final_pixels(tmp_path: Path) -> None:
    grey = {"text": [{"color": "#808080"}], "min_contrast": 60}
    recipe = make_recipe(tmp_path / "r", colors=grey, backgrounds={"kinds": {"plain": 1}, "plain": [{"color": "#808080"}]},
                         splits={"train": 20, "val": 0, "test": 0})
    out = tmp_path / "data"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    records = list(iter_records(out, "train"))
    assert len(records) == 20
    for record in records:
        assert record.meta["ink_contrast"] >= 60
        assert record.meta["text_color"] in ("#000000", "#ffffff")  # the recipe's grey never reads here
    skipped = read_dataset_info(out)["skipped"]
    assert skipped["contrast_fallback"] >= 20
    assert "low_contrast" not in skipped


def test_the_contrast_goes_into_the_manifest_for_reports(tmp_path: Path) -> None:
    import pandas as pd

    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    out = tmp_path / "data"
    assert runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"]).exit_code == 0
    manifest = pd.read_parquet(out / "train.parquet")
    assert (manifest["ink_contrast"] >= 40).all() and {"redraws", "recoloured"} <= set(manifest.columns)


def _font_with_a_blank_glyph(source: Path, target: Path, blank: str) -> Path:
    """A copy of a TrueType font whose glyph for `blank` is still mapped but has no outline."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    font = TTFont(str(source))
    name = font.getBestCmap()[ord(blank)]
    font["glyf"][name] = Glyph()
    font.save(str(target))
    return target


def test_a_font_that_draws_a_character_blank_never_renders_it(tmp_path: Path) -> None:
    from synthocr.synth.fonts import trdg_latin_dir

    fonts = tmp_path / "r" / "fonts"
    fonts.mkdir(parents=True)
    _font_with_a_blank_glyph(trdg_latin_dir() / "DroidSans.ttf", fonts / "BlankE.ttf", "e")
    (fonts / "Lato-Bold.ttf").write_bytes((trdg_latin_dir() / "Lato-Bold.ttf").read_bytes())
    font = next(f for f in scan_directory(fonts, "test") if f.id == "BlankE")
    assert font.covers("e")  # its character table claims the glyph
    assert blank_characters(font.path, "abcdefgh") == frozenset("e")

    factory = _factory(tmp_path / "r", text={"sources": [{"path": "words.txt"}], "max_length": 12})
    skips: Counter[str] = Counter()
    by_font: Counter[str] = Counter()
    for index in range(60):
        record = factory.make("train", index, skips)
        by_font[record.font] += 1
        if record.font == "BlankE":
            assert "e" not in record.text
    assert by_font["BlankE"] > 5  # it is still used for the words it draws

    listing = runner.invoke(app, ["fonts", str(fonts)])
    assert listing.exit_code == 0, listing.output
    row = next(line for line in listing.output.splitlines() if "BlankE" in line)
    assert "blank: e" in row
    assert "1 font/character pair" in listing.output


def _boxes_factory(folder: Path, skew: float) -> SampleFactory:
    return _factory(folder, colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE, output={"shard_size": 10, "char_boxes": True},
                    text={"sources": [{"path": "words.txt"}], "case": {"none": 1}},
                    geometry={"height": 48, "skew": skew, "margins": [3, 3]}, augment=None)


def test_character_boxes_one_per_character_inside_and_left_to_right(tmp_path: Path) -> None:
    factory = _boxes_factory(tmp_path / "r", 0)
    for index in range(10):
        record = factory.make("train", index, Counter())
        boxes = record.meta["char_boxes"]
        image = _decode(record.image)
        height, width = image.shape[:2]
        assert len(boxes) == len(record.text)
        for x0, y0, x1, y1 in boxes:
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
            assert (image[y0:y1, x0:x1].min(axis=2) < 128).any()  # each box holds ink
        centres = [(b[0] + b[2]) / 2 for b in boxes]
        assert centres == sorted(centres)
        ink_columns = np.flatnonzero((image.min(axis=2) < 128).any(axis=0))
        assert min(b[0] for b in boxes) <= ink_columns[0] and max(b[2] for b in boxes) > ink_columns[-1]


def test_character_boxes_follow_a_skew(tmp_path: Path) -> None:
    factory = _boxes_factory(tmp_path / "r", 12)
    seen = 0
    for index in range(30):
        record = factory.make("train", index, Counter())
        skew, boxes = record.meta["skew"], record.meta["char_boxes"]
        if abs(skew) < 6 or len(boxes) < 5:
            continue
        seen += 1
        xs = np.array([(b[0] + b[2]) / 2 for b in boxes])
        ys = np.array([(b[1] + b[3]) / 2 for b in boxes])
        slope = np.polyfit(xs, ys, 1)[0]
        # A positive skew turns the word counter-clockwise: its right end rises (smaller y).
        assert np.sign(slope) == -np.sign(skew), (record.text, skew, boxes)
        assert abs(np.degrees(np.arctan(-slope)) - skew) < 6
    assert seen >= 5


def test_preview_draws_boxes_and_marks_redrawn_samples(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE,
                         geometry={"height": 32, "skew": 25, "margins": [2, 2]},
                         augment=_augment({"__class_fullname__": "Affine", "p": 0.7, "rotate": [-12, 12], "border_mode": 0,
                                           "fill": 255, "keep_ratio": True}))
    plain, marked = tmp_path / "plain.png", tmp_path / "marked.png"
    assert runner.invoke(app, ["preview", str(recipe), "--out", str(plain), "--per-font", "4"]).exit_code == 0
    result = runner.invoke(app, ["preview", str(recipe), "--out", str(marked), "--per-font", "4", "--boxes", "--show-rejects"])
    assert result.exit_code == 0, result.output
    assert "redrawn" in result.output and "cut_glyph" in result.output
    plain_px = np.asarray(cv2.imread(str(plain)))
    marked_px = np.asarray(cv2.imread(str(marked)))
    assert marked_px.shape[0] > plain_px.shape[0]  # a strip of rejected draws under each row
    red = (marked_px[:, :, 2] > 180) & (marked_px[:, :, 1] < 80) & (marked_px[:, :, 0] < 80)
    assert red.sum() > 100  # rejected draws are framed in red
    green = (marked_px[:, :, 1] > 120) & (marked_px[:, :, 2] < 80)
    assert green.sum() > 100  # character boxes


def test_report_groups_by_the_measured_contrast(tmp_path: Path) -> None:
    import pandas as pd

    from .test_report import fabricate_predictions

    recipe = make_recipe(tmp_path / "r", splits={"train": 0, "val": 0, "test": 40})
    out = tmp_path / "data"
    assert runner.invoke(app, ["generate", str(recipe), "--out", str(out), "--workers", "1"]).exit_code == 0
    contrast = {r.id: r.meta["ink_contrast"] for r in iter_records(out, "test")}
    low = sorted(contrast.values())[len(contrast) // 4]
    predictions = tmp_path / "run" / "predictions.parquet"
    fabricate_predictions(out, "test", predictions, lambda record, i: contrast[record.id] <= low)
    frame = pd.read_parquet(predictions)
    frame["ink_contrast"] = frame["id"].map(contrast)  # evaluate copies every meta value like this
    frame.to_parquet(predictions, index=False)
    result = runner.invoke(app, ["report", str(predictions), "--by", "ink_contrast", "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "report" / "report.csv")
    assert len(table) >= 2
    worst = table.iloc[0]
    assert worst["exact_rate"] == table["exact_rate"].min() < table.iloc[-1]["exact_rate"]
    lowest_bucket = min(table["ink_contrast"], key=lambda b: float(b.split("–")[0]))
    assert worst["ink_contrast"] == lowest_bucket  # the faintest text reads worst


def test_a_shear_slants_a_share_of_the_words_and_cuts_none(tmp_path: Path) -> None:
    factory = _factory(tmp_path / "r", colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE, augment=None,
                       geometry={"height": 32, "skew": 2, "tight": 1.0, "shear": {"p": 0.5, "degrees": 35},
                                 "margins": [2, 2]})
    slants = []
    for index in range(40):
        record = factory.make("train", index, Counter())
        slants.append(abs(record.meta["shear"]))
        assert not _ink_on_border(_decode(record.image))  # cut to the ink, 2 px margins: a cut shows
    assert 8 <= sum(s > 0 for s in slants) <= 32 and max(slants) <= 35


def test_a_tilt_rotates_a_share_of_the_words_strongly_and_cuts_none(tmp_path: Path) -> None:
    factory = _factory(tmp_path / "r", colors=BLACK_ON_WHITE, backgrounds=WHITE_PAGE, augment=None,
                       geometry={"height": 32, "skew": 2, "tilt": {"p": 0.5, "degrees": 25}, "margins": [2, 2]})
    skews = []
    for index in range(40):
        record = factory.make("train", index, Counter())
        skews.append(abs(record.meta["skew"]))
        assert not _ink_on_border(_decode(record.image))
    strong = sum(s > 2 for s in skews)
    assert 8 <= strong <= 32 and max(skews) <= 25  # about half drawn from the wider range
