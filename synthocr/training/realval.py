"""Real validation sets for training: labelled real crops, decoded once into model-ready arrays.

A set is a labels.tsv file, a folder holding one, or an MJSynth root (its `val` split). Labels
are kept as they are, even with characters the model cannot output: real benchmarks have
punctuation and accents, and the `benchmark` convention (a-z0-9, caseless) is the fair score
for them (`synthocr.metrics`). They are scored, with a note, never refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from synthocr.dataset.records import Record
from synthocr.errors import UserError
from synthocr.sources.labels_tsv import LABELS_FILE, default_source_name, iter_labels_tsv, resolve_labels_file

MJSYNTH_SPLIT = "val"


@dataclass
class RealSet:
    """One real validation set: its name (for `real/<name>/...` metrics), labels and images.

    `images` is (samples, height, width, channels) float32 in [0, 1], made by the training
    pipeline's own `preprocess_image`; `outside_charset` holds the label characters the
    model's charset lacks (those words can still count under the benchmark convention).
    """

    name: str
    path: Path
    texts: list[str]
    images: np.ndarray
    skipped: dict[str, int] = field(default_factory=dict)
    outside_charset: str = ""


def check_real_path(path: Path, where: str = "real_val") -> Path:
    """The labels file or MJSynth root that `path` names, before anything is read; a UserError
    when it does not exist, is an empty labels file, or is neither kind; `where` (the parameter
    that named the path) starts its message.

    >>> check_real_path(Path("/no/such/set"))
    Traceback (most recent call last):
    ...
    synthocr.errors.UserError: real_val /no/such/set: no such file or folder (give a labels.tsv, a folder with one, or an MJSynth root)
    """
    from synthocr.sources.mjsynth import find_mjsynth_root

    path = Path(path)
    if not path.exists():
        raise UserError(f"{where} {path}: no such file or folder (give a labels.tsv, a folder with one, or an MJSynth root)",
                        params=(where,))
    if path.is_file() or (path / LABELS_FILE).is_file():
        labels = resolve_labels_file(path)
        if not labels.read_bytes().strip():
            raise UserError(f"{where} {path}: {labels.name} is empty", params=(where,))
        return labels
    try:
        return find_mjsynth_root(path)
    except UserError as err:
        raise UserError(f"{where} {path}: not a labels.tsv, a folder with one, or an MJSynth root ({err})",
                        params=(where,)) from None


def read_real_records(path: Path, limit: int | None = None, where: str = "real_val") -> tuple[str, list[Record], Counter]:
    """(default name, records, skips by reason) of a labels.tsv, a folder with one, or an MJSynth
    root (its `val` split); the records' images all decode."""
    from synthocr.sources.mjsynth import iter_mjsynth

    found = check_real_path(path, where)
    skips: Counter = Counter()
    if found.is_file():
        return default_source_name(found), list(iter_labels_tsv(found, skips, limit=limit)), skips
    return found.name, list(iter_mjsynth(found, MJSYNTH_SPLIT, skips, limit=limit)), skips


def unique_names(names: list[str]) -> list[str]:
    """Names made distinct by a numeric suffix, in order.

    >>> unique_names(["test", "test", "ic15"])
    ['test', 'test-2', 'ic15']
    """
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return out


def _metric_name(name: str) -> str:
    """A set name as it can stand in a metric key (`real/<name>/benchmark`): no slashes or spaces.

    >>> _metric_name("iiit5k train/v2")
    'iiit5k_train_v2'
    """
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "real"


def load_real_sets(paths: list[Path], spec: object, charset: object, limit: int | None = None) -> list[RealSet]:
    """Reads and preprocesses each set once; a path that is missing, empty or holds no decodable
    labelled image is a UserError naming it."""
    import tensorflow as tf

    from synthocr.training.pipeline import preprocess_image

    loaded: list[tuple[str, Path, list[Record], Counter]] = []
    for path in paths:
        path = Path(path)
        name, records, skips = read_real_records(path, limit)
        if not records:
            why = ", ".join(f"{reason}: {n}" for reason, n in sorted(skips.items())) or "no lines"
            raise UserError(f"real_val {path}: no usable labelled image ({why})", params=("real_val",))
        loaded.append((name, path, records, skips))
    names = unique_names([_metric_name(name) for name, *_ in loaded])
    sets = []
    for name, (_, path, records, skips) in zip(names, loaded):
        encoded = tf.data.Dataset.from_tensor_slices([r.image for r in records])
        images = np.concatenate([
            batch.numpy() for batch in encoded.map(lambda e: preprocess_image(e, spec), num_parallel_calls=tf.data.AUTOTUNE).batch(256)
        ])
        texts = [r.text for r in records]
        sets.append(RealSet(name, path, texts, images, dict(skips), charset.missing("".join(sorted(set("".join(texts)))))))
    return sets
