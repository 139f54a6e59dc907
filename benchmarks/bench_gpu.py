"""Model speed on in-memory batches: training and inference images/s of `crnn` and `crnn-small`,
float32 and mixed precision, under any Keras backend (no input pipeline involved).

    KERAS_BACKEND=jax uv run --extra jax python benchmarks/bench_gpu.py   # on a GPU machine
    uv run python benchmarks/bench_gpu.py --steps 5 --batch-size 32       # a quick look on a CPU

Mixed precision is float16 on a GPU and bfloat16 on a CPU (where float16 matmuls are emulated);
`--precisions ... bfloat16` adds mixed bfloat16 (no loss scaling) on either.
Each figure is measured after a warm-up that compiles the step.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402

from synthocr.training.models import build_model  # noqa: E402

NUM_CLASSES = 63  # digits + letters + blank


def _has_gpu() -> bool:
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    if backend == "torch":
        import torch

        return torch.cuda.is_available()
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def _batches(batch_size: int, height: int, width: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    images = rng.random((batch_size, height, width, 1), dtype=np.float32)
    lengths = rng.integers(3, 12, size=batch_size)
    labels = np.zeros((batch_size, 16), np.int32)
    for i, n in enumerate(lengths):
        labels[i, :n] = rng.integers(1, NUM_CLASSES, size=n)
    return images, labels


def measure(model_name: str, precision: str, batch_size: int, steps: int, gpu: bool) -> tuple[float, float]:
    """(training images/s, inference images/s)."""
    policies = {"float32": "float32", "mixed": "mixed_float16" if gpu else "mixed_bfloat16", "bfloat16": "mixed_bfloat16"}
    policy = policies[precision]
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = build_model(model_name, NUM_CLASSES)
        optimizer = keras.optimizers.Adam(1e-3, clipnorm=5.0)
        if policy == "mixed_float16":
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        model.compile(optimizer=optimizer, loss=keras.losses.CTC())
        rng = np.random.default_rng(0)
        images, labels = _batches(batch_size, 32, 128, rng)
        model.train_on_batch(images, labels)  # compile
        model.train_on_batch(images, labels)
        start = time.perf_counter()
        for _ in range(steps):
            loss = model.train_on_batch(images, labels)
        np.asarray(loss)  # wait for the device
        train_rate = steps * batch_size / (time.perf_counter() - start)

        model.predict_on_batch(images)
        start = time.perf_counter()
        for _ in range(steps):
            out = model.predict_on_batch(images)
        np.asarray(out)
        infer_rate = steps * batch_size / (time.perf_counter() - start)
        return train_rate, infer_rate
    finally:
        keras.mixed_precision.set_global_policy("float32")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=None, help="default: 256 on a GPU, 64 on a CPU")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (default: 50 on a GPU, 5 on a CPU)")
    parser.add_argument("--models", nargs="+", default=["crnn", "crnn-small"])
    parser.add_argument("--precisions", nargs="+", choices=["float32", "mixed", "bfloat16"], default=["float32", "mixed"],
                        help="mixed: float16 with loss scaling on a GPU (training's 'auto'), bfloat16 on a CPU; bfloat16: mixed bfloat16")
    args = parser.parse_args()
    gpu = _has_gpu()
    batch_size = args.batch_size or (256 if gpu else 64)
    steps = args.steps or (50 if gpu else 5)
    print(f"backend {keras.backend.backend()}, {'GPU' if gpu else 'CPU'}, batch {batch_size}, {steps} timed steps")
    print(f"{'model':<12}{'precision':<11}{'train img/s':>14}{'infer img/s':>14}")
    for model_name in args.models:
        for precision in args.precisions:
            train_rate, infer_rate = measure(model_name, precision, batch_size, steps, gpu)
            print(f"{model_name:<12}{precision:<11}{train_rate:>14,.0f}{infer_rate:>14,.0f}", flush=True)


if __name__ == "__main__":
    main()
