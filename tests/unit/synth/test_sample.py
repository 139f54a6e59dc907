"""One sample: seeded by (recipe seed, split, index), its label and meta, a forced font."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from synthocr.dataset.records import SOURCE_SYNTH
from synthocr.recipe import load_recipe
from synthocr.synth.sample import FactoryOptions, SampleFactory, sample_seed

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def factory() -> SampleFactory:
    return SampleFactory(load_recipe(ROOT / "recipes" / "clean.yaml"))


def test_seeds_differ_by_split_index_and_recipe_seed() -> None:
    seeds = {sample_seed(s, split, i) for s in (0, 1) for split in ("train", "val", "test") for i in range(20)}
    assert len(seeds) == 2 * 3 * 20
    assert all(0 <= seed < 2**63 for seed in seeds)


def test_a_sample_is_its_label_in_its_font_with_every_drawn_value(factory: SampleFactory) -> None:
    record = factory.make("train", 5, Counter())
    image = cv2.imdecode(np.frombuffer(record.image, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (32, record.width, 3) and record.height == 32
    assert record.id == "clean-train-00000005" and record.source == SOURCE_SYNTH
    assert record.seed == sample_seed(factory.recipe.seed, "train", 5)
    assert factory.fonts.draws(factory.fonts.by_id(record.font), record.text)
    meta = record.meta
    assert meta["background"] == "plain" and meta["text_color"] == "#000000"
    assert meta["font_size"] == 32 and meta["margins"] == [2, 2, 2, 2] and meta["skew"] == 0.0
    assert meta["redraws"] == len(meta["redraw_reasons"]) == 0
    assert meta["ink_contrast"] >= factory.recipe.colors.min_contrast
    assert record.text == record.text.strip() and set(record.text) <= set(factory.recipe.text.charset)


def test_the_same_index_gives_the_same_bytes(factory: SampleFactory) -> None:
    first, again = factory.make("val", 3, Counter()), factory.make("val", 3, Counter())
    assert first.image == again.image and first.meta == again.meta
    assert factory.make("val", 4, Counter()).image != first.image


def test_a_forced_font_is_used_and_font_weights_can_be_overridden(factory: SampleFactory) -> None:
    font_id = factory.fonts.fonts[0].id
    assert factory.make("train", 1, Counter(), font_id=font_id).font == font_id
    weights = {f.id: 0.0 for f in factory.fonts.fonts[1:]}
    only = SampleFactory(factory.recipe, FactoryOptions(font_weights=weights))
    assert {only.make("train", i, Counter()).font for i in range(5)} == {font_id}
