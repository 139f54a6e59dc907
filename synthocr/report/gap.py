"""`gap`: where a synthetic dataset differs from the user's real images, attribute by attribute, worst first.

For each attribute of `synthocr.report.attributes`, the synthetic and the real values are compared:
- numeric attributes: the 1-Wasserstein distance (`scipy.stats.wasserstein_distance`) between
  the two samples, divided by the standard deviation of both pooled, on a log scale
  (`log1p`) for the skewed ones (`LOG_SCALE`: sharpness, noise, colourfulness, sizes). 0 means
  the same distribution; 1 means, roughly, shifted by one standard deviation;
- categorical attributes (`text_case`, `text_has_digits`): the total variation distance, half
  the sum of the absolute differences of the class shares (0 to 1).
The two scales differ; both read as "share of the mass that would have to move", roughly.

The text is compared further: character frequencies (characters the real words use that the
synthetic ones rarely do, and those outside the dataset's charset) and word patterns
(punctuation, spaces, digits, accented letters): `synthocr.report.gap_text`.

Errors name the request's fields, `GapRequest.dataset` and `GapRequest.real` (`params`), which
the command line spells as its arguments DATASET and REAL.

Each gap at least `LARGE_GAP` wide names the recipe keys that move it (`HINTS`). The hints are
heuristics: a direction to try, to be checked with a controlled training run, not a result.

Images are sampled (`max_images` per side, seeded) since image attributes cost a decode each;
texts are all read. `synthocr.training` is not imported: no TensorFlow here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthocr.dataset.schema import INFO_CHARSET, INFO_SPLITS, SPLIT_COUNT, SPLITS
from synthocr.errors import UserError
from synthocr.report.attributes import IMAGE_ATTRIBUTES, NUMERIC_ATTRIBUTES, attributes_of, decode_rgb
from synthocr.report.gap_text import text_gaps

LOG_SCALE = ("image_width", "image_height", "image_aspect", "image_char_width", "image_sharpness", "image_noise",
             "image_colourfulness")
CATEGORICAL = ("text_case", "text_has_digits")
LARGE_GAP = 0.25
DATASET, REAL = "GapRequest.dataset", "GapRequest.real"  # how errors name the two sides (the CLI: DATASET, REAL)
GAP_CSV = "gap.csv"
GAP_HTML = "gap.html"
TEXT_GAP_CSV = "gap_text.csv"

# (attribute, direction of the real data) -> recipe keys that move it. Heuristics, see above.
HINTS: dict[tuple[str, str], str] = {
    ("image_sharpness", "lower"): "real crops are blurrier: raise the blur probability in `augment` (the OneOf of MotionBlur/GaussianBlur, its p) and `Downscale` p",
    ("image_sharpness", "higher"): "real crops are sharper: lower the blur and `Downscale` probabilities in `augment`",
    ("image_noise", "higher"): "real crops are noisier: raise `augment` GaussNoise p / std_range, `ImageCompression` p, or `backgrounds.kinds.gaussian`",
    ("image_noise", "lower"): "real crops are cleaner: lower `augment` GaussNoise p and `backgrounds.kinds.gaussian`",
    ("image_contrast", "lower"): "real crops have less contrast: lower `colors.min_contrast`, widen `augment` RandomBrightnessContrast contrast_limit",
    ("image_contrast", "higher"): "real crops have more contrast: raise `colors.min_contrast`, favour dark inks in `colors.text` on light `backgrounds.plain`",
    ("image_brightness", "lower"): "real crops are darker: add dark colours to `backgrounds.plain` with light `colors.text`, widen RandomBrightnessContrast brightness_limit",
    ("image_brightness", "higher"): "real crops are brighter: favour light `backgrounds.plain` colours and `backgrounds.kinds.plain`",
    ("image_colourfulness", "higher"): "real crops are more colourful: add coloured inks to `colors.text`, coloured `backgrounds.plain`, more `backgrounds.kinds.image` (photos)",
    ("image_colourfulness", "lower"): "real crops are greyer: favour grey inks in `colors.text` and `backgrounds.kinds.plain`",
    ("image_aspect", "higher"): "real crops are wider for their height: longer words in `text.sources`, wider `geometry.margins` or `geometry.character_spacing`",
    ("image_aspect", "lower"): "real crops are narrower for their height: shorter words in `text.sources`, smaller `geometry.margins`",
    ("image_char_width", "lower"): "real letters are narrower for the crop's height (condensed faces, words seen at an angle): weight `category:condensed` up in `fonts.weights`, less `geometry.character_spacing`, a lower narrow end of `geometry.stretch` (on default.yaml, 0.5 for 0.65 cost accuracy: measure it)",
    ("image_char_width", "higher"): "real letters are wider for the crop's height: raise the wide end of `geometry.stretch`, more `geometry.character_spacing` or `geometry.margins`",
    ("image_width", "higher"): "informational: sizes differ before the model rescales every crop to its height; compare image_aspect",
    ("image_width", "lower"): "informational: sizes differ before the model rescales every crop to its height; compare image_aspect",
    ("image_height", "higher"): "real crops are larger and get downscaled: `augment` Downscale p and ImageCompression p imitate the resampling",
    ("image_height", "lower"): "real crops are smaller and get upscaled: raise `augment` Downscale p (scale_range lower) to imitate low resolution",
    ("text_length", "higher"): "real words are longer: weight longer word lists in `text.sources`, raise random sources' max_length",
    ("text_length", "lower"): "real words are shorter: raise `text.sources` random sources with small min_length/max_length",
}


@dataclass(frozen=True)
class GapRequest:
    """A synthetic dataset, real sets, and how many images to measure per side."""

    dataset: Path
    real: tuple[Path, ...]
    split: str | None = None  # None: every split of the dataset
    max_images: int = 5000
    real_limit: int = 20000  # records read from each real set (an MJSynth val split is 800,000)
    seed: int = 0


@dataclass
class Side:
    """One side of the comparison: attributes per sample (image attributes only where sampled)."""

    name: str
    frame: pd.DataFrame
    samples: int
    images_measured: int


@dataclass
class GapResult:
    """The attribute table (gap.csv), the text findings (gap_text.csv), both sides and notes;
    `synthocr.report.gap_html.write_gap` writes them with gap.html."""

    table: pd.DataFrame
    text_gaps: pd.DataFrame
    synthetic: Side
    real: list[Side]
    notes: list[str] = field(default_factory=list)


def normalised_distance(a: Iterable[float], b: Iterable[float], log_scale: bool = False) -> float:
    """1-Wasserstein distance over the pooled standard deviation (0 when both are constant and equal).

    >>> round(normalised_distance([0, 1, 2, 3], [0, 1, 2, 3]), 6)
    0.0
    >>> round(normalised_distance([0.0] * 50 + [1.0] * 50, [1.0] * 50 + [2.0] * 50), 3)
    1.414
    """
    from scipy.stats import wasserstein_distance

    x, y = np.asarray(list(a), dtype=float), np.asarray(list(b), dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if not len(x) or not len(y):
        return math.nan
    if log_scale:
        x, y = np.log1p(np.maximum(x, 0)), np.log1p(np.maximum(y, 0))
    scale = float(np.concatenate([x, y]).std())
    if scale == 0:
        return 0.0
    return float(wasserstein_distance(x, y) / scale)


def total_variation(a: Iterable[Any], b: Iterable[Any]) -> float:
    """Half the L1 distance between the class shares of two samples.

    >>> total_variation(["lower"] * 3 + ["upper"], ["upper"] * 2 + ["lower"] * 2)
    0.25
    """
    left, right = Counter(map(str, a)), Counter(map(str, b))
    n, m = sum(left.values()), sum(right.values())
    if not n or not m:
        return math.nan
    return 0.5 * sum(abs(left[k] / n - right[k] / m) for k in set(left) | set(right))


def _read_synthetic(request: GapRequest, rng: np.random.Generator) -> tuple[Side, str]:
    from synthocr.dataset import is_dataset_dir, list_shards, read_dataset_info
    from synthocr.dataset.records import decode_example
    from synthocr.dataset.tfrecord import read_records

    data = request.dataset
    if not (data.is_dir() and is_dataset_dir(data)):
        raise UserError(f"{DATASET} {data}: not a synthocr dataset directory (no dataset_info.json)", params=(DATASET,))
    info = read_dataset_info(data)
    splits = [request.split] if request.split else list(info.get(INFO_SPLITS, {})) or list(SPLITS)
    files = [f for s in splits for f in list_shards(data, s)]
    if not files:
        raise UserError(f"{DATASET} {data}: no shards for split {', '.join(splits)}", params=(DATASET,))
    total = sum(int(info.get(INFO_SPLITS, {}).get(s, {}).get(SPLIT_COUNT, 0)) for s in splits)
    chosen = set(rng.choice(total, size=min(request.max_images, total), replace=False).tolist()) if total else set()
    rows, index = [], 0
    for file in files:
        for payload in read_records(file, verify=False):
            record = decode_example(payload)
            rows.append(_row(record, index in chosen or not total))
            index += 1
    if not rows:
        raise UserError(f"{DATASET} {data}: the shards hold no samples", params=(DATASET,))
    frame = pd.DataFrame(rows)
    measured = int(frame[IMAGE_ATTRIBUTES[0]].notna().sum()) if IMAGE_ATTRIBUTES[0] in frame else 0
    return Side(data.name or str(data), frame, len(frame), measured), str(info.get(INFO_CHARSET, ""))


def _row(record: Any, measure: bool) -> dict[str, Any]:
    """A record's text attributes, and its image attributes when `measure` (and it decodes)."""
    rgb = decode_rgb(record.image) if measure else None
    attributes = attributes_of(rgb, record.text)
    return {**{k: v for k, v in attributes.items() if v is not None}, "text": record.text}


