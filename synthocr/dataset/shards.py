"""One shard: its task, its records, its bytes on disk and its part; what every runner runs.

`ShardWriter.write_shard(task, mix)` is pure in what it writes: the shard's bytes follow from the
recipe, the task and its mix alone, whichever process runs it. A shard is written under a
temporary name unique to the attempt and renamed into place after its part (counts, manifest
rows and the shard's SHA-256) has landed in PARTS_DIR, so a shard on disk is complete and has a
part that vouches for it. `WriterSpec` carries what a worker process needs to build its writer.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from synthocr.dataset import storage
from synthocr.dataset.mixing import MixLoader, ShardMix, ShardMixer
from synthocr.dataset.records import Record, encode_example
from synthocr.dataset.schema import (
    COL_FONT,
    COL_HEIGHT,
    COL_ID,
    COL_INDEX,
    COL_RECORD_INDEX,
    COL_SEED,
    COL_SHARD,
    COL_SOURCE,
    COL_SPLIT,
    COL_TEXT,
    COL_WIDTH,
    META_PREFIX,
    PARTS_DIR,
    TMP_SUFFIX,
    part_name,
    shard_name,
)
from synthocr.dataset.tfrecord import frame
from synthocr.recipe import Recipe, local_recipe
from synthocr.synth.sample import FactoryOptions, SampleFactory

PROGRESS_EVERY = 16  # samples between two progress reports


@dataclass(frozen=True)
class ShardTask:
    """One shard: samples [start, stop) of a split, shard `index` of `count`."""

    split: str
    index: int
    count: int
    start: int
    stop: int

    def file_name(self, name: str) -> str:
        """The shard's file name in a dataset called `name`."""
        return shard_name(name, self.split, self.index, self.count)

    @property
    def part_name(self) -> str:
        return part_name(self.split, self.index)


@dataclass
class ShardResult:
    """What writing one shard produced: its counts, its manifest rows and its checksum."""

    task: ShardTask
    samples: int
    fonts: dict[str, int]
    sources: dict[str, int]
    skips: dict[str, int]
    rows: list[dict[str, Any]] = field(repr=False)
    sha256: str = ""  # of the shard file: a shard on disk counts as complete only if it matches

    def to_json(self) -> bytes:
        """The part file's bytes (as `asdict` gives them, without its deep copy of every row)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["task"] = asdict(self.task)
        return json.dumps(data, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> ShardResult:
        """A result read back from its part file.

        >>> r = ShardResult(ShardTask("val", 0, 1, 0, 2), 2, {"f": 2}, {"synth": 2}, {}, [{"id": "a"}], "ab")
        >>> ShardResult.from_json(r.to_json().decode()) == r
        True
        """
        data = json.loads(text)
        data["task"] = ShardTask(**data["task"])
        return cls(**data)


def manifest_row(record: Record, task: ShardTask, position: int, shard_file: str) -> dict[str, Any]:
    """One manifest row: the record's fields and every sampled value from its meta."""
    row: dict[str, Any] = {
        COL_ID: record.id,
        COL_SPLIT: task.split,
        COL_INDEX: task.start + position,
        COL_SHARD: shard_file,
        COL_RECORD_INDEX: position,
        COL_TEXT: record.text,
        COL_FONT: record.font,
        COL_SOURCE: record.source,
        COL_SEED: record.seed,
        COL_WIDTH: record.width,
        COL_HEIGHT: record.height,
    }
    for key, value in record.meta.items():
        column = key if key not in row else f"{META_PREFIX}{key}"
        if isinstance(value, list):
            value = "+".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True)
        row[column] = value
    return row


def unique_temporary(path: str) -> str:
    """A temporary name for `path` that no other attempt uses (a worker left over from a killed
    run must never rename a resumed run's file into place).

    >>> a, b = unique_temporary("x"), unique_temporary("x")
    >>> a != b and a.startswith("x.") and a.endswith(TMP_SUFFIX)
    True
    """
    return f"{path}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}"


def load_part(out_dir: str, task: ShardTask) -> ShardResult | None:
    """The part of a shard, or None where none has landed."""
    part = storage.join(out_dir, PARTS_DIR, task.part_name)
    if not storage.exists(part):
        return None
    return ShardResult.from_json(storage.read_text(part))


