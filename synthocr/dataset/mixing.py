"""Mixing MJSynth and labels.tsv sources into the splits: which positions, which samples.

Per split, every non-synthetic source gets `round(fraction x count)` positions, spread evenly
through the split (a merge of evenly spaced sequences), so every shard holds each source in the
recipe's proportion. Which MJSynth lines fill them is chosen in one streaming pass from the seed
alone (`select_annotation_lines`, memory O(k)); the chosen lines are dealt to shards in rank
order, each shard with its own spares, so a broken image is replaced the same way whatever the
number of workers. A shard whose spares run out fills the position with a synthetic sample and
counts it. `apply_mix_options` points a recipe's MJSynth mix at another root or fraction.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.dataset.records import Record
from synthocr.dataset.schema import SPLIT_CODES
from synthocr.errors import UserError
from synthocr.recipe import Recipe

_SPARE_SHARE = 0.05
_MIN_SPARES = 8


@dataclass(frozen=True)
class MixSource:
    """One non-synthetic source feeding one of our splits."""

    kind: str  # mjsynth | real
    name: str  # the record's `source`: mjsynth | real:NAME
    path: str  # MJSynth root, or the labels.tsv file
    fraction: float
    from_split: str = ""  # the MJSynth split read


@dataclass(frozen=True)
class ShardMix:
    """What one shard takes from each source: position schedule and candidates in order."""

    schedule: bytes  # one byte per position: 0 synthetic, i > 0 the i-th source
    sources: tuple[MixSource, ...]
    candidates: tuple[tuple[Any, ...], ...]  # per source: chosen ones first, then this shard's spares


def split_sources(recipe: Recipe, split: str) -> list[MixSource]:
    """The non-synthetic sources of a split, in a fixed order (MJSynth, then labels files)."""
    sources = []
    mj = recipe.mix.mjsynth
    if mj is not None and split in mj.splits and mj.fraction > 0:
        sources.append(MixSource("mjsynth", "mjsynth", mj.path, mj.fraction, mj.splits[split]))
    for real in recipe.mix.real:
        if split in real.splits and real.fraction > 0:
            from synthocr.sources.labels_tsv import default_source_name, resolve_labels_file

            labels = resolve_labels_file(real.path)
            name = real.name or default_source_name(labels)
            sources.append(MixSource("real", f"real:{name}", str(labels), real.fraction))
    total = sum(s.fraction for s in sources)
    if total >= 1:
        raise UserError(f"{recipe.source}: mix: the fractions of split {split!r} add up to {total:.2f}; keep them below 1")
    return sources


def interleave(counts: list[int]) -> np.ndarray:
    """Source id per position: source i's items evenly spaced, sources merged by position.

    >>> interleave([3, 1]).tolist()
    [0, 0, 1, 0]
    >>> interleave([2, 2, 2]).tolist()
    [0, 1, 2, 0, 1, 2]
    """
    keys, ids, order = [], [], []
    for source, n in enumerate(counts):
        if n:
            keys.append((np.arange(n) + 0.5) / n)
            ids.append(np.full(n, source, np.uint8))
            order.append(np.full(n, source))
    if not keys:
        return np.zeros(0, np.uint8)
    key, tie = np.concatenate(keys), np.concatenate(order)
    return np.concatenate(ids)[np.lexsort((tie, key))]


def _spares(needed: int) -> int:
    return max(_MIN_SPARES, math.ceil(needed * _SPARE_SHARE)) if needed else 0


def _mix_seed(recipe_seed: int, split: str, source: int) -> int:
    return int(np.random.SeedSequence([recipe_seed & 0xFFFFFFFF, 77, SPLIT_CODES[split], source]).generate_state(1)[0])


def _candidates(source: MixSource, seed: int, needed: int, spares: int) -> tuple[list[Any], list[Any]]:
    """(chosen, spares) for a whole split: the seed alone decides which."""
    if source.kind == "mjsynth":
        from synthocr.sources.mjsynth import open_mjsynth, select_annotation_lines

        folder = open_mjsynth(source.path)
        selection = select_annotation_lines(folder.annotation_file(source.from_split), seed, needed, spares=spares)
        return list(selection.chosen), list(selection.spares)
    from synthocr.sources.mjsynth import selection_keys

    lines = Path(source.path).read_bytes().split(b"\n")
    numbered = [(i + 1, raw) for i, raw in enumerate(lines) if raw.strip()]
    keys = selection_keys(seed, np.array([n for n, _ in numbered], dtype=np.uint64))
    ranked = [numbered[i] for i in np.argsort(keys, kind="stable")[: needed + spares]]
    return ranked[:needed], ranked[needed:]


def plan_mix(recipe: Recipe, split: str, count: int, shards: list[tuple[int, int]]) -> list[ShardMix] | None:
    """One ShardMix per shard range [start, stop) of a split; None when the split is all synthetic."""
    sources = split_sources(recipe, split)
    if not sources:
        return None
    wanted = [round(count * s.fraction) for s in sources]
    schedule = interleave([count - sum(wanted), *wanted])
    per_shard: list[list[tuple[Any, ...]]] = [[] for _ in shards]
    for number, (source, total) in enumerate(zip(sources, wanted), start=1):
        needs = [int(np.count_nonzero(schedule[start:stop] == number)) for start, stop in shards]
        spares = [_spares(n) for n in needs]
        chosen, spare_pool = _candidates(source, _mix_seed(recipe.seed, split, number), total, sum(spares))
        c = s = 0
        for shard, (need, spare) in enumerate(zip(needs, spares)):
            per_shard[shard].append(tuple(chosen[c : c + need]) + tuple(spare_pool[s : s + spare]))
            c, s = c + need, s + spare
    return [
        ShardMix(schedule[start:stop].tobytes(), tuple(sources), tuple(per_shard[i]))
        for i, (start, stop) in enumerate(shards)
    ]


@dataclass
class MixLoader:
    """Loads mixed-in samples in a worker: MJSynth folders and labels files opened once."""

    _folders: dict[str, Any] = field(default_factory=dict)

    def load(self, source: MixSource, candidate: Any) -> Record | Any:
        """A Record, or a Skip (from `synthocr.sources`) saying why not."""
        if source.kind == "mjsynth":
            from synthocr.sources.mjsynth import load_annotation, open_mjsynth

            if source.path not in self._folders:
                self._folders[source.path] = open_mjsynth(source.path)
            return load_annotation(self._folders[source.path], source.from_split, candidate)
        from synthocr.sources.labels_tsv import _decode_line, _load_line

        line_no, raw = candidate
        labels = Path(source.path)
        name = source.name.removeprefix("real:")
        return _load_line(_decode_line(raw, labels, line_no), labels, line_no, source.name, name)


class ShardMixer:
    """Hands out the mixed-in record for each scheduled position of one shard, in order."""

    def __init__(self, mix: ShardMix, loader: MixLoader, reject_text: Any, skips: Counter[str]):
        self.mix = mix
        self.loader = loader
        self.reject_text = reject_text
        self.skips = skips
        self._next = [0] * len(mix.sources)

    def source_at(self, position: int) -> int:
        return self.mix.schedule[position]

    def take(self, number: int) -> Record | None:
        """The next usable record of source `number` (1-based), or None when its candidates ran out."""
        source = self.mix.sources[number - 1]
        candidates = self.mix.candidates[number - 1]
        prefix = source.kind
        while self._next[number - 1] < len(candidates):
            candidate = candidates[self._next[number - 1]]
            self._next[number - 1] += 1
            result = self.loader.load(source, candidate)
            if not isinstance(result, Record):
                self.skips[result.reason] += 1
                continue
            reason = self.reject_text(result.text)
            if reason:
                self.skips[f"{prefix}_{reason}"] += 1
                continue
            return result
        self.skips[f"{prefix}_candidates_exhausted"] += 1
        return None


def apply_mix_options(recipe: Recipe, mjsynth_root: Path | None = None, mjsynth_fraction: float | None = None) -> Recipe:
    """The recipe with its MJSynth mix pointed at `mjsynth_root` and/or set to `mjsynth_fraction`.

    A fraction alone needs a `mix.mjsynth` section in the recipe to apply to.
    """
    if mjsynth_root is None and mjsynth_fraction is None:
        return recipe
    from synthocr.recipe import MjsynthMix

    current = recipe.mix.mjsynth
    if mjsynth_root is None and current is None:
        raise UserError(
            "mjsynth_fraction needs mjsynth_root or a mix.mjsynth section in the recipe",
            params=("mjsynth_fraction", "mjsynth_root"),
        )
    update: dict[str, Any] = {}
    if mjsynth_root is not None:
        update["path"] = str(Path(mjsynth_root).resolve())
    if mjsynth_fraction is not None:
        update["fraction"] = mjsynth_fraction
    mix = current.model_copy(update=update) if current is not None else MjsynthMix(**update)
    return recipe.model_copy(update={"mix": recipe.mix.model_copy(update={"mjsynth": mix})})
