"""Benchmark: MJSynth read + validate + encode into TFRecord Examples, on 1 and N processes.

Builds a fake MJSynth tree in the real layout in a temporary folder (default 20,000 JPEGs, 32 px
high, random widths), then measures in one run:

1. the decode check alone (Pillow `load()`, Pillow draft, OpenCV grey, OpenCV reduced) on the
   same JPEGs, and how many truncated and bit-flipped copies each rejects;
2. reading + validating + encoding one split into a TFRecord shard on one process;
3. the same with N processes (default 2), one shard per process, the split partitioned by line;
4. seeded selection (`select_annotation_lines`) on a generated annotation file, in seconds per
   million lines.

The target is 3,000 samples/s per core. Files are freshly written, so they are in the page
cache: this measures CPU cost, not a cold disk.

    uv run python benchmarks/bench_mjsynth.py [--images 20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from synthocr.dataset.records import encode_example
from synthocr.dataset.tfrecord import TFRecordWriter
from synthocr.sources import decoded_size
from synthocr.sources.mjsynth import iter_mjsynth, select_annotation_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fake MJSynth builder is a test fixture
from tests.fixtures.fake_mjsynth import make_fake_mjsynth  # noqa: E402

TARGET_PER_CORE = 3000.0


def random_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for _ in range(count):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(2, 12)))
        style = rng.random()
        words.append(word.upper() if style < 0.1 else word.capitalize() if style < 0.4 else word)
    return words


def write_shard(args: tuple[str, str, int, int, str]) -> tuple[int, float, dict[str, int]]:
    """Reads one shard of a split and writes it as a TFRecord; returns (records, seconds, skips)."""
    top, split, shard_index, num_shards, out_path = args
    start = time.perf_counter()
    skipped: Counter[str] = Counter()
    count = 0
    with open(out_path, "wb") as stream:
        writer = TFRecordWriter(stream)
        for record in iter_mjsynth(top, split, skipped, shard_index=shard_index, num_shards=num_shards):
            writer.write(encode_example(record))
            count += 1
    return count, time.perf_counter() - start, dict(skipped)


def _pil_load(data: bytes) -> object:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.size


def _cv_grey(data: bytes) -> object:
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if pixels is None:
        raise ValueError("undecodable")
    return pixels.shape


def _cv_reduced(data: bytes) -> object:
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if pixels is None:
        raise ValueError("undecodable")
    return pixels.shape


def _used(data: bytes) -> object:
    if decoded_size(data) is None:
        raise ValueError("undecodable")
    return True


def _bit_flipped(data: bytes, rng: random.Random, flips: int = 5) -> bytes:
    """Random bytes overwritten inside the entropy-coded data (after the start-of-scan marker)."""
    damaged = bytearray(data)
    scan = damaged.find(b"\xff\xda")
    for _ in range(flips):
        damaged[rng.randrange(scan + 14, len(damaged) - 2)] = rng.randrange(256)
    return bytes(damaged)


def bench_decoders(images: list[bytes]) -> None:
    """Speed of each decode check, and how many damaged JPEGs it rejects. On bit-flipped files
    `tf.io.decode_image` rejects what Pillow rejects plus about 1% more (measured separately:
    TensorFlow is not imported here); OpenCV accepts nearly all of them."""
    rng = random.Random(0)
    truncated = [data[: len(data) * 3 // 4] for data in images[:300]]
    flipped = [_bit_flipped(data, rng) for data in images[:300]]
    print(f"decode check on {len(images):,} JPEGs (one core); rejected of {len(truncated)} damaged:")
    for name, check in [
        ("Pillow open+load", _pil_load),
        ("Pillow draft 1/8 (used)", _used),
        ("OpenCV grey", _cv_grey),
        ("OpenCV reduced grey 1/8", _cv_reduced),
    ]:
        for data in images[:500]:  # warm-up: first calls pay for lazy imports and caches
            check(data)
        start = time.perf_counter()
        for data in images:
            check(data)
        rate = len(images) / (time.perf_counter() - start)
        rejected = []
        for damaged in (truncated, flipped):
            count = 0
            for data in damaged:
                try:
                    check(data)
                except (OSError, ValueError, SyntaxError):
                    count += 1
            rejected.append(count)
        print(f"  {name:26s} {rate:9,.0f}/s   truncated {rejected[0]:3d}   bit-flipped {rejected[1]:3d}")


def bench_selection(folder: Path, lines: int) -> None:
    path = folder / "annotation_big.txt"
    rng = np.random.default_rng(0)
    dirs, subs, idx = rng.integers(1, 4000, lines), rng.integers(1, 8, lines), rng.integers(0, 88172, lines)
    with open(path, "w") as stream:
        for start in range(0, lines, 100_000):
            stop = min(lines, start + 100_000)
            stream.write(
                "".join(
                    f"./{d}/{s}/{n}_word_{i}.jpg {i}\n"
                    for n, d, s, i in zip(range(start, stop), dirs[start:stop], subs[start:stop], idx[start:stop])
                )
            )
    size_mb = path.stat().st_size / 1e6
    start = time.perf_counter()
    with open(path, "rb") as stream:
        counted = sum(1 for _ in stream)
    baseline = time.perf_counter() - start
    print(f"selection on {counted:,} lines ({size_mb:.0f} MB); a plain `for line in file` takes {baseline / lines * 1e6:.2f} s/M lines")
    for k in (1_000, 100_000):
        start = time.perf_counter()
        selection = select_annotation_lines(path, seed=1, k=k)
        seconds = time.perf_counter() - start
        print(f"  k={k:>7,}: {seconds / lines * 1e6:.2f} s per million lines ({len(selection.candidates):,} candidates)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--selection-lines", type=int, default=2_000_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / "mjsynth"
        start = time.perf_counter()
        fake = make_fake_mjsynth(
            top,
            random_words(args.images, seed=0),
            split_counts={"train": args.images, "val": 0, "test": 0},
            broken={"empty": 2, "truncated": 2, "missing": 1},
            images_per_folder=200,
        )
        print(f"built {args.images:,} JPEGs in {time.perf_counter() - start:.1f} s under {fake.folder}")

        sample = [(fake.folder / e.rel_path).read_bytes() for e in fake.valid("train")[:5000]]
        print(f"mean JPEG size {np.mean([len(d) for d in sample]):.0f} bytes")
        bench_decoders(sample)

        out = Path(tmp) / "out"
        out.mkdir()
        count, seconds, skipped = write_shard((str(top), "train", 0, 1, str(out / "one.tfrecord")))
        single = count / seconds
        print(f"1 process : {count:,} records in {seconds:.2f} s = {single:,.0f} samples/s "
              f"(x{single / TARGET_PER_CORE:.2f} of {TARGET_PER_CORE:,.0f}/s per core); skipped {skipped}")

        jobs = [(str(top), "train", i, args.workers, str(out / f"shard{i}.tfrecord")) for i in range(args.workers)]
        start = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            results = pool.map(write_shard, jobs)
        wall = time.perf_counter() - start
        total = sum(r[0] for r in results)
        in_workers = max(r[1] for r in results)
        per_core = total / in_workers / args.workers
        print(f"{args.workers} processes: {total:,} records; {total / wall:,.0f} samples/s wall incl. process start, "
              f"{total / in_workers:,.0f}/s inside workers = {per_core:,.0f}/s per core "
              f"(x{per_core / TARGET_PER_CORE:.2f} of target)")

        bench_selection(Path(tmp), args.selection_lines)


if __name__ == "__main__":
    main()
