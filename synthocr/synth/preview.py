"""`synthocr preview`: a contact sheet of samples, one row per font, the font's name beside its row.

Asked for, it also draws each character's box, and under each row the draws that failed a label
check (a cut glyph, text too faint on its background), framed in red with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthocr.errors import UserError
from synthocr.recipe import Recipe
from synthocr.synth.sample import Rejected, SampleFactory

LABEL_WIDTH = 230
GAP = 6
CAPTION = 14  # height of a rejected draw's reason line
BOX_COLOR = (0, 190, 0)
REJECT_COLOR = (230, 0, 0)


@dataclass
class SheetOptions:
    per_font: int = 6
    row_width: int = 900
    fonts: list[str] | None = None  # only these font ids
    boxes: bool = False  # draw each character's box
    show_rejects: bool = False  # a strip of the rejected draws under each row


@dataclass
class Sheet:
    image: Image.Image
    rows: int
    samples: int
    redrawn: int  # samples with at least one rejected draw
    rejects: Counter[str]  # rejected draws by reason


def _decode(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def _with_boxes(image: np.ndarray, boxes: list[list[int] | None]) -> np.ndarray:
    marked = image.copy()
    for box in boxes:
        if box is not None:
            x0, y0, x1, y1 = box
            cv2.rectangle(marked, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)), BOX_COLOR, 1)
    return marked


def _mark_redrawn(image: np.ndarray) -> np.ndarray:
    """A red corner on a sample that was drawn again before it passed the checks."""
    marked = image.copy()
    size = max(4, image.shape[0] // 4)
    corner = np.tri(size, size, dtype=bool)[::-1]  # the top-left triangle
    marked[:size, :size][corner[: marked.shape[0], : marked.shape[1]]] = REJECT_COLOR
    return marked


def _framed(image: np.ndarray) -> np.ndarray:
    framed = np.empty((image.shape[0] + 4, image.shape[1] + 4, 3), np.uint8)
    framed[:] = REJECT_COLOR
    framed[2:-2, 2:-2] = image
    return framed


def contact_sheet(recipe: Recipe, options: SheetOptions | None = None) -> Sheet:
    """Renders `per_font` samples with each of the recipe's fonts (or those named) into one image."""
    options = options or SheetOptions()
    if options.boxes and not recipe.output.char_boxes:
        # Boxes only add bookkeeping: the samples drawn are the same ones.
        recipe = recipe.model_copy(update={"output": recipe.output.model_copy(update={"char_boxes": True})})
    factory = SampleFactory(recipe)
    chosen = [f for f in factory.fonts.fonts if options.fonts is None or f.id in options.fonts]
    unknown = sorted(set(options.fonts or ()) - {f.id for f in chosen})
    if unknown:
        raise UserError(f"--font: unknown font {', '.join(map(repr, unknown))}; `synthocr fonts --recipe {recipe.source}` lists them")
    height = recipe.geometry.height
    row_height = height + GAP
    reject_height = height + 4 + CAPTION + GAP if options.show_rejects else 0
    width = options.row_width
    rows = []
    skips: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    samples = redrawn = 0
    for row, font in enumerate(chosen):
        canvas = np.full((row_height + reject_height, width, 3), 255, np.uint8)
        captions: list[tuple[int, str]] = []
        x = rejected_x = 0
        for k in range(options.per_font):
            rejects: list[Rejected] = []
            record = factory.make("preview", row * 1000 + k, skips, font_id=font.id, rejects=rejects)
            image = _decode(record.image)
            if options.boxes:
                image = _with_boxes(image, record.meta.get("char_boxes") or [])
            if rejects:
                image = _mark_redrawn(image)
            w = image.shape[1]
            if x + w > width:
                break
            samples += 1
            redrawn += bool(rejects)
            canvas[GAP // 2 : GAP // 2 + height, x : x + w] = image
            x += w + GAP
            for reject in rejects:
                reasons[reject.reason] += 1
                framed = _framed(reject.image)
                if options.show_rejects and rejected_x + framed.shape[1] <= width and framed.shape[0] == height + 4:
                    top = row_height + CAPTION
                    canvas[top : top + framed.shape[0], rejected_x : rejected_x + framed.shape[1]] = framed
                    captions.append((rejected_x, reject.reason))
                    rejected_x += framed.shape[1] + GAP
        rows.append((font, canvas, captions))
    total_height = max(1, len(rows)) * (row_height + reject_height)
    sheet = Image.new("RGB", (LABEL_WIDTH + width, total_height), "white")
    draw = ImageDraw.Draw(sheet)
    label_font = ImageFont.load_default(size=13)
    small = ImageFont.load_default(size=11)
    for i, (font, canvas, captions) in enumerate(rows):
        y = i * (row_height + reject_height)
        sheet.paste(Image.fromarray(canvas), (LABEL_WIDTH, y))
        draw.text((4, y + GAP // 2), font.id[:32], fill="black", font=label_font)
        draw.text((4, y + GAP // 2 + 15), f"{font.category} · {font.style}"[:36], fill="#666666", font=label_font)
        if options.show_rejects:
            note = "rejected draws" if captions else "no rejected draws"
            draw.text((4, y + row_height + CAPTION), note, fill="#b00000" if captions else "#888888", font=label_font)
            for x, reason in captions:
                draw.text((LABEL_WIDTH + x, y + row_height + 1), reason, fill="#b00000", font=small)
    return Sheet(sheet, len(rows), samples, redrawn, reasons)


def write_contact_sheet(recipe: Recipe, out: Path, options: SheetOptions | int | None = None) -> Sheet:
    """Writes the sheet to `out` (PNG); an int for `options` is the samples per font."""
    if isinstance(options, int):
        options = SheetOptions(per_font=options)
    sheet = contact_sheet(recipe, options)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.image.save(out)
    return sheet