def _read_real(path: Path, request: GapRequest, rng: np.random.Generator) -> Side:
    from synthocr.training.realval import read_real_records

    name, records, skips = read_real_records(path, request.real_limit, where=REAL)  # its errors name `where`
    if not records:
        why = ", ".join(f"{reason}: {n}" for reason, n in sorted(skips.items())) or "no lines"
        raise UserError(f"{REAL} {path}: no usable labelled image ({why})", params=(REAL,))
    picked = set(rng.choice(len(records), size=min(request.max_images, len(records)), replace=False).tolist())
    rows = []
    for i, record in enumerate(records):
        rows.append(_row(record, i in picked))
    frame = pd.DataFrame(rows)
    return Side(name, frame, len(frame), int(frame[IMAGE_ATTRIBUTES[0]].notna().sum()) if IMAGE_ATTRIBUTES[0] in frame else 0)


def _values(side: Side, attribute: str) -> pd.Series:
    return side.frame[attribute].dropna() if attribute in side.frame else pd.Series(dtype=float)


def _distance(attribute: str, a: pd.Series, b: pd.Series) -> float:
    if attribute in CATEGORICAL:
        return total_variation(a, b)
    return normalised_distance(a, b, attribute in LOG_SCALE)


def _shares(values: pd.Series) -> dict[str, float]:
    counts = Counter(map(str, values))
    total = sum(counts.values()) or 1
    return {k: v / total for k, v in sorted(counts.items())}


