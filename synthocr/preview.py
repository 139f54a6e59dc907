"""`synthocr preview`: a contact sheet of samples, one row per font, the font's name beside its row."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthocr.errors import UserError
from synthocr.recipe import Recipe
from synthocr.sample import SampleFactory

LABEL_WIDTH = 230
GAP = 6


def _decode(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def contact_sheet(recipe: Recipe, per_font: int = 6, row_width: int = 900, fonts: list[str] | None = None) -> Image.Image:
    """Renders `per_font` samples with each of the recipe's fonts (or those named) into one image."""
    factory = SampleFactory(recipe)
    chosen = [f for f in factory.fonts.fonts if fonts is None or f.id in fonts]
    unknown = sorted(set(fonts or ()) - {f.id for f in chosen})
    if unknown:
        raise UserError(f"--font: unknown font {', '.join(map(repr, unknown))}; `synthocr fonts --recipe {recipe.source}` lists them")
    height = recipe.geometry.height
    rows = []
    skips: Counter[str] = Counter()
    for row, font in enumerate(chosen):
        canvas = np.full((height + GAP, row_width, 3), 255, np.uint8)
        x = 0
        for k in range(per_font):
            image = _decode(factory.make("preview", row * 1000 + k, skips, font_id=font.id).image)
            w = image.shape[1]
            if x + w > row_width:
                break
            canvas[GAP // 2 : GAP // 2 + height, x : x + w] = image
            x += w + GAP
        rows.append((font, canvas))
    sheet = Image.new("RGB", (LABEL_WIDTH + row_width, max(1, len(rows)) * (height + GAP)), "white")
    draw = ImageDraw.Draw(sheet)
    label_font = ImageFont.load_default(size=13)
    for i, (font, canvas) in enumerate(rows):
        y = i * (height + GAP)
        sheet.paste(Image.fromarray(canvas), (LABEL_WIDTH, y))
        draw.text((4, y + GAP // 2), font.id[:32], fill="black", font=label_font)
        draw.text((4, y + GAP // 2 + 15), f"{font.category} · {font.style}"[:36], fill="#666666", font=label_font)
    return sheet


def write_contact_sheet(recipe: Recipe, out: Path, per_font: int = 6, fonts: list[str] | None = None) -> int:
    """Writes the sheet to `out` (PNG); returns the number of font rows."""
    sheet = contact_sheet(recipe, per_font, fonts=fonts)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return sheet.height // (recipe.geometry.height + GAP)
