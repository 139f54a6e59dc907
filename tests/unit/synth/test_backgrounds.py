"""Backgrounds: every kind paints the size asked, from its drawn parameters alone; the kinds' table."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest

from synthocr.errors import UserError
from synthocr.recipe import BackgroundsConfig, ColorChoice
from synthocr.synth.backgrounds import KINDS, BackgroundSampler, crop, quasicrystal

BUNDLED = Path(__file__).resolve().parents[3] / "backgrounds"


def _only(kind: str, **config: object) -> BackgroundSampler:
    return BackgroundSampler(BackgroundsConfig(kinds={kind: 1.0}, dirs=[str(BUNDLED)], **config))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_paints_the_size_asked_and_again_from_its_parameters(kind: str) -> None:
    sampler = _only(kind)
    params = sampler.draw(np.random.default_rng(4))
    assert params["background"] == kind
    assert all(key == "background" or key.startswith("background_") for key in params)
    first = sampler.paint(params, 32, 77, np.random.default_rng(9))
    again = _only(kind).paint(dict(params), 32, 77, np.random.default_rng(9))
    assert first.shape == (32, 77, 3) and first.dtype == np.uint8
    assert np.array_equal(first, again)


def test_the_draws_follow_from_the_rng_alone() -> None:
    sampler = BackgroundSampler(BackgroundsConfig(kinds={k: 1.0 for k in KINDS}, dirs=[str(BUNDLED)]))
    draws = [sampler.draw(np.random.default_rng(seed)) for seed in range(40)]
    assert draws == [sampler.draw(np.random.default_rng(seed)) for seed in range(40)]
    assert {d["background"] for d in draws} == set(KINDS)


def test_a_plain_background_is_its_colour_everywhere() -> None:
    sampler = _only("plain", plain=[ColorChoice(color="#102030")])
    params = sampler.draw(np.random.default_rng(0))
    assert params == {"background": "plain", "background_color": "#102030"}
    assert (sampler.paint(params, 4, 5, np.random.default_rng(0)) == [0x10, 0x20, 0x30]).all()


def test_gaussian_noise_sits_around_its_mean() -> None:
    sampler = _only("gaussian")
    params = {"background": "gaussian", "background_mean": 230, "background_sigma": 5.0}
    pixels = sampler.paint(params, 64, 64, np.random.default_rng(1)).astype(float)
    assert abs(pixels.mean() - 230) < 1 and 4 < pixels.std() < 6
    assert (pixels[:, :, 0] == pixels[:, :, 2]).all()  # grey


def test_image_kind_names_the_photo_and_its_crop() -> None:
    params = _only("image").draw(np.random.default_rng(2))
    assert (BUNDLED / params["background_image"]).is_file()
    assert 0 <= params["background_crop_x"] <= 1 and 0.6 <= params["background_crop_scale"] <= 1.6
    assert isinstance(params["background_flip"], bool)


def test_crop_mirrors_and_resizes_a_window() -> None:
    pixels = np.arange(10 * 20 * 3, dtype=np.uint8).reshape(10, 20, 3)
    window = crop(pixels, 10, 20, 0.0, 0.0, 1.0, flip=True)
    assert np.array_equal(window, pixels[:, ::-1])
    assert crop(pixels, 32, 50, 0.5, 0.5, 1.0, flip=False).shape == (32, 50, 3)


def test_quasicrystal_is_a_grey_pattern_symmetric_about_the_centre() -> None:
    pattern = quasicrystal(32, 64, 30.0, 1.0, 12)
    assert pattern.shape == (32, 64, 3)
    assert (pattern[:, :, 0] == pattern[:, :, 1]).all() and len(np.unique(pattern)) > 20
    assert np.array_equal(pattern, pattern[::-1, ::-1])


def test_errors_name_the_recipe_key() -> None:
    with pytest.raises(UserError, match=r"r.yaml: backgrounds.kinds: every weight is zero"):
        BackgroundSampler(BackgroundsConfig(kinds={"plain": 0.0}), "r.yaml")
    with pytest.raises(UserError, match=r"backgrounds.weights: unknown image 'nope.jpg'"):
        BackgroundSampler(BackgroundsConfig(kinds={"image": 1.0}, dirs=[str(BUNDLED)], weights={"nope.jpg": 2.0}))
    with pytest.raises(UserError, match=r"r.yaml: backgrounds.dirs\[1\]: directory not found"):
        BackgroundSampler(BackgroundsConfig(kinds={"image": 1.0}, dirs=[str(BUNDLED), "/no/such"]), "r.yaml")


def test_the_recipe_schema_names_every_kind_of_the_table() -> None:
    kinds_type = BackgroundsConfig.model_fields["kinds"].annotation
    literal = typing.get_args(kinds_type)[0]
    assert list(typing.get_args(literal)) == list(KINDS)
