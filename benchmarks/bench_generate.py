"""Generation speed: trdg's own generator against `synthocr generate`, measured in one run.

    uv run python benchmarks/bench_generate.py [--count 3000] [--recipe recipes/default.yaml]

Baseline: trdg's `GeneratorFromStrings` in one process with the recipe's fonts, words of the same
lists and the same height, its defaults otherwise (gaussian background, no skew, no distortion,
no augmentation), images kept in memory and not written. Then `synthocr generate` on the recipe,
which also augments, encodes PNG and writes shards, with 1 worker and with all cores.
Targets: 1 worker >= 0.9 x trdg; N workers >= 0.9 x N x 1 worker.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synthocr.dataset.generate import GenerateOptions, default_workers, generate  # noqa: E402
from synthocr.recipe import load_recipe  # noqa: E402
from synthocr.synth.fonts import discover_fonts  # noqa: E402
from synthocr.synth.render import prepare_trdg  # noqa: E402
from synthocr.synth.text import TextSampler  # noqa: E402


def bench_trdg(recipe, count: int) -> float:  # type: ignore[no-untyped-def]
    prepare_trdg()  # the Pillow >= 10 shim: trdg cannot run without it
    from trdg.generators import GeneratorFromStrings

    fonts = [f.path for f in discover_fonts(recipe.fonts, recipe.source)]
    sampler = TextSampler(recipe.text)
    rng = np.random.default_rng(0)
    words = []
    while len(words) < count:
        drawn = sampler.draw(rng)
        if sampler.rejection(drawn.text) is None:
            words.append(drawn.text)
    generator = GeneratorFromStrings(words, count=count, fonts=fonts, size=recipe.geometry.height)
    made = 0
    start = time.perf_counter()
    for image, _label in generator:
        made += image is not None
    return made / (time.perf_counter() - start)


def bench_synthocr(recipe, count: int, workers: int) -> float:  # type: ignore[no-untyped-def]
    out = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        start = time.perf_counter()
        generate(recipe, GenerateOptions(out_dir=out / "data", count=count, workers=workers))
        return count / (time.perf_counter() - start)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default=str(ROOT / "recipes" / "default.yaml"))
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--baseline-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    recipe = load_recipe(args.recipe)
    if args.baseline_only:
        print(bench_trdg(recipe, args.count))
        return
    # Enough shards for every worker to stay busy.
    recipe = recipe.model_copy(update={"output": recipe.output.model_copy(update={"shard_size": max(50, args.count // (4 * args.workers))})})

    # trdg in a fresh process with only the Pillow shim it needs to run: our renderer's caches
    # (font objects, glyph heights) must not speed up the baseline.
    baseline = subprocess.run(
        [sys.executable, __file__, "--baseline-only", "--recipe", args.recipe, "--count", str(args.count)],
        check=True, capture_output=True, text=True,
    )
    trdg_rate = float(baseline.stdout.strip().splitlines()[-1])
    bench_synthocr(recipe, 100, 1)  # warm the page cache for font and background files
    one = bench_synthocr(recipe, args.count, 1)
    many = bench_synthocr(recipe, args.count, args.workers)
    print(f"trdg GeneratorFromStrings, 1 process : {trdg_rate:8.1f} images/s")
    print(f"synthocr generate, 1 worker          : {one:8.1f} images/s   ratio to trdg {one / trdg_rate:.2f} (target >= 0.90)")
    print(f"synthocr generate, {args.workers} workers         : {many:8.1f} images/s   "
          f"scaling {many / (args.workers * one):.2f} of {args.workers} x 1 worker (target >= 0.90)")


if __name__ == "__main__":
    main()
