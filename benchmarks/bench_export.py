"""Benchmark of the interop exports: (a) `export --format lmdb` samples/s and memory over a large
synthetic dataset; (b) CPU inference rates of the exported ONNX and TFLite models beside Keras's,
at batch 1 and batch 64.

Targets: (a) >= 20,000 samples/s on 2 cores with flat memory (bytes are copied, not re-encoded).

    uv run python benchmarks/bench_export.py [--samples 100000] [--model crnn-small] [--seconds 2] [--skip-models]

The dataset is written with the project's own record writer from a few dozen tiny rendered PNGs
(the export copies bytes, so their content does not matter); the models are freshly built
(export and inference cost do not depend on the weights).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
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
    from synthocr.records import Record, encode_example
    from synthocr.tfrecord import TFRecordWriter

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


def bench_models(model_name: str, seconds: float) -> None:
    import numpy as np

    from synthocr.export.model_export import export_model_file
    from synthocr.export.runtime import load_exported
    from synthocr.training.charset import Charset
    from synthocr.training.model import build_model

    charset = Charset("abcdefghijklmnopqrstuvwxyz0123456789")
    root = Path(tempfile.mkdtemp(prefix="bench_export_models_"))
    model = build_model(model_name, charset.num_classes)
    charset.save(root)
    model.save(root / "model.keras")
    runners = {"keras": lambda x: np.asarray(model(x, training=False))}
    for fmt, file in (("onnx", "model.onnx"), ("tflite", "model.tflite")):
        started = time.perf_counter()
        export_model_file(root / "model.keras", fmt, root / file)
        print(f"{fmt} export: {time.perf_counter() - started:.1f} s")
        runners[fmt] = load_exported(root / file)
    rng = np.random.default_rng(0)
    print(f"CPU inference, {model_name}, images/s:")
    print(f"{'runtime':>8} {'batch 1':>9} {'batch 64':>9}")
    for name, run in runners.items():
        rates = []
        for batch in (1, 64):
            x = rng.random((batch, 32, 128, 1), dtype=np.float32)
            run(x)  # warm-up (graph tracing, allocation)
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                run(x)
                done += batch
            rates.append(done / (time.perf_counter() - started))
        print(f"{name:>8} {rates[0]:>9,.0f} {rates[1]:>9,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--model", default="crnn-small", choices=["crnn", "crnn-small"])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing window per runtime and batch size")
    parser.add_argument("--skip-models", action="store_true")
    args = parser.parse_args()
    bench_lmdb(args.samples)
    if not args.skip_models:
        bench_models(args.model, args.seconds)


if __name__ == "__main__":
    main()
