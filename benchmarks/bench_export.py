"""Benchmark of the interop exports: (a) `export --format lmdb` samples/s and memory over a large
synthetic dataset; (b) CPU inference rates of the exported ONNX and TFLite models beside Keras's,
at batch 1 and batch 64.

Targets: (a) >= 20,000 samples/s on 2 cores with flat memory (bytes are copied, not re-encoded).

    uv run python benchmarks/bench_export.py [--samples 100000] [--model crnn-small] [--run RUN]
                                             [--seconds 2] [--agreement-images 1000] [--skip-models]

The dataset is written with the project's own record writer from a few dozen tiny rendered PNGs
(the export copies bytes, so their content does not matter). The model is a trained run (--run)
or a freshly built one; agreement is the share of 1,000 rendered words the exported model reads
as the Keras model does (greedy decoding).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _rss_mib(kind: str = "RssAnon") -> float:
    """Resident memory: RssAnon is the heap (what streaming keeps flat); VmRSS adds LMDB's mapped file pages."""
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(kind + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write_synthetic_dataset(root: Path, samples: int, shards: int = 8) -> Path:
    """`samples` records of tiny PNG words in `shards` shards, with a minimal dataset info."""
    from PIL import Image, ImageDraw

    from synthocr.dataset import DATASET_INFO, shard_name
    from synthocr.dataset.records import Record, encode_example
    from synthocr.dataset.tfrecord import TFRecordWriter

    rng = random.Random(0)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(64)]
    pngs = []
    for word in words:
        image = Image.new("L", (12 * len(word), 32), 230)
        ImageDraw.Draw(image).text((2, 10), word, fill=20)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pngs.append((buffer.getvalue(), image.width))
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for shard in range(shards):
        name = shard_name("bench", "train", shard, shards)
        count = 0
        with open(root / name, "wb") as stream:
            writer = TFRecordWriter(stream)
            for i in range(shard, samples, shards):
                png, width = pngs[i % len(pngs)]
                record = Record(f"b{i:07d}", png, "png", 32, width, words[i % len(words)], "bench", "synth", i, {"n": i})
                writer.write(encode_example(record))
                count += 1
        files.append({"file": name, "count": count})
    info = {"name": "bench", "charset": "abcdefghijklmnopqrstuvwxyz", "splits": {"train": {"count": samples, "shards": files}}}
    (root / DATASET_INFO).write_text(json.dumps(info), encoding="utf-8")
    return root


def bench_lmdb(samples: int) -> None:
    from synthocr.export.common import ExportRequest
    from synthocr.export.dataset_export import export_dataset

    root = Path(tempfile.mkdtemp(prefix="bench_export_"))
    started = time.perf_counter()
    data = write_synthetic_dataset(root / "data", samples)
    print(f"dataset: {samples:,} samples written in {time.perf_counter() - started:.1f} s "
          f"({sum(p.stat().st_size for p in data.iterdir()) / 2**20:.0f} MiB of shards)")
    rss: list[float] = []

    mapped: list[float] = []

    def on_progress(count: int) -> None:
        rss.append(_rss_mib())
        mapped.append(_rss_mib("VmRSS"))

    before = _rss_mib()
    started = time.perf_counter()
    summary = export_dataset(ExportRequest(data, "lmdb", root / "lmdb"), on_progress=on_progress)
    elapsed = time.perf_counter() - started
    rate = summary.counts["train"] / elapsed
    quarter = max(1, len(rss) // 4)
    print(f"lmdb export: {summary.counts['train']:,} samples in {elapsed:.2f} s = {rate:,.0f} samples/s "
          f"(target >= 20,000: {'met' if rate >= 20_000 else 'MISSED'})")
    print(f"heap (RssAnon): {before:.0f} MiB before; max {max(rss[:quarter]):.0f} MiB in the first quarter of the export, "
          f"{max(rss[-quarter:]):.0f} MiB in the last")
    print(f"resident incl. LMDB's mapped pages (VmRSS): {max(mapped[:quarter]):.0f} MiB first quarter, "
          f"{max(mapped[-quarter:]):.0f} MiB last")
    shutil.rmtree(root)


def bench_models(model_name: str, seconds: float, run: str | None, agreement_images: int) -> None:
    import numpy as np
    import tensorflow as tf

    from synthocr.export.model_export import export_model_file
    from synthocr.export.runtime import load_any_recognizer
    from synthocr.training.charset import Charset
    from synthocr.training.models import build_model
    from synthocr.training.pipeline import preprocess_image
    from tests.integration.train_fixtures import CHARSET, make_records

    root = Path(tempfile.mkdtemp(prefix="bench_export_models_"))
    if run is None:  # a freshly built model: export and inference cost do not depend on the weights
        charset = Charset(CHARSET)
        charset.save(root)
        build_model(model_name, charset.num_classes).save(root / "model.keras")
        run = str(root)
    keras_recognizer = load_any_recognizer(run)
    model = keras_recognizer.model
    compiled = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    runners = {
        "keras (eager call, as Recognizer.read)": lambda x: np.asarray(model(x, training=False)),
        "keras (tf.function)": lambda x: compiled(x).numpy(),
    }
    recognizers = {"keras": keras_recognizer}
    for fmt, file in (("onnx", "model.onnx"), ("tflite", "model.tflite")):
        started = time.perf_counter()
        export_model_file(run, fmt, root / file, overwrite=True)
        print(f"{fmt} export: {time.perf_counter() - started:.1f} s")
        recognizers[fmt] = load_any_recognizer(root / file)
        runners[fmt] = recognizers[fmt].model
    images = np.stack([preprocess_image(tf.constant(r.image), keras_recognizer.spec).numpy()
                       for r in make_records(agreement_images, seed=11)])
    texts = {name: [d.text for i in range(0, len(images), 64) for d in r.read(images[i : i + 64])]
             for name, r in recognizers.items()}
    for fmt in ("onnx", "tflite"):
        same = sum(a == b for a, b in zip(texts[fmt], texts["keras"])) / len(images)
        print(f"{fmt}: same greedy text as Keras on {same:.1%} of {len(images):,} images (target >= 99.5%)")
    rng = np.random.default_rng(0)
    spec = keras_recognizer.spec
    print(f"CPU inference, {Path(run).name if run != str(root) else model_name + ' (fresh)'}, images/s:")
    print(f"{'runtime':>38} {'batch 1':>9} {'batch 64':>9}")
    for name, call in runners.items():
        rates = []
        for batch in (1, 64):
            x = rng.random((batch, spec.height, spec.width, spec.channels), dtype=np.float32)
            call(x)  # warm-up (tracing, allocation)
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                call(x)
                done += batch
            rates.append(done / (time.perf_counter() - started))
        print(f"{name:>38} {rates[0]:>9,.0f} {rates[1]:>9,.0f}")
    shutil.rmtree(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--model", default="crnn-small", choices=["crnn", "crnn-small"])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing window per runtime and batch size")
    parser.add_argument("--run", help="a trained run directory (default: a freshly built --model)")
    parser.add_argument("--agreement-images", type=int, default=1000)
    parser.add_argument("--skip-models", action="store_true")
    args = parser.parse_args()
    bench_lmdb(args.samples)
    if not args.skip_models:
        bench_models(args.model, args.seconds, args.run, args.agreement_images)


if __name__ == "__main__":
    main()
