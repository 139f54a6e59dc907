"""Rendering: trdg's layout on a canvas that holds all the ink, the Pillow shim, no TensorFlow import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import PIL
from PIL import ImageFont

from synthocr.synth.fonts import trdg_latin_dir
from synthocr.synth.render import TextStyle, prepare_trdg, reference_ink, render_text

FONT = str(trdg_latin_dir() / "DroidSans.ttf")
BUNDLED = Path(__file__).resolve().parents[3] / "fonts"


def _style(font: str, size: int = 32, spacing: int = 0, stroke: int = 0, distortion: str = "none") -> TextStyle:
    return TextStyle(font, size, spacing, stroke, distortion, "vertical", 0.0)


def test_a_word_renders_with_the_installed_pillow() -> None:
    rendered = render_text("Hello", _style(FONT), seed=1)
    alpha, mix = rendered.alpha, rendered.mix
    assert int(PIL.__version__.split(".")[0]) >= 10
    assert alpha.shape[0] >= 20 and alpha.shape[1] > 40
    assert alpha.max() == 1.0 and 0.1 < alpha.mean() < 0.6
    assert mix[alpha > 0.99].min() == 1.0  # no stroke: every inked pixel is fill
    assert rendered.labels is None


def test_getsize_shim_keeps_ascender_room() -> None:
    prepare_trdg()
    font = ImageFont.truetype(FONT, 32)
    width, height = font.getsize("Hg")  # type: ignore[attr-defined]
    left, top, right, bottom = font.getbbox("Hg")
    assert (width, height) == (right, bottom) and height > bottom - top


def test_layout_is_trdgs_where_trdgs_canvas_holds_the_ink() -> None:
    prepare_trdg()
    from trdg import computer_text_generator

    image, _ = computer_text_generator.generate("Quick 42", FONT, "#ffffff", 30, 0, 1.0, 2, False, False, 0, "#000000")
    trdg_alpha = np.asarray(image.convert("RGBA"))[:, :, 3]
    ours = render_text("Quick 42", _style(FONT, 30, spacing=2), seed=0).alpha
    assert ours.shape == trdg_alpha.shape
    assert np.array_equal(np.round(ours * 255).astype(np.uint8), trdg_alpha)


def test_overhanging_glyphs_are_never_cut() -> None:
    # An italic 'f' and a script face reach past their advance: trdg's canvas cuts them.
    prepare_trdg()
    from trdg import computer_text_generator

    for font_file, word, stroke in (("DancingScript-Bold.otf", "jiffy", 0), ("OpenSans-BoldItalic.ttf", "fjord", 0),
                                    ("DejaVuSans.ttf", "Wave", 2)):
        path = str(BUNDLED / font_file)
        full = reference_ink(word, path, 32, stroke)
        image, _ = computer_text_generator.generate(word, path, "#ffffff", 32, 0, 1.0, 0, False, False, stroke, "#000000")
        trdg_ink = np.asarray(image.convert("RGBA"), np.float32)[:, :, 3].sum() / 255
        ours = render_text(word, _style(path, 32, stroke=stroke), seed=0).alpha
        assert trdg_ink < full * 0.99, font_file  # the case this guards against is real
        assert abs(float(ours.sum()) - full) < full * 0.002, font_file  # every bit of ink is there


def test_character_labels_come_from_the_same_pass_and_follow_a_distortion() -> None:
    for distortion in ("none", "sine"):
        rendered = render_text("abc d", _style(FONT, distortion=distortion), seed=3, char_labels=True)
        labels = rendered.labels
        assert labels is not None and labels.shape == rendered.alpha.shape
        assert set(np.unique(labels)) == {0, 1, 2, 3, 5}  # the space (4) draws nothing
        centres = [np.flatnonzero((labels == i).any(axis=0)).mean() for i in (1, 2, 3, 5)]
        assert centres == sorted(centres)
        assert rendered.alpha[labels > 0].min() > 0  # every labelled pixel is ink


def test_importing_trdg_does_not_import_tensorflow() -> None:
    script = (
        "import sys; from synthocr.synth.render import prepare_trdg; prepare_trdg();"
        "import trdg.generators, trdg.data_generator; print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_kept_glyph_bitmaps_draw_the_same_bytes_as_new_ones(monkeypatch) -> None:
    from synthocr.synth import render

    words = ["Hello", "WORLD", "$25!", "fifi", "Qg"]
    styles = [TextStyle(str(FONT), size, 1, stroke, "none", "vertical", 0.0) for size in (24, 31) for stroke in (0, 2)]

    def drawn() -> list[bytes]:
        out = []
        for style in styles:
            for word in words:
                r = render_text(word, style, seed=1, char_labels=True)
                out.extend([r.alpha.tobytes(), r.mix.tobytes(), r.labels.tobytes()])
        return out

    render._FONTS.clear()
    render._MASKS.clear()
    first = drawn()
    kept = len(render._MASKS)
    assert kept > 0 and drawn() == first and len(render._MASKS) == kept  # the second pass renders nothing new
    monkeypatch.setattr(render, "MASK_CACHE_SIZE", 3)
    render._MASKS.clear()
    assert drawn() == first and len(render._MASKS) == 3  # the least recently used are dropped
    render._FONTS.clear()
    monkeypatch.setattr(render, "_font", lambda path, size: ImageFont.truetype(font=path, size=size))
    assert drawn() == first  # Pillow's own font, nothing kept: the same bytes


def test_ink_boxes_read_off_the_drawn_bitmaps_are_pillows_getbbox() -> None:
    from synthocr.synth.render import _font, _ink_box

    fonts = sorted(BUNDLED.glob("*.ttf"))[::9] + [Path(FONT)]
    for path in fonts:
        for size in (24, 29):
            font = _font(str(path), size)
            for character in "AgQ$.,!y0 ":
                for stroke in (0, 2):
                    assert _ink_box(font, character, stroke) == font.getbbox(character, stroke_width=stroke), (path.name, character)
