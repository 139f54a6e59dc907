"""The tf.data input pipeline: shards -> parsed, decoded, resized, padded, normalised images + CTC labels.

`preprocess_image` is the one image transform used by training, evaluation and prediction.
Labels are encoded with the charset and padded with 0 to the model's frame count; samples the
model cannot emit (characters outside the charset, or more CTC frames than it has) are dropped
and counted in a `SkipCounter`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tensorflow as tf

from synthocr.dataset.records import BYTES_KEYS, KEY_IMAGE, KEY_TEXT
from synthocr.training.charset import Charset
from synthocr.training.models import DEFAULT_MODEL, frame_count

AUTOTUNE = tf.data.AUTOTUNE
SKIP_REASONS = ("unknown_character", "too_long")
_FEATURES = {key: tf.io.FixedLenFeature([], tf.string, default_value="") for key in BYTES_KEYS}
_TRAIN_FEATURES = {key: _FEATURES[key] for key in (KEY_IMAGE, KEY_TEXT)}
_PARSE_BATCH = 256  # records parsed and label-checked together


@dataclass(frozen=True)
class ImageSpec:
    """The model input: every image becomes (height, width, channels) float32 in [0, 1].

    `model` names the family whose frame count (`time_steps`) bounds the labels.

    >>> ImageSpec(width=256).time_steps
    63
    """

    height: int = 32
    width: int = 128
    channels: int = 1
    model: str = DEFAULT_MODEL
    resize: str = "pad"

    @property
    def time_steps(self) -> int:
        """CTC frames the model emits for this width: labels are padded to it, longer ones dropped."""
        return frame_count(self.model, self.width)


@dataclass(frozen=True)
class WeightedSource:
    """The shards of one dataset split and its share of the training mix.

    `records_share` (index, count) keeps every count-th record from the index-th: how hosts split
    a source with fewer shards than hosts (otherwise each host reads its own shards).
    """

    files: tuple[str, ...]
    weight: float = 1.0
    records_share: tuple[int, int] | None = None


class SkipCounter:
    """Counts samples dropped by the label filter, by reason, across every pass over the data."""

    def __init__(self) -> None:
        self._counts = {reason: tf.Variable(0, dtype=tf.int64, trainable=False) for reason in SKIP_REASONS}
        self._seen = tf.Variable(0, dtype=tf.int64, trainable=False)

    def record(self, status: tf.Tensor) -> tf.Tensor:
        """Counts the statuses of one sample or a batch (0 ok, 1 unknown character, 2 too long); True where usable."""
        self._seen.assign_add(tf.cast(tf.size(status), tf.int64))
        for code, reason in enumerate(SKIP_REASONS, start=1):
            self._counts[reason].assign_add(tf.reduce_sum(tf.cast(status == code, tf.int64)))
        return status == 0

    @property
    def seen(self) -> int:
        return int(self._seen.numpy())

    def counts(self) -> dict[str, int]:
        """{reason: samples dropped so far}, reasons with a zero count left out."""
        return {reason: int(v.numpy()) for reason, v in self._counts.items() if int(v.numpy())}


def preprocess_image(encoded: tf.Tensor, spec: ImageSpec, width_factor: tf.Tensor | None = None) -> tf.Tensor:
    """PNG or JPEG bytes -> (height, width, channels) float32 in [0, 1].

    `spec.resize` "pad": resized to the model height keeping the aspect ratio, then padded on the
    right with the mean of the image's last column (a background-coloured pad, not a black bar), or
    squeezed to the model width if it is wider. "stretch": resized to the model's height and width
    whatever its aspect ratio, so a narrow crop of a long word gets as many CTC frames as a wide one.
    `width_factor` (pad mode, training's `width_jitter`) scales the resized width before the pad.
    """
    image = tf.io.decode_image(encoded, channels=spec.channels, expand_animations=False)
    image = tf.image.convert_image_dtype(image, tf.float32)
    if spec.resize == "stretch":
        image = tf.clip_by_value(tf.image.resize(image, (spec.height, spec.width), antialias=True), 0.0, 1.0)
        return tf.ensure_shape(image, (spec.height, spec.width, spec.channels))
    shape = tf.shape(image)

    def resized(factor: tf.Tensor | float = 1.0) -> tf.Tensor:
        scaled = tf.cast(shape[1], tf.float32) * spec.height / tf.cast(tf.maximum(shape[0], 1), tf.float32) * factor
        new_width = tf.clip_by_value(tf.cast(tf.round(scaled), tf.int32), 1, spec.width)
        return tf.clip_by_value(tf.image.resize(image, (spec.height, new_width), antialias=True), 0.0, 1.0)

    if width_factor is not None:
        image = resized(width_factor)
    else:
        # Images generated at the model height (the usual case) need no resampling: skipping the
        # identity resize makes the pipeline 1.5-2x faster on 2 cores (benchmarks/bench_train.py).
        fits = (shape[0] == spec.height) & (shape[1] <= spec.width)
        image = tf.cond(fits, lambda: image, resized)
    new_width = tf.shape(image)[1]
    fill = tf.reduce_mean(image[:, -1:, :], axis=[0, 1], keepdims=True)
    pad = tf.ones((spec.height, spec.width - new_width, spec.channels), tf.float32) * fill
    image = tf.concat([image, pad], axis=1)
    return tf.ensure_shape(image, (spec.height, spec.width, spec.channels))


class LabelEncoder:
    """Text -> (padded ids, status) in the graph, with the charset as a static hash table."""

    def __init__(self, charset: Charset, time_steps: int):
        codepoints = tf.constant([ord(c) for c in charset.chars], tf.int32)
        ids = tf.range(1, len(charset) + 1, dtype=tf.int32)
        self._table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(codepoints, ids), default_value=-1)
        self.time_steps = time_steps

    def __call__(self, text: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """(ids padded with 0 to time_steps, status: 0 usable, 1 unknown character, 2 too long)."""
        ids, status = self.encode_batch(tf.reshape(text, [1]))
        return ids[0], status[0]

    def encode_batch(self, texts: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """`__call__` over a vector of texts at once: ((n, time_steps) ids, (n,) statuses)."""
        codepoints = tf.strings.unicode_decode(texts, "UTF-8", errors="replace")
        ids = tf.ragged.map_flat_values(self._table.lookup, codepoints)
        lengths = tf.cast(ids.row_lengths(), tf.int32)
        repeats = tf.reduce_sum(tf.cast(ids[:, 1:] == ids[:, :-1], tf.int32), axis=1)
        too_long = (lengths + repeats > self.time_steps) | (lengths == 0)
        status = tf.where(tf.reduce_any(ids < 0, axis=1), 1, tf.where(too_long, 2, 0))
        padded = tf.maximum(ids[:, : self.time_steps], 0).to_tensor(default_value=0, shape=[None, self.time_steps])
        return padded, status


def parse_record(serialized: tf.Tensor) -> dict[str, tf.Tensor]:
    """One serialised Example -> its string features by key."""
    return tf.io.parse_single_example(serialized, _FEATURES)


def _usable_samples(records: tf.data.Dataset, encoder: LabelEncoder, skips: SkipCounter, deterministic: bool) -> tf.data.Dataset:
    """Serialised records -> (encoded image, label ids) of the samples the model can learn.

    Records are parsed and their labels encoded and checked in batches of `_PARSE_BATCH`
    (vectorised: twice the samples/s of one record at a time, benchmarks/bench_train.py);
    unusable ones are counted and dropped before any image is decoded.
    """

    def parse(serialized: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        features = tf.io.parse_example(serialized, _TRAIN_FEATURES)
        labels, status = encoder.encode_batch(features[KEY_TEXT])
        return features[KEY_IMAGE], labels, status

    def keep(encoded: tf.Tensor, labels: tf.Tensor, status: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        usable = skips.record(status)
        return tf.boolean_mask(encoded, usable), tf.boolean_mask(labels, usable)

    batches = records.batch(_PARSE_BATCH).map(parse, num_parallel_calls=AUTOTUNE, deterministic=deterministic)
    return batches.map(keep).unbatch()  # counted in one sequential map: the counters are variables


def _records(files: Sequence[str], shuffle: bool, seed: int) -> tf.data.Dataset:
    names = tf.data.Dataset.from_tensor_slices(list(files))
    if shuffle:
        names = names.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    return names.interleave(
        tf.data.TFRecordDataset,
        cycle_length=max(1, min(len(files), 8)),
        num_parallel_calls=AUTOTUNE,
        deterministic=not shuffle,
    )


def training_dataset(
    sources: Sequence[WeightedSource],
    charset: Charset,
    spec: ImageSpec,
    batch_size: int,
    shuffle_buffer: int,
    seed: int,
    skips: SkipCounter,
    width_jitter: tuple[float, float] | None = None,
) -> tf.data.Dataset:
    """An endless, shuffled mix of the sources as batches of (images, labels).

    Each source is interleaved over its shards, shuffled as serialised records and repeated;
    sources are mixed by weight, then parsed and decoded in parallel, filtered, batched and
    prefetched. Batches are always full (`drop_remainder`): the stream is endless, and a fixed
    batch shape is what a multi-device step splits evenly. `width_jitter` (low, high): each
    image's width is scaled by a factor drawn log-uniformly from it, anew on every read.
    """
    encoder = LabelEncoder(charset, spec.time_steps)
    streams = []
    for i, source in enumerate(sources):
        if source.records_share is None:
            records = _records(source.files, shuffle=True, seed=seed + i)
        else:
            index, count = source.records_share
            # A fixed file order, so that the hosts split one and the same sequence of records.
            records = _records(source.files, shuffle=False, seed=0).shard(count, index)
        streams.append(records.shuffle(shuffle_buffer, seed=seed + i).repeat())
    if len(streams) == 1:
        mixed = streams[0]
    else:
        total = sum(s.weight for s in sources)
        mixed = tf.data.Dataset.sample_from_datasets(streams, weights=[s.weight / total for s in sources], seed=seed)

    def decode(encoded: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        if width_jitter is None:
            return preprocess_image(encoded, spec), labels
        log_low, log_high = math.log(width_jitter[0]), math.log(width_jitter[1])
        factor = tf.exp(tf.random.uniform([], log_low, log_high, seed=seed))
        return preprocess_image(encoded, spec, factor), labels

    usable = _usable_samples(mixed, encoder, skips, deterministic=False)
    usable = usable.map(decode, num_parallel_calls=AUTOTUNE, deterministic=False)
    return usable.batch(batch_size, drop_remainder=True).prefetch(AUTOTUNE)


def labelled_dataset(files: Sequence[str], charset: Charset, spec: ImageSpec, batch_size: int, skips: SkipCounter, limit: int | None = None) -> tf.data.Dataset:
    """The usable samples of some shards, in order, once, as batches of (images, labels) (for validation)."""
    encoder = LabelEncoder(charset, spec.time_steps)
    data = _usable_samples(_records(files, shuffle=False, seed=0), encoder, skips, deterministic=True)
    if limit is not None:
        data = data.take(limit)
    data = data.map(lambda encoded, labels: (preprocess_image(encoded, spec), labels), num_parallel_calls=AUTOTUNE)
    return data.batch(batch_size).prefetch(AUTOTUNE)


def indexed_shard_records(files: Sequence[str | Path]) -> tf.data.Dataset:
    """(shard path, index in shard, serialised record) of every record of the shards, in order."""
    names = tf.data.Dataset.from_tensor_slices([str(f) for f in files])

    def one_file(name: tf.Tensor) -> tf.data.Dataset:
        return tf.data.TFRecordDataset(name).enumerate().map(lambda i, record: (name, i, record))

    return names.flat_map(one_file)
