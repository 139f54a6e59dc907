"""The word in its frame: weighted draws, skew and tilt, rotation, placement and compositing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from synthocr.recipe import ColorsConfig, GeometryConfig, load_recipe
from synthocr.synth.backgrounds import BackgroundSampler
from synthocr.synth.layout import Layout, composite, draw_shear, draw_skew, lay_out, rotate, scale_word, slant, weighted
from synthocr.synth.surround import Shadow, draw_neighbour, draw_shadow, shadow_of

ROOT = Path(__file__).resolve().parents[3]


def test_weighted_never_draws_a_zero_weight() -> None:
    drawn = {weighted(np.random.default_rng(seed), {"a": 1.0, "b": 0.0, "c": 3.0}) for seed in range(50)}
    assert drawn == {"a", "c"}


def test_skew_stays_in_range_and_a_tilt_widens_it() -> None:
    plain = [draw_skew(np.random.default_rng(s), GeometryConfig(skew=2.0)) for s in range(200)]
    assert max(abs(x) for x in plain) <= 2.0
    assert draw_skew(np.random.default_rng(0), GeometryConfig()) == 0.0
    tilted = [draw_skew(np.random.default_rng(s), GeometryConfig(skew=2.0, tilt={"p": 1.0, "degrees": 30}))
              for s in range(200)]
    assert max(abs(x) for x in tilted) > 20 and max(abs(x) for x in tilted) <= 30


def test_a_rotation_keeps_the_height_and_maps_the_centre_to_the_centre() -> None:
    alpha = np.zeros((20, 60), np.float32)
    alpha[8:12, 5:55] = 1.0
    turned, mix, matrix = rotate(alpha, np.ones_like(alpha), 10.0, 20)
    assert turned.shape[0] == 20 and mix.shape == turned.shape
    centre = matrix @ np.array([29.5, 9.5, 1.0])
    assert np.allclose(centre, [(turned.shape[1] - 1) / 2, 9.5], atol=0.6)


def test_scaling_fits_the_word_to_the_text_height() -> None:
    alpha = np.ones((64, 128), np.float32)
    scaled, mix, matrix = scale_word(alpha, alpha.copy(), 0.0, 16)
    assert scaled.shape == mix.shape == (16, 32)
    assert np.allclose(matrix @ np.array([127.5, 63.5, 1.0]), [31.5, 15.5])


def test_the_layout_is_the_output_height_with_the_word_between_its_margins() -> None:
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")
    meta: dict[str, object] = {}
    layout = lay_out("Word", font, np.random.default_rng(1), 1, meta, recipe, backgrounds)
    assert layout.alpha.shape == layout.background.shape[:2] and layout.alpha.shape[0] == 32
    rows, columns = np.nonzero(layout.alpha > 0.25)
    assert rows.min() >= 2 and rows.max() <= 29 and columns.min() >= 2
    assert meta["margins"] == [2, 2, 2, 2] and meta["background"] == "plain"
    assert layout.background_keys == tuple(k for k in meta if k.startswith("background"))


def test_a_tight_frame_lets_capitals_fill_the_height_and_cuts_no_ink() -> None:
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    geometry = recipe.geometry.model_copy(update={"margins": (0, 0), "skew": 0.0})
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")

    def ink_rows(tight: float) -> tuple[np.ndarray, dict[str, object]]:
        meta: dict[str, object] = {}
        layout = lay_out("EXIT", font, np.random.default_rng(3), 3,
                         meta, recipe.model_copy(update={"geometry": geometry.model_copy(update={"tight": tight})}),
                         backgrounds)
        return np.flatnonzero(layout.alpha.max(axis=1) > 0.5), meta

    loose, loose_meta = ink_rows(0.0)
    tight, tight_meta = ink_rows(1.0)
    assert "tight" not in loose_meta and tight_meta["tight"] is True
    # Without it the font's ascender space sits above the capitals; with it they span the frame.
    assert len(loose) < 0.85 * 32
    assert tight.min() <= 1 and tight.max() >= 30


def test_a_stretch_narrows_the_word_at_the_same_height() -> None:
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")

    def laid_out(stretch: tuple[float, float]) -> tuple[Layout, dict[str, object]]:
        meta: dict[str, object] = {}
        geometry = recipe.geometry.model_copy(update={"stretch": stretch, "margins": (0, 0), "skew": 0.0})
        layout = lay_out("Stretched", font, np.random.default_rng(5), 5, meta,
                         recipe.model_copy(update={"geometry": geometry}), backgrounds)
        return layout, meta

    plain, plain_meta = laid_out((1.0, 1.0))
    narrow, narrow_meta = laid_out((0.5, 0.5))
    assert "stretch" not in plain_meta and narrow_meta["stretch"] == 0.5
    assert narrow.alpha.shape[0] == plain.alpha.shape[0] == 32
    assert abs(narrow.alpha.shape[1] - plain.alpha.shape[1] / 2) <= 1
    # The ink is the same word, only narrower: about half of it.
    assert 0.4 < narrow.alpha.sum() / plain.alpha.sum() < 0.6


def test_a_slant_leans_the_top_right_at_the_same_height_and_keeps_the_ink() -> None:
    alpha = np.zeros((21, 30), np.float32)
    alpha[:, 10:12] = 1.0  # an upright bar, the whole height
    leaned, mix, matrix = slant(alpha, np.ones_like(alpha), 20.0)
    assert leaned.shape[0] == 21 and mix.shape == leaned.shape
    assert leaned.shape[1] == 30 + int(np.ceil(np.tan(np.deg2rad(20)) * 20))
    top, bottom = np.flatnonzero(leaned[0] > 0.5), np.flatnonzero(leaned[-1] > 0.5)
    assert top.mean() - bottom.mean() > 6  # tan(20 deg) * 20 rows = 7.3 px to the right at the top
    assert abs(leaned.sum() - alpha.sum()) < 0.01 * alpha.sum()
    # The map of pixel centres moves the bar's top and bottom where the pixels went.
    assert np.allclose(matrix @ np.array([10.5, 0.0, 1.0]), [top.mean(), 0.0], atol=0.6)
    assert np.allclose(matrix @ np.array([10.5, 20.0, 1.0]), [bottom.mean(), 20.0], atol=0.6)
    left, _, _ = slant(alpha, np.ones_like(alpha), -20.0)
    assert np.flatnonzero(left[0] > 0.5).mean() < np.flatnonzero(left[-1] > 0.5).mean()


def test_a_shear_slants_its_share_of_the_words_and_is_drawn_only_when_set() -> None:
    meta: dict[str, object] = {}
    assert draw_shear(np.random.default_rng(0), GeometryConfig(), meta) == 0.0 and "shear" not in meta
    geometry = GeometryConfig(shear={"p": 0.5, "degrees": 20})
    slants = []
    for seed in range(200):
        meta = {}
        slants.append(draw_shear(np.random.default_rng(seed), geometry, meta))
        assert meta["shear"] == slants[-1]
    assert 70 <= sum(s != 0 for s in slants) <= 130 and max(abs(s) for s in slants) <= 20
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")
    plain_geometry = recipe.geometry.model_copy(update={"margins": (0, 0), "skew": 0.0})
    widths = []
    for shear in (None, {"p": 1.0, "degrees": 30}):
        geometry = plain_geometry.model_copy(update={"shear": None if shear is None else GeometryConfig(shear=shear).shear})
        layout = lay_out("Slanted", font, np.random.default_rng(7), 7, {}, recipe.model_copy(update={"geometry": geometry}),
                         backgrounds)
        assert layout.alpha.shape[0] == 32
        widths.append(layout.alpha.shape[1])
    assert widths[1] > widths[0]  # the slanted word needs a wider frame


def test_a_neighbouring_line_takes_its_strip_of_rows_and_stays_out_of_the_ink_mask() -> None:
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")
    geometry = recipe.geometry.model_copy(update={
        "margins": (1, 1), "skew": 0.0,
        "neighbours": GeometryConfig(neighbours={"p": 1.0, "visible": [0.25, 0.25], "gap": [3, 3]}).neighbours})
    sides = set()
    for seed in range(8):
        meta: dict[str, object] = {}
        layout = lay_out("HOTEL", font, np.random.default_rng(seed), seed, meta,
                         recipe.model_copy(update={"geometry": geometry}), backgrounds)
        assert layout.neighbour_alpha is not None and meta["neighbour_rows"] == 8
        word_rows = np.flatnonzero(layout.alpha.max(axis=1) > 0.05)
        other_rows = np.flatnonzero(layout.neighbour_alpha.max(axis=1) > 0.05)
        assert len(other_rows) and len(word_rows)
        sides.add(meta["neighbour"])
        if meta["neighbour"] == "above":
            assert other_rows.max() <= 7 and word_rows.min() >= 11 and meta["margins"][0] == 11
        else:
            assert other_rows.min() >= 24 and word_rows.max() <= 20 and meta["margins"][2] == 11
        # Drawn in the word's fill, over the background, and never part of the word's ink mask.
        image = composite(layout, "#000000", "#000000")
        assert image[other_rows].min() < 60 and (layout.alpha[other_rows] == 0).all()
    assert sides == {"above", "below"}
    meta = {}
    assert draw_neighbour(np.random.default_rng(0), "word", GeometryConfig(), meta) is None and "neighbour" not in meta


def test_a_drop_shadow_is_the_ink_moved_and_an_extrusion_fills_every_step() -> None:
    alpha = np.zeros((12, 12), np.float32)
    alpha[2:5, 2:5] = 1.0
    drop = shadow_of(alpha, Shadow(1, 1, 3, False, "#000000"))
    assert np.array_equal(drop[5:8, 5:8], alpha[2:5, 2:5]) and drop.sum() == alpha.sum()
    solid = shadow_of(alpha, Shadow(1, 1, 3, True, "#000000"))
    assert solid[3, 3] == solid[6, 6] == solid[7, 7] == 1.0 and solid[2, 2] == 0.0 and solid.sum() > 2 * alpha.sum()
    edge = shadow_of(alpha, Shadow(-1, 1, 3, False, "#000000"))
    assert edge[5:8, 0:2].all() and edge.sum() == 6  # what leaves the frame is cut, not wrapped round


def test_a_shadow_is_painted_behind_the_letters_and_stays_out_of_the_ink_mask() -> None:
    recipe = load_recipe(ROOT / "recipes" / "clean.yaml")
    backgrounds = BackgroundSampler(recipe.backgrounds)
    font = str(ROOT / "fonts" / "Cabin-Bold.otf")
    colors = recipe.colors.model_copy(update={"shadow": ColorsConfig(
        shadow={"p": 1.0, "offset": [2, 2], "extrude": 0.0, "colors": [{"color": "#ff0000"}]}).shadow})
    meta: dict[str, object] = {}
    layout = lay_out("Shade", font, np.random.default_rng(2), 2, meta, recipe.model_copy(update={"colors": colors}),
                     backgrounds)
    assert meta["shadow"] == "drop 2px" and layout.shadow_alpha is not None
    image = composite(layout, "#000000", "#000000")
    shaded = (layout.shadow_alpha > 0.99) & (layout.alpha < 0.01)
    assert shaded.any() and (np.abs(image[shaded].astype(int) - [255, 0, 0]) <= 3).all()  # red behind black letters
    assert (image[layout.alpha > 0.99] <= 3).all()
    painted = layout.not_background()
    assert painted is not None and painted[shaded].all()
    # Letters as dark as the shadow get a white one instead: a shadow in their own colour only fattens them.
    layout.shadow_color = "#101010"
    assert (composite(layout, "#000000", "#000000")[shaded] >= 252).all()
    plain_meta: dict[str, object] = {}
    assert draw_shadow(np.random.default_rng(0), recipe, plain_meta) is None and "shadow" not in plain_meta


def test_crop_to_ink_keeps_every_inked_pixel() -> None:
    from synthocr.synth.render import RenderedText, crop_to_ink

    alpha = np.zeros((10, 12), np.float32)
    alpha[3, 2] = 0.01  # a faint anti-aliased edge is ink too
    alpha[5:8, 4:9] = 1.0
    labels = (alpha > 0).astype(np.uint8)
    cropped = crop_to_ink(RenderedText(alpha, np.ones_like(alpha), labels))
    assert cropped.alpha.shape == (5, 7) and cropped.labels is not None and cropped.labels.shape == (5, 7)
    assert cropped.alpha.sum() == alpha.sum()


def test_compositing_puts_the_fill_where_the_ink_is() -> None:
    alpha = np.zeros((4, 4), np.float32)
    alpha[1:3, 1:3] = 1.0
    layout = Layout(np.full((4, 4, 3), 255, np.float32), alpha, np.ones_like(alpha), None, None)
    image = composite(layout, "#102030", "#ffffff")
    assert (image[1:3, 1:3] == [0x10, 0x20, 0x30]).all() and (image[0] == 255).all()
