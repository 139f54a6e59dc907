"""Issue 11, points 6-10: nothing that generate, evaluate or report accepts breaks later."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from synthocr.dataset import iter_records, list_shards
from synthocr.sources.labels_tsv import iter_labels_tsv

from .conftest import CHARSET, awkward_images, write_labels
from .helpers import cli, one_line_error, tiny_recipe, update_recipe


def test_6_awkward_real_images_are_written_so_that_training_reads_them(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    from synthocr.training.charset import Charset
    from synthocr.training.pipeline import ImageSpec, SkipCounter, labelled_dataset

    labels = write_labels(tmp_path / "real")
    recipe = tiny_recipe(tmp_path / "r", mix={"real": [{"path": str(labels), "fraction": 0.25, "splits": ["train"]}]})
    out = tmp_path / "data"
    code, output = cli("generate", recipe, "--out", out, "--workers", "1")
    assert code == 0, output
    real = [r for r in iter_records(out, "train") if r.source.startswith("real:")]
    assert len(real) == 5 and {r.meta["path"] for r in real} == set(awkward_images())
    assert {r.meta.get("converted_from") for r in real} == {"gif", "jpeg", "bmp", None}
    for record in real:
        for channels in (1, 3):
            image = tf.io.decode_image(record.image, channels=channels, expand_animations=False)
            assert tuple(image.shape) == (record.height, record.width, channels)
    # The training input pipeline, as train builds it for a 1-channel model, reads every sample.
    files = [str(p) for p in list_shards(out, "train")]
    skips = SkipCounter()
    batches = labelled_dataset(files, Charset(CHARSET + CHARSET.upper()), ImageSpec(channels=1), 8, skips)
    assert sum(int(images.shape[0]) for images, _ in batches) + sum(skips.counts().values()) == 20


def test_6_predict_and_evaluate_read_gif_and_cmyk_jpeg(tmp_path: Path, tiny_model: Path) -> None:
    labels = write_labels(tmp_path / "real")
    images = [labels.parent / "word.gif", labels.parent / "word_cmyk.jpg", labels.parent / "word.bmp"]
    code, output = cli("predict", tiny_model, *images, "--json")
    assert code == 0, output
    read = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [Path(r["image"]).name for r in read] == ["word.gif", "word_cmyk.jpg", "word.bmp"]
    predictions = tmp_path / "predictions.parquet"
    code, output = cli("evaluate", tiny_model, labels, "--out", predictions)
    assert code == 0, output
    assert "undecodable" not in output
    assert len(pd.read_parquet(predictions)) == len(awkward_images())


@pytest.mark.parametrize(
    ("transform", "named"),
    [
        ({"__class_fullname__": "Resize", "p": 1.0, "height": 64, "width": 64}, "Resize"),
        ({"__class_fullname__": "OneOf", "p": 1.0, "transforms": [{"__class_fullname__": "Normalize", "p": 1.0}]}, "Normalize"),
        ({"__class_fullname__": "ToFloat", "p": 1.0}, "ToFloat"),
        ({"__class_fullname__": "RandomCrop", "p": 1.0, "height": 64, "width": 300}, "RandomCrop"),
        ({"__class_fullname__": "ToGray", "p": 1.0, "num_output_channels": 1}, "ToGray"),
    ],
)
def test_7_augmentations_that_reshape_images_are_refused(tmp_path: Path, transform: dict, named: str) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    update_recipe(recipe, augment={"__version__": "2.0.8", "transform": {
        "__class_fullname__": "Compose", "p": 1.0, "transforms": [transform]}})
    out = tmp_path / "data"
    line = one_line_error(*cli("generate", recipe, "--out", out, "--workers", "1"))
    assert f"augment: {named}" in line and "augment_may_reshape" in line
    assert not out.exists()


def test_7_a_reshaping_augmentation_the_recipe_allows_is_accepted(tmp_path: Path) -> None:
    from synthocr.recipe import load_recipe

    recipe = tiny_recipe(tmp_path / "r")
    update_recipe(recipe, augment_may_reshape=["Resize"], augment={"__version__": "2.0.8", "transform": {
        "__class_fullname__": "Compose", "p": 1.0,
        "transforms": [{"__class_fullname__": "Resize", "p": 1.0, "height": 32, "width": 96}]}})
    assert load_recipe(recipe).augment_may_reshape == ["Resize"]


@pytest.mark.parametrize(
    ("section", "value", "expected"),
    [
        ("fonts", {"dirs": ["fonts"], "size": [40, 20]}, "fonts.size: low 40 is above high 20"),
        ("fonts", {"dirs": ["fonts"], "size": [24, 1000]}, "fonts.size[1]: Input should be less than or equal to 512"),
        ("fonts", {"dirs": ["fonts"], "size": [0, 20]}, "fonts.size[0]: Input should be greater than or equal to 1"),
        ("geometry", {"character_spacing": [6, 2]}, "geometry.character_spacing: low 6 is above high 2"),
        ("geometry", {"character_spacing": [-4, 0]}, "geometry.character_spacing[0]: Input should be greater than or equal to 0"),
        ("geometry", {"margins": [4, 1]}, "geometry.margins: low 4 is above high 1"),
        ("geometry", {"margins": [0, 16]}, "geometry: margins: 16 px above and below leave no room for text in height 32"),
        ("colors", {"text": [{"color": "#000000", "weight": 0}]}, "colors.text: every colour has weight 0"),
        ("colors", {"stroke": [{"color": "#000000", "weight": 0}]}, "colors.stroke: every colour has weight 0"),
        ("backgrounds", {"kinds": {"plain": 1}, "plain": [{"color": "#ffffff", "weight": 0}]},
         "backgrounds.plain: every colour has weight 0"),
    ],
)
def test_8_every_recipe_number_has_its_range(tmp_path: Path, section: str, value: dict, expected: str) -> None:
    recipe = tiny_recipe(tmp_path / "r")
    update_recipe(recipe, **{section: value})
    line = one_line_error(*cli("generate", recipe, "--out", tmp_path / "data", "--workers", "1"))
    assert str(recipe) in line and expected in line


def test_9_labels_tsv_paths_stay_inside_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    outside = tmp_path / "secret.png"
    outside.write_bytes(awkward_images()["word16.png"])
    labels = write_labels(folder, ["../secret.png\tcab", f"{outside}\tcab", "sub/../../secret.png\tcab"])
    skipped: Counter[str] = Counter()
    records = list(iter_labels_tsv(labels, skipped))
    assert len(records) == len(awkward_images())
    assert skipped == {"real_outside_folder": 3}


def test_9_the_report_embeds_only_images_of_the_evaluated_data(tmp_path: Path) -> None:
    from synthocr.report import build_report

    data = tmp_path / "set"
    labels = write_labels(data)
    secret = tmp_path / "private.png"
    secret.write_bytes(awkward_images()["word16.png"])
    rows = [{"text": "cab", "prediction": "cob", "source": "real", "data": str(labels), "image_path": str(path)}
            for path in (data / "word16.png", secret)]
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    report = build_report(tmp_path / "p.parquet", by="source", min_samples=1)
    inside, outside = sorted(report.examples[("real",)], key=lambda e: e.image.png is None)
    assert inside.image.png is not None
    assert outside.image.png is None and "image not found" in outside.image.note


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("confidence", ["high", "low"], "column 'confidence' should hold numbers, but holds str values such as 'high'"),
        ("exact", ["False", "False"], "column 'exact' should hold booleans, but holds str values such as 'False'"),
    ],
)
def test_10_report_checks_the_predictions_column_types(tmp_path: Path, column: str, values: list, expected: str) -> None:
    rows = pd.DataFrame({"text": ["cab", "dog"], "prediction": ["cob", "dig"], "font": ["A", "B"], column: values})
    rows.to_parquet(tmp_path / "p.parquet")
    line = one_line_error(*cli("report", tmp_path / "p.parquet", "--out", tmp_path / "report"))
    assert expected in line
