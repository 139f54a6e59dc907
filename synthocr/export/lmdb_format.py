"""LMDB export in deep-text-recognition-benchmark's layout, which PARSeq, PaddleOCR and MMOCR read.

One environment per split in `OUT/<split>/`; keys `image-%09d` (the original encoded bytes, never
re-encoded) and `label-%09d` (UTF-8), counted from 1, and `num-samples`. The map starts at the
shards' size plus headroom and doubles whenever a transaction finds it full.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from synthocr.errors import UserError
from synthocr.export.common import ProgressCallback, SplitPlan, iter_image_text

COMMIT_EVERY = 2000
_MIN_MAP_SIZE = 16 << 20


def _lmdb() -> Any:
    """The lmdb package, or one line saying how to install it."""
    try:
        import lmdb
    except ImportError:
        raise UserError("format 'lmdb' needs the lmdb package: pip install 'synthocr[interop]'") from None
    return lmdb


def _put_all(env: Any, items: list[tuple[bytes, bytes]]) -> None:
    """Writes one batch in one transaction, doubling the map until it fits."""
    lmdb = _lmdb()
    while True:
        try:
            with env.begin(write=True) as txn:
                for key, value in items:
                    txn.put(key, value)
            return
        except lmdb.MapFullError:
            env.set_mapsize(env.info()["map_size"] * 2)


def require() -> None:
    """Fails with one line, before anything is written, when the lmdb package is missing."""
    _lmdb()


def write_split(plan: SplitPlan, build: Path, on_progress: ProgressCallback, skipped: Counter) -> int:
    """The export's writer: one LMDB environment per split, in `build/<split>`."""
    return write_lmdb_split(plan, build / plan.name, on_progress)


def write_lmdb_split(plan: SplitPlan, folder: Path, on_progress: ProgressCallback) -> int:
    """Writes one split's environment into `folder`; returns the number of samples."""
    lmdb = _lmdb()
    folder.mkdir(parents=True)
    # The keys and B-tree pages add a little per record; 10% + 16 MiB covers it, growth covers the rest.
    env = lmdb.open(str(folder), map_size=max(_MIN_MAP_SIZE, int(plan.shard_bytes * 1.1) + _MIN_MAP_SIZE))
    count = 0
    batch: list[tuple[bytes, bytes]] = []
    try:
        for image, text, _ in iter_image_text(plan.shards):
            count += 1
            batch.append((b"image-%09d" % count, image))
            batch.append((b"label-%09d" % count, text.encode("utf-8")))
            if len(batch) >= 2 * COMMIT_EVERY:
                _put_all(env, batch)
                on_progress(len(batch) // 2)
                batch = []
        batch.append((b"num-samples", str(count).encode()))
        _put_all(env, batch)
        on_progress((len(batch) - 1) // 2)
        env.sync()
    finally:
        env.close()
    return count
