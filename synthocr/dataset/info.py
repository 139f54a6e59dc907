"""What a finished dataset says about itself: `synthocr_info.json` and the `{split}.parquet`
manifests, built from the parts of its shards (keys and columns: `synthocr.dataset.schema`)."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from synthocr import __version__
from synthocr.dataset.records import FEATURE_TYPES
from synthocr.dataset.schema import (
    FONT_ENTRY_KEYS,
    INFO_CHARSET,
    INFO_FEATURES,
    INFO_FONT_CATALOGUE,
    INFO_FONT_WEIGHTS,
    INFO_FONT_WEIGHTS_FROM,
    INFO_FONTS,
    INFO_IMAGE_HEIGHT,
    INFO_MAX_LENGTH,
    INFO_NAME,
    INFO_RECIPE,
    INFO_RECIPE_HASH,
    INFO_SEED,
    INFO_SKIPPED,
    INFO_SKIPPED_BY_SPLIT,
    INFO_SOURCES,
    INFO_SPLITS,
    INFO_VERSION,
    SHARD_COUNT,
    SHARD_FILE,
    SPLIT_COUNT,
    SPLIT_SHARDS,
    SPLITS,
)
from synthocr.dataset.shards import ShardResult
from synthocr.recipe import Recipe

if TYPE_CHECKING:
    from synthocr.synth.fonts import FontSampler


@dataclass
class SplitSummary:
    """One split's shards added up: its info entries and its manifest rows."""

    entry: dict[str, Any]  # INFO_SPLITS[split]: count and shards
    sources: dict[str, int]
    fonts: dict[str, int]
    skips: dict[str, int]
    rows: list[dict[str, Any]] = field(repr=False)


def summarise_split(results: list[ShardResult], dataset_name: str) -> SplitSummary:
    """The sums over one split's shard results, in shard order.

    >>> from synthocr.dataset.shards import ShardTask
    >>> a = ShardResult(ShardTask("val", 0, 2, 0, 2), 2, {"f": 2}, {"synth": 2}, {"cut": 1}, [{}, {}])
    >>> b = ShardResult(ShardTask("val", 1, 2, 2, 3), 1, {"g": 1}, {"synth": 1}, {"cut": 2}, [{}])
    >>> s = summarise_split([a, b], "d")
    >>> s.entry["count"], s.fonts, s.skips, len(s.rows)
    (3, {'f': 2, 'g': 1}, {'cut': 3}, 3)
    """
    sources: Counter[str] = Counter()
    fonts: Counter[str] = Counter()
    skips: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    for result in results:
        sources.update(result.sources)
        fonts.update(result.fonts)
        skips.update(result.skips)
        rows.extend(result.rows)
    entry = {
        SPLIT_COUNT: sum(r.samples for r in results),
        SPLIT_SHARDS: [{SHARD_FILE: r.task.file_name(dataset_name), SHARD_COUNT: r.samples} for r in results],
    }
    return SplitSummary(entry, dict(sorted(sources.items())), dict(sorted(fonts.items())), dict(sorted(skips.items())), rows)


def summarise_splits(results: list[ShardResult], dataset_name: str) -> dict[str, SplitSummary]:
    """Every split that has shards, in SPLITS order."""
    by_split = {split: [r for r in results if r.task.split == split] for split in SPLITS}
    return {split: summarise_split(rs, dataset_name) for split, rs in by_split.items() if rs}


def build_info(
    recipe: Recipe, fonts: FontSampler, splits: dict[str, SplitSummary], weights_origin: str | None
) -> dict[str, Any]:
    """The content of `synthocr_info.json`, keys in the file's order (INFO_KEYS)."""
    skipped: Counter[str] = Counter()
    for summary in splits.values():
        skipped.update(summary.skips)
    return {
        INFO_VERSION: __version__,
        INFO_NAME: recipe.name,
        INFO_SEED: recipe.seed,
        INFO_RECIPE_HASH: recipe.digest(),
        INFO_RECIPE: recipe.resolved(),
        INFO_CHARSET: recipe.text.charset,
        INFO_MAX_LENGTH: recipe.text.max_length,
        INFO_IMAGE_HEIGHT: recipe.geometry.height,
        INFO_FEATURES: dict(FEATURE_TYPES),
        INFO_SPLITS: {split: s.entry for split, s in splits.items()},
        INFO_SOURCES: {split: s.sources for split, s in splits.items()},
        INFO_FONTS: {split: s.fonts for split, s in splits.items()},
        INFO_SKIPPED: dict(sorted(skipped.items())),
        INFO_SKIPPED_BY_SPLIT: {split: s.skips for split, s in splits.items()},
        INFO_FONT_WEIGHTS: {f.id: round(float(w), 6) for f, w in zip(fonts.fonts, fonts.weights)},
        INFO_FONT_WEIGHTS_FROM: weights_origin,
        INFO_FONT_CATALOGUE: [dict(zip(FONT_ENTRY_KEYS, (f.id, f.family, f.style, f.category, f.licence))) for f in fonts.fonts],
    }


def info_bytes(info: dict[str, Any]) -> bytes:
    """The bytes of `synthocr_info.json`."""
    return (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def manifest_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The bytes of one split's parquet manifest."""
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(rows).to_parquet(buffer, index=False)
    return buffer.getvalue()
