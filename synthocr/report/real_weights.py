"""The real-aware loop: recipe changes from where a model's errors on real images concentrate.

`--weights-from` re-weights fonts by their errors on the synthetic test split; on real words that
pushed script and display faces that real scenes rarely use, and lowered real accuracy. Real
crops carry no font, but they carry the attributes of `synthocr.report.attributes`, so this steers the
recipe components those attributes map to. Errors are counted in the benchmark convention
(a-z0-9, caseless), the fair one for real labels.

- Case mix (`text.case`): the real words' case classes, each weighted by its error factor
  (`weights.error_factors`: error rate over the mean rate, clipped to [0.5, 4]):

      weight(c) = max(FLOOR_SHARE, share_real(c) * factor(c)), then normalised,

  with `mixed` and `none` (no cased letter: numbers) counted as the recipe's `none` (text as its
  source writes it). A class with fewer than `min_samples` real words gets factor 1.
- Image conditions (`augment`): for each condition, the error rate of the hardest third of the
  real crops (the lowest sharpness, the highest noise, the lowest contrast, the smallest
  height) over the error rate of all of them, clipped to [0.5, 2], multiplies the probability
  `p` of the transforms that imitate it (`CONDITIONS`). Inside a OneOf/SomeOf whose members all
  imitate it, the container's `p` is scaled instead (its members' `p` are selection weights).
  Probabilities stay at or below `MAX_P`. Fewer than `3 * min_samples` crops: left alone.
- Dark crops (`colors.text`, `backgrounds.plain`): the same ratio for the darkest third of the
  crops (lowest `image_brightness`) multiplies the weight of the light inks (`colors.text`
  entries whose mid colour has a luma of at least `LIGHT_LUMA`) and of the dark plain
  backgrounds (`backgrounds.plain` entries below `DARK_LUMA`).
- Narrow letters are left alone: both real sets misread the crops whose characters are narrowest
  for their height most (`image_char_width`), but a narrower `geometry.stretch` (0.5 for 0.65)
  lost 3.0 points on IIIT5K (its narrowest crops too) and moved IC15 by 0.1 at 3,000 steps.
- Word length is left alone, though real scene words are short (a median of 5 characters): the
  round that also capped the word lists at the real words' 95th percentile lost 1.2 and 1.0
  points at 3,000 steps, short words as a recipe 0.5 and 1.7; at a fixed number of steps, shorter
  words are fewer characters to learn from per batch.
- Fonts are left as they are: real crops cannot say which font failed.

These are heuristics, measured by `benchmarks/bench_loop.py`, not guarantees.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthocr.errors import UserError
from synthocr.metrics import benchmark_match
from synthocr.predictions import PREDICTION, REQUIRED, TEXT
from synthocr.report.attributes import case_class
from synthocr.report.predictions_check import open_predictions
from synthocr.report.weights import error_factors

FLOOR_SHARE = 0.05
MAX_P = 0.95
MIN_SAMPLES = 20
RATIO_RANGE = (0.5, 2.0)
CASE_KEYS = ("none", "lower", "upper", "title")
LIGHT_LUMA = 160
DARK_LUMA = 96
WRONG = "wrong"  # the column read_real_predictions adds: misread in the benchmark convention
_CASE_TO_RECIPE = {"lower": "lower", "upper": "upper", "title": "title", "mixed": "none", "none": "none"}

# condition name -> (attribute, hardest end, transforms that imitate it)
CONDITIONS: dict[str, tuple[str, str, frozenset[str]]] = {
    "blur": ("image_sharpness", "low", frozenset({
        "MotionBlur", "GaussianBlur", "Blur", "Defocus", "ZoomBlur", "GlassBlur", "MedianBlur", "AdvancedBlur"})),
    "noise": ("image_noise", "high", frozenset({"GaussNoise", "ISONoise", "MultiplicativeNoise", "ShotNoise", "SaltAndPepper"})),
    "low contrast": ("image_contrast", "low", frozenset({"RandomBrightnessContrast", "RandomGamma", "CLAHE"})),
    "low resolution": ("image_height", "low", frozenset({"Downscale", "ImageCompression"})),
}


@dataclass
class RealAdjustment:
    """What to change in a recipe: new case weights, a factor per augmentation class, and why."""

    case: dict[str, float] | None = None
    transform_factors: dict[str, float] = field(default_factory=dict)
    dark_factor: float = 1.0
    notes: list[str] = field(default_factory=list)
    samples: int = 0


def read_real_predictions(paths: Sequence[Path]) -> pd.DataFrame:
    """The rows of one or more predictions.parquet files with a boolean `WRONG` column (benchmark convention)."""
    frames = []
    for path in paths:
        path = Path(path)
        frame = open_predictions(path)
        if not set(REQUIRED) <= set(frame.columns):
            raise UserError(f"{path}: not a predictions file from `synthocr evaluate` (no text/prediction columns)")
        if frame.empty:
            raise UserError(f"{path}: no predictions in it (nothing to steer by)")
        frames.append(frame)
    if not frames:
        raise UserError("weights_from_real: give at least one predictions.parquet of real images")
    frame = pd.concat(frames, ignore_index=True)
    texts, predictions = frame[TEXT].fillna("").astype(str), frame[PREDICTION].fillna("").astype(str)
    frame[WRONG] = [not benchmark_match(t, p) for t, p in zip(texts, predictions)]
    if "text_case" not in frame.columns:
        frame["text_case"] = texts.map(case_class)
    return frame


def case_weights(frame: pd.DataFrame, min_samples: int = MIN_SAMPLES) -> tuple[dict[str, float], dict[str, float]]:
    """(recipe case weights, error factor per recipe case key) from real words and their errors.

    >>> rows = pd.DataFrame({"text_case": ["upper"] * 40 + ["lower"] * 60, "wrong": [True] * 30 + [False] * 10 + [True] * 15 + [False] * 45})
    >>> weights, factors = case_weights(rows)
    >>> weights, factors
    ({'none': 0.05, 'lower': 0.3, 'upper': 0.6, 'title': 0.05}, {'lower': 0.5, 'upper': 1.5})
    """
    keys = frame["text_case"].map(lambda c: _CASE_TO_RECIPE.get(str(c), "none"))
    grouped = frame[WRONG].groupby(keys.to_numpy()).agg(["size", "mean"])
    counted = {k for k, n in grouped["size"].items() if n >= min_samples}
    factors = error_factors({k: float(v) for k, v in grouped["mean"].items()}, counted)
    shares = grouped["size"] / grouped["size"].sum()
    raw = {k: max(FLOOR_SHARE, float(shares.get(k, 0.0)) * factors.get(k, 1.0)) for k in CASE_KEYS}
    total = sum(raw.values())
    return {k: round(v / total, 4) for k, v in raw.items()}, {k: factors[k] for k in sorted(factors)}


def condition_ratio(values: pd.Series, wrong: pd.Series, hardest: str) -> float:
    """Error rate of the hardest third (lowest or highest values) over the overall error rate, clipped.

    >>> values = pd.Series(range(90)); wrong = pd.Series([True] * 30 + [False] * 45 + [True] * 15)
    >>> condition_ratio(values, wrong, "low"), condition_ratio(values, wrong, "high")
    (2.0, 1.0)
    """
    present = values.notna()
    values, wrong = values[present].astype(float), wrong[present].astype(bool)
    overall = float(wrong.mean()) if len(wrong) else 0.0
    if overall <= 0:
        return 1.0
    cut = np.quantile(values, 1 / 3 if hardest == "low" else 2 / 3)
    hard = wrong[values <= cut] if hardest == "low" else wrong[values >= cut]
    return round(float(np.clip(hard.mean() / overall, *RATIO_RANGE)), 4)


def real_adjustment(frame: pd.DataFrame, min_samples: int = MIN_SAMPLES) -> RealAdjustment:
    """The recipe changes the real predictions call for (see the module docstring)."""
    adjustment = RealAdjustment(samples=len(frame))
    weights, factors = case_weights(frame, min_samples)
    adjustment.case = weights
    adjustment.notes.append(
        "text.case <- " + ", ".join(f"{k} {v:.2f}" for k, v in weights.items())
        + " (real case shares times error factors " + ", ".join(f"{k} x{v:g}" for k, v in factors.items()) + ")"
    )
    if len(frame) < 3 * min_samples:
        adjustment.notes.append(f"augment: left alone ({len(frame)} real crops, fewer than {3 * min_samples})")
        return adjustment
    for name, (attribute, hardest, transforms) in CONDITIONS.items():
        if attribute not in frame.columns or frame[attribute].isna().all():
            adjustment.notes.append(f"{name}: no {attribute} column (evaluate again with this synthocr version)")
            continue
        ratio = condition_ratio(frame[attribute], frame[WRONG], hardest)
        for transform in transforms:
            adjustment.transform_factors[transform] = round(adjustment.transform_factors.get(transform, 1.0) * ratio, 4)
        adjustment.notes.append(
            f"augment {name} ({', '.join(sorted(transforms))}): p x{ratio:g} "
            f"(errors of the {'lowest' if hardest == 'low' else 'highest'} third of {attribute} over all errors)"
        )
    if "image_brightness" in frame.columns and frame["image_brightness"].notna().any():
        adjustment.dark_factor = condition_ratio(frame["image_brightness"], frame[WRONG], "low")
        adjustment.notes.append(
            f"dark crops: light inks in colors.text and dark backgrounds.plain weights x{adjustment.dark_factor:g} "
            "(errors of the darkest third of image_brightness over all errors)"
        )
    return adjustment


def mid_luma(color: str) -> float:
    """Luma (ITU-R 601) of the middle of a colour or range '#rrggbb-#rrggbb'.

    >>> mid_luma("#000000-#ffffff"), mid_luma("#ffffff")
    (127.5, 255.0)
    """
    parts = color.split("-")
    channels = [(int(parts[0][i:i + 2], 16) + int(parts[-1][i:i + 2], 16)) / 2 for i in (1, 3, 5)]
    return round(0.299 * channels[0] + 0.587 * channels[1] + 0.114 * channels[2], 4)


def _reweighted(choices: list[Any], keep: Any, factor: float) -> list[Any]:
    return [c.model_copy(update={"weight": round(c.weight * factor, 4)}) if keep(mid_luma(c.color)) else c for c in choices]


def _scale_transforms(node: Any, factors: dict[str, float]) -> None:
    """Scales, in place, the `p` of serialised albumentations transforms named in `factors`."""
    if not isinstance(node, dict):
        return
    name = str(node.get("__class_fullname__", "")).rsplit(".", 1)[-1]
    children = node.get("transforms")
    if isinstance(children, list):
        names = [str(c.get("__class_fullname__", "")).rsplit(".", 1)[-1] for c in children if isinstance(c, dict)]
        if name in ("OneOf", "SomeOf") and names and all(n in factors for n in names):
            factor = float(np.mean([factors[n] for n in names]))
            node["p"] = round(min(MAX_P, float(node.get("p", 1.0)) * factor), 4)
            return
        for child in children:
            _scale_transforms(child, factors)
        return
    if name in factors and "p" in node:
        node["p"] = round(min(MAX_P, float(node["p"]) * factors[name]), 4)


def apply_real_adjustment(recipe: Any, adjustment: RealAdjustment) -> Any:
    """A copy of the recipe with the adjustment's case weights, colour weights and augmentation probabilities."""
    update: dict[str, Any] = {}
    if adjustment.case is not None:
        update["text"] = recipe.text.model_copy(update={"case": recipe.text.case.model_copy(update=adjustment.case)})
    if recipe.augment is not None and adjustment.transform_factors:
        augment = copy.deepcopy(recipe.augment)
        _scale_transforms(augment.get("transform", augment), adjustment.transform_factors)
        update["augment"] = augment
    if adjustment.dark_factor != 1.0:
        colors = recipe.colors.model_copy(update={"text": _reweighted(recipe.colors.text, lambda y: y >= LIGHT_LUMA, adjustment.dark_factor)})
        plain = _reweighted(recipe.backgrounds.plain, lambda y: y < DARK_LUMA, adjustment.dark_factor)
        update["colors"] = colors
        update["backgrounds"] = recipe.backgrounds.model_copy(update={"plain": plain})
    return recipe.model_copy(update=update)
