"""The real-aware loop: case mix and augmentation probabilities from where real errors concentrate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthocr.cli import app
from synthocr.paths import bundled
from synthocr.recipe import load_recipe
from synthocr.report.real_weights import (
    apply_real_adjustment,
    condition_ratio,
    read_real_predictions,
    real_adjustment,
)

runner = CliRunner()


def _real_predictions(path: Path) -> Path:
    """120 real crops: capitals and blurry crops are misread (benchmark convention), the rest read."""
    rng = np.random.default_rng(1)
    rows = []
    for i in range(120):
        upper, blurry = i % 2 == 0, i % 3 == 0
        text = "EXIT" if upper else "exit"
        wrong = upper and i % 4 == 0 or blurry
        rows.append({
            "text": text, "prediction": "fxlt" if wrong else text.lower(),  # case alone is no error here
            "image_sharpness": float(rng.uniform(5, 40) if blurry else rng.uniform(500, 3000)),
            "image_noise": float(rng.uniform(1, 3)), "image_contrast": float(rng.uniform(20, 60)),
            "image_height": int(rng.integers(20, 80)),
        })
    pd.DataFrame(rows).to_parquet(path)
    return path


def test_errors_on_capitals_and_blur_raise_their_weights(tmp_path: Path) -> None:
    frame = read_real_predictions([_real_predictions(tmp_path / "p.parquet")])
    assert int(frame["wrong"].sum()) == 60  # 30 upper-case (i % 4 == 0) + 40 blurry - 10 both
    adjustment = real_adjustment(frame)
    assert adjustment.case["upper"] > adjustment.case["lower"] > adjustment.case["none"] == adjustment.case["title"]
    assert sum(adjustment.case.values()) == pytest.approx(1.0, abs=1e-3)
    assert adjustment.transform_factors["MotionBlur"] == 2.0  # every blurry crop is misread: the clip
    assert 0.5 <= adjustment.transform_factors["GaussNoise"] <= 1.5

    recipe = load_recipe(bundled("recipes") / "default.yaml")
    original_upper = recipe.text.case.upper
    adjusted = apply_real_adjustment(recipe, adjustment)
    before = recipe.augment["transform"]["transforms"]
    after = adjusted.augment["transform"]["transforms"]
    assert before[1]["__class_fullname__"] == "OneOf" and after[1]["p"] == pytest.approx(min(0.95, before[1]["p"] * 2.0))
    assert [t["p"] for t in after[1]["transforms"]] == [t["p"] for t in before[1]["transforms"]]  # members: selection weights
    assert adjusted.text.case.upper == adjustment.case["upper"]
    assert recipe.text.case.upper == original_upper != adjusted.text.case.upper  # the original is untouched
    assert adjusted.fonts == recipe.fonts  # real crops say nothing about fonts
    assert adjusted.geometry == recipe.geometry  # narrow letters steer nothing (a narrower stretch lost accuracy)
    # Every real word has 4 characters, yet the word lengths are left alone (capping them cost accuracy).
    assert adjusted.text.sources == recipe.text.sources


def test_condition_ratio_without_errors_is_one() -> None:
    assert condition_ratio(pd.Series([1.0, 2.0, 3.0]), pd.Series([False] * 3), "low") == 1.0


def test_generate_with_weights_from_real_writes_the_adjusted_recipe(tmp_path: Path) -> None:
    import json

    from tests.integration.generate_fixtures import make_recipe

    predictions = _real_predictions(tmp_path / "p.parquet")
    recipe = make_recipe(tmp_path / "recipe", splits={"train": 6, "val": 2, "test": 2}, output={"shard_size": 10})
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "data"), "--workers", "1",
                                 "--weights-from-real", str(predictions)])
    assert result.exit_code == 0, result.output
    assert "real-aware: text.case <-" in result.output
    info_file = next(p for p in (tmp_path / "data").glob("*info.json") if "recipe" in json.loads(p.read_text()))
    resolved = json.loads(info_file.read_text())["recipe"]
    assert resolved["text"]["case"]["upper"] > resolved["text"]["case"]["lower"]
    assert resolved["augment"]["transform"]["transforms"][1]["p"] == 0.6  # MotionBlur 0.3 x 2


def test_weights_from_real_with_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from tests.integration.generate_fixtures import make_recipe

    recipe = make_recipe(tmp_path / "recipe")
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "data"),
                                 "--weights-from-real", str(tmp_path / "none.parquet")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'none.parquet'}: no such predictions file"]
    assert not (tmp_path / "data").exists()


def test_errors_on_dark_crops_raise_light_inks_and_dark_backgrounds(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    brightness = rng.uniform(0, 255, 90)
    frame = pd.DataFrame({"text": ["exit"] * 90, "prediction": ["exit"] * 90, "image_brightness": brightness})
    frame.loc[brightness < np.quantile(brightness, 1 / 3), "prediction"] = "ex"  # the darkest third misread
    frame.to_parquet(tmp_path / "dark.parquet")
    adjustment = real_adjustment(read_real_predictions([tmp_path / "dark.parquet"]))
    assert adjustment.dark_factor == 2.0
    recipe = load_recipe(bundled("recipes") / "default.yaml")
    adjusted = apply_real_adjustment(recipe, adjustment)
    inks = {c.color: (c.weight, a.weight) for c, a in zip(recipe.colors.text, adjusted.colors.text)}
    assert inks["#d8d8d8-#ffffff"] == (2, 4) and inks["#000000-#3a3a3a"] == (6, 6)
    plain = {c.color: (c.weight, a.weight) for c, a in zip(recipe.backgrounds.plain, adjusted.backgrounds.plain)}
    assert plain["#101010-#404040"] == (1, 2) and plain["#e6e6e6-#ffffff"] == (4, 4)



def test_an_empty_predictions_file_is_refused(tmp_path: Path) -> None:
    from synthocr.errors import UserError

    pd.DataFrame({"text": pd.Series([], dtype=str), "prediction": pd.Series([], dtype=str)}).to_parquet(tmp_path / "e.parquet")
    with pytest.raises(UserError, match="no predictions in it"):
        read_real_predictions([tmp_path / "e.parquet"])
