"""The report's unit-test fixture: predictions with known answers (rows from `samples`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from .samples import png, sample_rows


@pytest.fixture()
def predictions(tmp_path: Path) -> Path:
    """bad 5/20 exact, ok 8/10, good 38/40, tiny 0/3 (its images are missing)."""
    image = png(tmp_path / "word.png")
    table = (
        sample_rows("bad", 20, [("hello", "hallo")] * 14 + [("hello", "jelly")], image=image, background="gaussian")
        + sample_rows("ok", 10, [("hello", "helo")] * 2, image=image)
        + sample_rows("good", 40, [("world", "warld")] * 2, text="world", image=image)
        + sample_rows("tiny", 3, [("helo", "hello")] * 3, image=str(tmp_path / "gone.png"))
    )
    path = tmp_path / "run" / "predictions.parquet"
    path.parent.mkdir()
    pd.DataFrame(table).to_parquet(path, index=False)
    return path
