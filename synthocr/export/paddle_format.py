"""PaddleOCR's recognition layout: image files plus `rec_gt_<split>.txt`, one `path<TAB>label` a line.

Paths are relative to the export folder (`images/<split>/000000001.png`), as PaddleOCR's
SimpleDataSet joins them with its `data_dir`. A label with a tab or a line break cannot be written
in this format: such samples are left out and counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from synthocr.export.common import ProgressCallback, SplitPlan, iter_image_text

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg"}


def labels_file(split: str) -> str:
    """The label file PaddleOCR's configs name for a split.

    >>> labels_file("train")
    'rec_gt_train.txt'
    """
    return f"rec_gt_{split}.txt"


def require() -> None:
    """Nothing beyond synthocr's own dependencies."""


def write_paddle_split(plan: SplitPlan, out: Path, on_progress: ProgressCallback, skipped: Counter) -> int:
    """Writes one split's images and label file under `out`; returns the number of samples written."""
    folder = out / "images" / plan.name
    folder.mkdir(parents=True)
    count = 0
    with open(out / labels_file(plan.name), "w", encoding="utf-8", newline="\n") as labels:
        for index, (image, text, image_format) in enumerate(iter_image_text(plan.shards), start=1):
            if "\t" in text or "\n" in text or "\r" in text:
                skipped["label_has_tab_or_newline"] += 1
                on_progress(1)
                continue
            name = f"{index:09d}.{_EXTENSIONS.get(image_format, image_format)}"
            (folder / name).write_bytes(image)
            labels.write(f"images/{plan.name}/{name}\t{text}\n")
            count += 1
            on_progress(1)
    return count


write_split = write_paddle_split  # the export's writer: images/<split>/ and rec_gt_<split>.txt in `build`
