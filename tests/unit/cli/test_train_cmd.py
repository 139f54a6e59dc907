"""The train command's own parsing: weighted --data values."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthocr.cli.train_cmd import parse_data_arg
from synthocr.errors import UserError


@pytest.mark.parametrize(("value", "parsed"), [
    ("runs/a", (Path("runs/a"), 1.0)), ("runs/b:0.3", (Path("runs/b"), 0.3)), ("c:/x", (Path("c:/x"), 1.0)), (":2", (Path(":2"), 1.0)),
])
def test_a_dataset_with_an_optional_weight(value: str, parsed: tuple[Path, float]) -> None:
    assert parse_data_arg(value) == parsed


def test_a_weight_must_be_positive() -> None:
    with pytest.raises(UserError, match="--data d:0: the weight must be a positive number"):
        parse_data_arg("d:0")
