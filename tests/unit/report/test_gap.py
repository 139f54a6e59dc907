"""report/gap.py: distances with known values, the attribute table on hand-made sides, errors naming their parameter."""

from __future__ import annotations

import doctest
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from synthocr.cli import FLAG_NAMES
from synthocr.errors import UserError
from synthocr.report import gap
from synthocr.report.gap import GapRequest, Side, attribute_table, normalised_distance, run_gap, total_variation


def test_doctests() -> None:
    result = doctest.testmod(gap)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("a", "b", "log_scale", "expected"),
    [([1, 2, 3], [1, 2, 3], False, 0.0), ([5.0] * 4, [5.0] * 4, False, 0.0), ([0.0, 0.0], [2.0, 2.0], False, 2.0),
     ([0.0, 0.0], [float("nan"), 2.0], False, 3 / 2**0.5)],  # the NaN is dropped: W = 2, pooled std 2 / 3 * 2**0.5
)
def test_normalised_distance(a: list[float], b: list[float], log_scale: bool, expected: float) -> None:
    assert normalised_distance(a, b, log_scale) == pytest.approx(expected)


def test_distances_of_nothing_are_nan() -> None:
    assert pd.isna(normalised_distance([], [1.0])) and pd.isna(total_variation([], ["a"]))
    assert total_variation(["a", "b"], ["c", "d"]) == 1.0 and total_variation(["a"], ["a"]) == 0.0


def _side(name: str, brightness: list[float], cases: list[str]) -> Side:
    frame = pd.DataFrame({"image_brightness": brightness, "text_case": cases, "text": ["w"] * len(cases)})
    return Side(name, frame, len(frame), len(frame))


def test_attribute_table_ranks_the_largest_gap_first_with_its_hint() -> None:
    synthetic = _side("synth", [200.0, 210.0, 220.0, 230.0], ["lower"] * 4)
    real = _side("dark", [20.0, 30.0, 40.0, 50.0], ["lower"] * 4)
    table = attribute_table(synthetic, [real])
    first = table.iloc[0]
    assert first["attribute"] == "image_brightness" and first["direction"] == "real lower"
    assert first["distance"] == first["distance_dark"] and first["distance"] > 1.9
    assert "backgrounds.plain" in first["hint"]
    case = table.set_index("attribute").loc["text_case"]
    assert case["kind"] == "categorical" and case["distance"] == 0.0 and case["hint"] == ""


def test_narrower_real_letters_rank_first_and_point_at_the_stretch() -> None:
    synthetic = Side("synth", pd.DataFrame({"image_char_width": [0.5, 0.55, 0.6, 0.65], "text": ["w"] * 4}), 4, 4)
    real = Side("condensed", pd.DataFrame({"image_char_width": [0.2, 0.25, 0.3, 0.5], "text": ["w"] * 4}), 4, 4)
    first = attribute_table(synthetic, [real]).iloc[0]
    assert first["attribute"] == "image_char_width" and first["direction"] == "real lower"
    assert "geometry.stretch" in first["hint"]


def test_errors_name_the_request_field_and_the_cli_spells_the_argument(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        run_gap(GapRequest(tmp_path, ()))
    assert str(caught.value).startswith("GapRequest.real: give at least one real set")
    assert caught.value.spelled(FLAG_NAMES).startswith("REAL: give at least one real set")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "labels.tsv").write_text("", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        run_gap(GapRequest(tmp_path, (empty,)))
    assert str(caught.value) == f"GapRequest.real {empty}: labels.tsv is empty"
    assert caught.value.spelled(FLAG_NAMES) == f"REAL {empty}: labels.tsv is empty"


def test_a_folder_that_is_no_dataset_is_named_as_the_dataset(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    Image.new("L", (40, 20), 200).save(real / "a.png")
    (real / "labels.tsv").write_text("a.png\tcat\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        run_gap(GapRequest(tmp_path / "nothing", (real,)))
    message = f"{tmp_path / 'nothing'}: not a synthocr dataset directory (no dataset_info.json)"
    assert str(caught.value) == f"GapRequest.dataset {message}"
    assert caught.value.spelled(FLAG_NAMES) == f"DATASET {message}"
