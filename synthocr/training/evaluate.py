"""`evaluate`: reads every sample of a dataset split, a labels.tsv or an MJSynth root and scores it.

One row per sample goes to predictions.parquet (the columns of `synthocr.predictions`: its
`PREDICTION_COLUMNS`, `turn` with `deskew`, `raw_prediction` with a lexicon, then the image and text attributes of
`synthocr.report.attributes` for every source, then the sample's meta flattened). Shards go through
the training pipeline's own `preprocess_image`; images that cannot be decoded are skipped and
counted, never scored as wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthocr import predictions as schema
from synthocr.dataset import is_dataset_dir, list_shards, read_dataset_info
from synthocr.dataset.records import Record
from synthocr.dataset.schema import INFO_CHARSET
from synthocr.errors import UserError
from synthocr.metrics import benchmark_match, score, summarise
from synthocr.report.attributes import ATTRIBUTE_COLUMNS, sample_attributes
from synthocr.sources.labels_tsv import LABELS_FILE, iter_labels_tsv, label_characters, resolve_labels_file
from synthocr.sources.mjsynth import find_mjsynth_root, iter_mjsynth
from synthocr.training.charset import DEFAULT_CHARSET
from synthocr.training.decode import Decoded
from synthocr.training.lexicon import DEFAULT_WEIGHT

MJSYNTH_CHARSET = DEFAULT_CHARSET  # MJSynth's words are a-z, A-Z, 0-9: the default charset
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class EvalRequest:
    """What to evaluate and how."""

    model: Path
    data: Path
    out: Path
    split: str = "test"
    beam_width: int = 0
    batch_size: int = 128
    allow_charset_mismatch: bool = False
    limit: int | None = None
    widths: tuple[float, ...] = (1.0,)  # width factors each image is read at; the most confident reading is kept
    deskew: bool = False  # also read each image turned upright by the angle its edges show (synthocr.training.deskew)
    lexicon: tuple[str, ...] = ()  # word lists a reading may be corrected to (synthocr.training.lexicon)
    lexicon_weight: float = DEFAULT_WEIGHT  # nats: a lexicon word's prior over a reading outside the lexicon


@dataclass(frozen=True)
class Replacements:
    """What a lexicon did to an evaluation: readings replaced, and of those, how many it made right
    that were wrong and wrong that were right (benchmark convention)."""

    count: int
    fixed: int
    broken: int


@dataclass
class EvalResult:
    """The summary printed by the CLI."""

    out: Path
    summary: dict[str, float]
    skipped: dict[str, int] = field(default_factory=dict)
    charset_gaps: str = ""
    kind: str = "dataset"
    turned: int | None = None  # with deskew: readings kept from the turned view
    replaced: Replacements | None = None  # with a lexicon


@dataclass(frozen=True)
class _Sample:
    """Where one image came from and its labels; the image bytes go through tf.data separately."""

    record: Record
    shard: str | None
    record_index: int
    image_path: str | None


def flatten_meta(meta: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    """Meta values as parquet columns: lists joined with '+', dicts as JSON, clashing keys prefixed `meta_`.

    >>> flatten_meta({"augment": ["GaussNoise", "MotionBlur"], "text": "x"}, {"text"})
    {'augment': 'GaussNoise+MotionBlur', 'meta_text': 'x'}
    """
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, list):
            value = "+".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        out[f"meta_{key}" if key in taken else key] = value
    return out


def _data_charset_and_samples(request: EvalRequest, skips: Counter) -> tuple[str, str, Iterator[_Sample] | None, list[str]]:
    """(kind, the data's characters, a record iterator or None for shards, shard files)."""
    data = request.data
    if data.is_dir() and is_dataset_dir(data):
        info = read_dataset_info(data)
        files = [str(p.resolve()) for p in list_shards(data, request.split)]
        if not files:
            raise UserError(f"{data}: no shards for split {request.split!r} (EvalRequest.split)", params=("EvalRequest.split",))
        return "dataset", info.get(INFO_CHARSET, ""), None, files
    if data.suffix == ".tsv" or (data / LABELS_FILE).is_file():
        labels_file = resolve_labels_file(data)
        characters = label_characters(labels_file)  # a line that is not UTF-8 is named here, not as U+FFFD
        records = iter_labels_tsv(labels_file, skips, limit=request.limit)
        samples = (_Sample(r, None, -1, str((labels_file.parent / r.meta["path"]).resolve())) for r in records)
        return "labels.tsv", characters, samples, []
    if data.is_dir():
        root = find_mjsynth_root(data)
        records = iter_mjsynth(root, request.split, skips, limit=request.limit)
        samples = (_Sample(r, None, -1, str((root / r.meta["path"]).resolve())) for r in records)
        return "mjsynth", MJSYNTH_CHARSET, samples, []
    raise UserError(f"{data}: not a dataset directory, a labels.tsv or an MJSynth root (no such file or folder)")


def _image_preparation(recognizer: Any, widths: tuple[float, ...], deskew: bool) -> Callable[[Any], Any]:
    """Encoded bytes -> (the model's input, the upright view's turn): one image, or (views, ...) of it at each
    width factor (and turned upright); the turn is 0 without `deskew`."""
    import tensorflow as tf

    from synthocr.training.pipeline import preprocess_image
    from synthocr.training.widths import preprocess_at_widths

    spec = recognizer.spec
    if widths == (1.0,) and not deskew:
        return lambda encoded: (preprocess_image(encoded, spec), tf.constant(0, tf.int32))
    return lambda encoded: preprocess_at_widths(encoded, spec, widths, deskew)


def _shard_batches(files: list[str], prepare_image: Callable[[Any], Any], batch_size: int, limit: int | None) -> tuple[Any, int]:
    """Batches of (images, turns, shard, index, serialised record) from shards; images that fail to decode are dropped."""
    import tensorflow as tf

    from synthocr.dataset import count_records
    from synthocr.dataset.records import KEY_IMAGE
    from synthocr.training.pipeline import AUTOTUNE, indexed_shard_records, parse_record

    total = count_records(files)  # a truncated shard is one line naming it and the record, not a traceback
    data = indexed_shard_records(files)
    if limit is not None:
        data = data.take(limit)
        total = min(total, limit)

    def prepare(shard: tf.Tensor, index: tf.Tensor, serialized: tf.Tensor) -> tuple[tf.Tensor, ...]:
        return *prepare_image(parse_record(serialized)[KEY_IMAGE]), shard, index, serialized

    data = data.map(prepare, num_parallel_calls=AUTOTUNE).ignore_errors()
    return data.batch(batch_size).prefetch(AUTOTUNE), total


def _record_batches(samples: Iterator[_Sample], prepare_image: Callable[[Any], Any], batch_size: int, limit: int | None,
                    kept: list[_Sample]) -> Any:
    """Batches of (images, turns, position in `kept`) from an iterator of samples; undecodable images are dropped."""
    import tensorflow as tf

    from synthocr.training.pipeline import AUTOTUNE

    def generate() -> Iterator[tuple[int, bytes]]:
        for sample in samples:
            if limit is not None and len(kept) >= limit:
                return
            kept.append(sample)
            yield len(kept) - 1, sample.record.image

    data = tf.data.Dataset.from_generator(
        generate, output_signature=(tf.TensorSpec((), tf.int64), tf.TensorSpec((), tf.string))
    )
    data = data.map(lambda i, encoded: (*prepare_image(encoded), i), num_parallel_calls=AUTOTUNE).ignore_errors()
    return data.batch(batch_size).prefetch(AUTOTUNE)


def _row(sample: _Sample, word: Decoded, data_path: str, turn: int | None = None, lexicon: bool = False) -> dict[str, Any]:
    """One row of predictions.parquet, its columns in `PREDICTION_COLUMNS` order (then `turn` when deskewing,
    `raw_prediction` with a lexicon)."""
    record = sample.record
    prediction = word.text
    scored = score(record.text, prediction)
    row: dict[str, Any] = {
        schema.ID: record.id, schema.TEXT: record.text, schema.PREDICTION: prediction, schema.CONFIDENCE: word.confidence,
        schema.EDIT_DISTANCE: scored.edit_distance, schema.CER: scored.cer, schema.EXACT: scored.exact,
        schema.CASELESS: scored.caseless, schema.BENCHMARK: scored.benchmark, schema.LENGTH: scored.length,
        schema.FONT: record.font, schema.SOURCE: record.source, schema.IMAGE_FORMAT: record.image_format,
        schema.DATA: data_path, schema.SHARD: sample.shard, schema.RECORD_INDEX: sample.record_index,
        schema.IMAGE_PATH: sample.image_path,
    }
    if turn is not None:
        row[schema.TURN] = turn
    if lexicon:
        row[schema.RAW_PREDICTION] = word.text if word.raw is None else word.raw
    row.update(sample_attributes(record.image, record.text))
    row.update(flatten_meta(record.meta, set(schema.COLUMNS) | set(ATTRIBUTE_COLUMNS)))
    return row


def evaluate(request: EvalRequest, on_progress: ProgressCallback = lambda done, total: None) -> EvalResult:
    """Writes predictions.parquet for the data and returns the accuracies and what was skipped."""
    import pandas as pd

    from synthocr.dataset.records import decode_example
    from synthocr.export.runtime import load_any_recognizer as load_recognizer  # Keras, ONNX, TFLite, SavedModel
    from synthocr.training.lexicon import load_lexicon
    from synthocr.training.widths import check_widths, kept_turn, read_views

    recognizer = load_recognizer(request.model)
    check_widths(request.widths, recognizer.spec.resize, request.model)
    lexicon = load_lexicon(request.lexicon, recognizer.charset, request.lexicon_weight) if request.lexicon else None
    prepare_image = _image_preparation(recognizer, request.widths, request.deskew)

    def turn_of(view: int, turn: int) -> int | None:  # the `turn` column: only with deskew
        return kept_turn(view, turn, request.widths) if request.deskew else None

    skips: Counter = Counter()
    kind, data_chars, samples, files = _data_charset_and_samples(request, skips)
    gaps = recognizer.charset.missing(data_chars)
    if gaps and not request.allow_charset_mismatch:
        raise UserError(
            f"{request.data}: the data has characters the model can never output: {gaps!r} "
            f"(model charset {recognizer.charset.chars!r}); pass allow_charset_mismatch=True to score them as errors",
            params=("allow_charset_mismatch=True",),
        )
    data_path = str(request.data.resolve())
    rows: list[dict[str, Any]] = []
    read = 0
    if samples is None:
        batches, total = _shard_batches(files, prepare_image, request.batch_size, request.limit)
        for images, turns, shards, indices, serialized in batches:
            decoded, views = read_views(recognizer, images, request.beam_width, lexicon)
            for shard, index, payload, word, view, turn in zip(shards.numpy(), indices.numpy(), serialized.numpy(), decoded,
                                                               views, turns.numpy()):
                sample = _Sample(decode_example(payload), shard.decode(), int(index), None)
                rows.append(_row(sample, word, data_path, turn_of(view, turn), lexicon is not None))
            on_progress(len(rows), total)
        read = total
    else:
        kept: list[_Sample] = []
        for images, turns, positions in _record_batches(samples, prepare_image, request.batch_size, request.limit, kept):
            decoded, views = read_views(recognizer, images, request.beam_width, lexicon)
            rows.extend(_row(kept[int(p)], w, data_path, turn_of(v, t), lexicon is not None)
                        for p, w, v, t in zip(positions.numpy(), decoded, views, turns.numpy()))
            on_progress(len(rows), None)
        read = len(kept)
    if read > len(rows):
        skips["undecodable image"] += read - len(rows)
    columns = [*schema.COLUMN_NAMES, *([schema.TURN] if request.deskew else []),
               *([schema.RAW_PREDICTION] if lexicon is not None else []), *ATTRIBUTE_COLUMNS]
    frame = pd.DataFrame(rows, columns=None if rows else columns)
    if rows and (frame[schema.FONT] == "").all():
        frame = frame.drop(columns=schema.FONT)
    request.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(request.out, index=False)
    summary = summarise(frame[schema.TEXT], frame[schema.PREDICTION]) if rows else summarise([], [])
    turned = int((frame[schema.TURN] != 0).sum()) if request.deskew else None
    replaced = _replacements(frame) if lexicon is not None else None
    return EvalResult(request.out, summary, dict(skips), gaps, kind, turned, replaced)


def _replacements(frame: Any) -> Replacements:
    """Counts the readings a lexicon replaced and, under the benchmark convention, what it did to them."""
    if frame.empty:
        return Replacements(0, 0, 0)
    changed = frame[frame[schema.RAW_PREDICTION] != frame[schema.PREDICTION]]
    was_right = [benchmark_match(text, raw) for text, raw in zip(changed[schema.TEXT], changed[schema.RAW_PREDICTION])]
    is_right = changed[schema.BENCHMARK].tolist()
    return Replacements(len(changed), sum(now and not before for before, now in zip(was_right, is_right)),
                        sum(before and not now for before, now in zip(was_right, is_right)))