def _describe(attribute: str, values: pd.Series) -> str:
    if not len(values):
        return "–"
    if attribute in CATEGORICAL:
        return ", ".join(f"{k} {v:.0%}" for k, v in sorted(_shares(values).items(), key=lambda kv: -kv[1]))
    q = np.quantile(values.astype(float), [0.1, 0.5, 0.9])
    return f"median {q[1]:.3g} (10-90%: {q[0]:.3g}–{q[2]:.3g})"


def _direction_and_hint(attribute: str, synthetic: pd.Series, real: pd.Series, distance: float) -> tuple[str, str]:
    if not len(synthetic) or not len(real) or not np.isfinite(distance):
        return "", ""
    if attribute in CATEGORICAL:
        s, r = _shares(synthetic), _shares(real)
        key = max(set(s) | set(r), key=lambda k: r.get(k, 0) - s.get(k, 0))
        direction = f"real has more {key} ({r.get(key, 0):.0%} vs {s.get(key, 0):.0%})"
        if distance < LARGE_GAP * 0.4:  # total variation runs smaller than the normalised distance
            return direction, ""
        if attribute == "text_case":
            recipe_key = "text.case.none" if key == "none" else f"text.case.{key}"
            if key == "mixed":
                recipe_key = "text.sources (words of mixed case: a word list kept as written, with text.case.none)"
            return direction, f"real words are {r.get(key, 0):.0%} {key}: raise `{recipe_key}`"
        return direction, "real words hold digits more often: raise the weight of digit sources in `text.sources`" if key == "True" else \
            "real words hold digits less often: lower the weight of digit sources in `text.sources`"
    direction = "lower" if float(np.median(real)) < float(np.median(synthetic)) else "higher"
    hint = HINTS.get((attribute, direction), "") if distance >= LARGE_GAP else ""
    return f"real {direction}", hint


