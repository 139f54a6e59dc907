"""trdg on today's Pillow: the getsize shim, no TensorFlow import, and our renderer's speed-ups."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import PIL
from PIL import ImageFont

from synthocr.fonts import trdg_latin_dir
from synthocr.render import TextStyle, prepare_trdg, render_text

FONT = str(trdg_latin_dir() / "DroidSans.ttf")


def test_a_word_renders_with_the_installed_pillow() -> None:
    alpha, mix = render_text("Hello", TextStyle(FONT, 32, 0, 0, "none", "vertical", 0.0), seed=1)
    assert int(PIL.__version__.split(".")[0]) >= 10
    assert alpha.shape[0] >= 20 and alpha.shape[1] > 40
    assert alpha.max() == 1.0 and 0.1 < alpha.mean() < 0.6
    assert mix[alpha > 0.99].min() == 1.0  # no stroke: every inked pixel is fill


def test_getsize_shim_keeps_ascender_room() -> None:
    prepare_trdg()
    font = ImageFont.truetype(FONT, 32)
    width, height = font.getsize("Hg")  # type: ignore[attr-defined]
    left, top, right, bottom = font.getbbox("Hg")
    assert (width, height) == (right, bottom) and height > bottom - top


def test_speed_ups_leave_trdg_output_unchanged() -> None:
    prepare_trdg()
    script = (
        "import numpy as np, sys; from synthocr.render import prepare_trdg; prepare_trdg();"
        "from trdg import computer_text_generator as c;"
        f"img, _ = c.generate('Quick 42', {FONT!r}, '#ffffff', 30, 0, 1.0, 2, True, False, 1, '#000000');"
        "sys.stdout.buffer.write(np.asarray(img.convert('RGBA')).tobytes())"
    )
    plain = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True).stdout
    alpha, mix = render_text("Quick 42", TextStyle(FONT, 30, 2, 1, "none", "vertical", 0.0), seed=0)
    rgba = np.frombuffer(plain, np.uint8).reshape(alpha.shape[0], alpha.shape[1], 4)
    assert np.array_equal(rgba[:, :, 3], np.round(alpha * 255).astype(np.uint8))
    assert np.array_equal(rgba[:, :, 0], np.round(mix * 255).astype(np.uint8))


def test_importing_trdg_does_not_import_tensorflow() -> None:
    script = (
        "import sys; from synthocr.render import prepare_trdg; prepare_trdg();"
        "import trdg.generators, trdg.data_generator; print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
