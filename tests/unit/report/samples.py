"""Hand-made prediction rows for the report's unit tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image


def png(path: Path, width: int = 60) -> str:
    """A plain grey word-sized PNG at `path`; its path as a string."""
    Image.new("L", (width, 32), 220).save(path)
    return str(path)


def sample_rows(font: str, n: int, wrong: list[tuple[str, str]], text: str = "hello", image: str | None = None,
         background: str = "plain", augment: str = "") -> list[dict]:
    """n samples of `font`: the (text, prediction) pairs of `wrong` first, then correct reads of `text`."""
    pairs = wrong + [(text, text)] * (n - len(wrong))
    return [
        {"text": t, "prediction": p, "confidence": round(0.9 - 0.01 * i, 2), "font": font, "source": "synth",
         "background": background, "augment": augment, "image_path": image}
        for i, (t, p) in enumerate(pairs)
    ]
