"""`synthocr preview`: a contact sheet of samples, one row per font, the font's name beside its row.

Asked for, it also draws each character's box, and under each row the draws that failed a label
check (a cut glyph, text too faint on its background), framed in red with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthocr.errors import UserError
from synthocr.recipe import Recipe
from synthocr.synth.fonts import FontInfo
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


@dataclass
class _Row:
    """One font's row of the sheet: its samples (and rejected draws) and the captions of those."""

    font: FontInfo
    canvas: np.ndarray
    captions: list[tuple[int, str]] = field(default_factory=list)


def _draw_row(factory: SampleFactory, row: int, font: FontInfo, options: SheetOptions, tally: Sheet,
              skips: Counter[str]) -> _Row:
    """Up to `per_font` samples with `font` side by side (and, asked for, the rejected draws under
    them); `tally` counts the samples, the redrawn ones and the rejects by reason."""
    height = factory.recipe.geometry.height
    row_height = height + GAP
    reject_height = height + 4 + CAPTION + GAP if options.show_rejects else 0
    width = options.row_width
    drawn = _Row(font, np.full((row_height + reject_height, width, 3), 255, np.uint8))
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
        tally.samples += 1
        tally.redrawn += bool(rejects)
        drawn.canvas[GAP // 2 : GAP // 2 + height, x : x + w] = image
        x += w + GAP
        for reject in rejects:
            tally.rejects[reject.reason] += 1
            framed = _framed(reject.image)
            if options.show_rejects and rejected_x + framed.shape[1] <= width and framed.shape[0] == height + 4:
                top = row_height + CAPTION
                drawn.canvas[top : top + framed.shape[0], rejected_x : rejected_x + framed.shape[1]] = framed
                drawn.captions.append((rejected_x, reject.reason))
                rejected_x += framed.shape[1] + GAP
    return drawn


def _paste_rows(rows: list[_Row], height: int, options: SheetOptions) -> Image.Image:
    """The rows one under the other, each font's name and category on its left."""
    row_height = height + GAP
    reject_height = height + 4 + CAPTION + GAP if options.show_rejects else 0
    sheet = Image.new("RGB", (LABEL_WIDTH + options.row_width, max(1, len(rows)) * (row_height + reject_height)), "white")
    draw = ImageDraw.Draw(sheet)
    label_font = ImageFont.load_default(size=13)
    small = ImageFont.load_default(size=11)
    for i, row in enumerate(rows):
        y = i * (row_height + reject_height)
        sheet.paste(Image.fromarray(row.canvas), (LABEL_WIDTH, y))
        draw.text((4, y + GAP // 2), row.font.id[:32], fill="black", font=label_font)
        draw.text((4, y + GAP // 2 + 15), f"{row.font.category} · {row.font.style}"[:36], fill="#666666", font=label_font)
        if options.show_rejects:
            note = "rejected draws" if row.captions else "no rejected draws"
            draw.text((4, y + row_height + CAPTION), note, fill="#b00000" if row.captions else "#888888", font=label_font)
            for x, reason in row.captions:
                draw.text((LABEL_WIDTH + x, y + row_height + 1), reason, fill="#b00000", font=small)
    return sheet


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
        raise UserError(f"SheetOptions.fonts: unknown font {', '.join(map(repr, unknown))}; `synthocr fonts --recipe {recipe.source}` lists them",
                        params=("SheetOptions.fonts",))
    tally = Sheet(Image.new("RGB", (1, 1)), len(chosen), 0, 0, Counter())
    skips: Counter[str] = Counter()
    rows = [_draw_row(factory, row, font, options, tally, skips) for row, font in enumerate(chosen)]
    tally.image = _paste_rows(rows, recipe.geometry.height, options)
    return tally


def write_contact_sheet(recipe: Recipe, out: Path, options: SheetOptions | int | None = None) -> Sheet:
    """Writes the sheet to `out` (PNG); an int for `options` is the samples per font."""
    if isinstance(options, int):
        options = SheetOptions(per_font=options)
    sheet = contact_sheet(recipe, options)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.image.save(out)
    return sheet
