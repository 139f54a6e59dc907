"""A tiny untrained recogniser and real-image files of every awkward kind, built once per session."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

CHARSET = "abcdefghijklmnopqrstuvwxyz"


def _word(text: str = "cab", size: tuple[int, int] = (72, 24)) -> Image.Image:
    image = Image.new("RGB", size, (235, 230, 220))
    ImageDraw.Draw(image).text((4, 6), text, fill=(20, 20, 30))
    return image


def _encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def awkward_images() -> dict[str, bytes]:
    """Files tf.io.decode_image cannot read with 1 channel (GIF, BMP, CMYK JPEG) and others that are odd."""
    word = _word()
    grey16 = Image.fromarray((np.asarray(word.convert("L"), np.uint16) * 257), "I;16")
    return {
        "word.gif": _encoded(word.convert("P"), "GIF"),
        "word_cmyk.jpg": _encoded(word.convert("CMYK"), "JPEG", quality=90),
        "word.bmp": _encoded(word, "BMP"),
        "word16.png": _encoded(grey16, "PNG"),
        "word_palette.png": _encoded(word.convert("P"), "PNG", transparency=0),
    }


def write_labels(folder: Path, lines: list[str] | None = None) -> Path:
    """A labels.tsv beside the awkward images, one line each (the label 'cab'), plus `lines`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in awkward_images().items():
        (folder / name).write_bytes(data)
    labels = [f"{name}\tcab" for name in awkward_images()] + (lines or [])
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return folder / "labels.tsv"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory with an untrained crnn-small (model.keras) and its charset.json."""
    from synthocr.training.charset import Charset
    from synthocr.training.models import build_model

    run = tmp_path_factory.mktemp("run")
    charset = Charset(CHARSET)
    build_model("crnn-small", charset.num_classes).save(run / "model.keras")
    charset.save(run)
    return run