Progress = Callable[[int], None]  # takes the number of samples written since the last call


class ShardWriter:
    """Writes shards for one recipe; built once per process (fonts and backgrounds loaded once)."""

    def __init__(self, recipe: Recipe, out_dir: str | Path, factory_options: FactoryOptions | None = None):
        self.recipe = recipe
        self.out_dir = str(out_dir)
        self.factory = SampleFactory(recipe, factory_options)
        self.loader = MixLoader()

    def records(
        self, task: ShardTask, skips: Counter[str], mix: ShardMix | None = None, progress: Progress | None = None,
    ) -> Iterator[Record]:
        """The shard's records in order: synthetic ones and, where the mix schedules them, others."""
        mixer = ShardMixer(mix, self.loader, self.factory.text.rejection, skips) if mix is not None else None
        pending = 0
        for index in range(task.start, task.stop):
            record = None
            if mixer is not None and (number := mixer.source_at(index - task.start)):
                record = mixer.take(number)  # None: that source ran out, a synthetic sample stands in
            yield record if record is not None else self.factory.make(task.split, index, skips)
            pending += 1
            if progress is not None and pending >= PROGRESS_EVERY:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)

    def _encode(self, task: ShardTask, stream: IO[bytes], mix: ShardMix | None, progress: Progress | None) -> ShardResult:
        """Writes the shard's framed records to `stream`; the result holds their SHA-256."""
        final_name = task.file_name(self.recipe.name)
        skips: Counter[str] = Counter()
        fonts: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        digest = hashlib.sha256()
        rows = []
        for position, record in enumerate(self.records(task, skips, mix, progress)):
            framed = frame(encode_example(record))
            stream.write(framed)
            digest.update(framed)
            fonts[record.font] += 1
            sources[record.source] += 1
            rows.append(manifest_row(record, task, position, final_name))
        return ShardResult(task, len(rows), dict(sorted(fonts.items())), dict(sorted(sources.items())),
                           dict(sorted(skips.items())), rows, digest.hexdigest())

    def write_shard(self, task: ShardTask, mix: ShardMix | None = None, progress: Progress | None = None) -> ShardResult:
        """Draws and writes one shard and its part; returns what it wrote."""
        temporary = unique_temporary(self._path(task))
        with storage.open_file(temporary, "wb") as stream:
            result = self._encode(task, stream, mix, progress)
            storage.sync(stream)
        self._commit(result, temporary)
        return result

    def render_shard(self, task: ShardTask, mix: ShardMix | None = None) -> tuple[bytes, ShardResult]:
        """The shard's bytes and result, in memory: nothing is written."""
        buffer = io.BytesIO()
        result = self._encode(task, buffer, mix, None)
        return buffer.getvalue(), result

    def store_shard(self, data: bytes, result: ShardResult) -> None:
        """Writes a shard drawn by `render_shard`, as `write_shard` would have."""
        temporary = unique_temporary(self._path(result.task))
        with storage.open_file(temporary, "wb") as stream:
            stream.write(data)
            storage.sync(stream)
        self._commit(result, temporary)

    def _path(self, task: ShardTask) -> str:
        return storage.join(self.out_dir, task.file_name(self.recipe.name))

    def _commit(self, result: ShardResult, temporary: str) -> None:
        # The part (stats + manifest rows + checksum) lands first, the shard last.
        storage.write_atomic(storage.join(self.out_dir, PARTS_DIR, result.task.part_name), result.to_json())
        storage.rename(temporary, self._path(result.task))


@dataclass
class WriterSpec:
    """What a worker process needs to build its ShardWriter. It travels pickled without the writer
    and builds it once where it lands; a forked worker inherits the parent's, already built.

    `portable`: the recipe was shipped with `portable_recipe` (a Beam job) and is made local first.
    """

    recipe: Recipe
    out_dir: str
    options: FactoryOptions | None = None
    portable: bool = False
    built: ShardWriter | None = field(default=None, repr=False, compare=False)

    def writer(self) -> ShardWriter:
        if self.built is None:
            recipe = local_recipe(self.recipe) if self.portable else self.recipe
            self.built = ShardWriter(recipe, self.out_dir, self.options)
        return self.built

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "built": None}  # a writer holds fonts and images: rebuilt, not shipped