def attribute_table(synthetic: Side, real: list[Side]) -> pd.DataFrame:
    """One row per attribute: the distance to all real sets pooled, to each set, summaries, hint; worst first."""
    pooled = Side("real", pd.concat([r.frame for r in real], ignore_index=True), sum(r.samples for r in real), 0)
    rows = []
    for attribute in NUMERIC_ATTRIBUTES + CATEGORICAL:
        s, r = _values(synthetic, attribute), _values(pooled, attribute)
        distance = _distance(attribute, s, r)
        direction, hint = _direction_and_hint(attribute, s, r, distance)
        row = {
            "attribute": attribute, "kind": "categorical" if attribute in CATEGORICAL else "numeric",
            "distance": round(distance, 4) if np.isfinite(distance) else math.nan,
            **{f"distance_{side.name}": round(_distance(attribute, s, _values(side, attribute)), 4) for side in real},
            "synthetic": _describe(attribute, s), "real": _describe(attribute, r), "direction": direction,
            "hint": hint,
        }
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("distance", ascending=False, na_position="last", kind="stable")
    return table.reset_index(drop=True)


def run_gap(request: GapRequest) -> GapResult:
    """Reads both sides and compares them; an empty or missing real set is a UserError naming it."""
    if not request.real:
        raise UserError(f"{REAL}: give at least one real set (a labels.tsv, a folder with one, or an MJSynth root)", params=(REAL,))
    rng = np.random.default_rng(request.seed)
    real = [_read_real(Path(p), request, rng) for p in request.real]
    names = [side.name for side in real]
    for i, side in enumerate(real):  # two sets named alike ("train") keep apart in the columns
        if names.count(side.name) > 1:
            side.name = f"{side.name}-{i + 1}"
    synthetic, charset = _read_synthetic(request, rng)
    notes = []
    for side in [synthetic, *real]:
        if side.images_measured < side.samples:
            notes.append(f"{side.name}: image attributes measured on {side.images_measured:,} sampled images of "
                         f"{side.samples:,} (seeded); text attributes on all")
    table = attribute_table(synthetic, real)
    texts = text_gaps(synthetic.frame["text"].tolist(), [t for side in real for t in side.frame["text"]], charset)
    return GapResult(table, texts, synthetic, real, notes)

