"""Label integrity, checked from the outside: cut glyphs and faint text in what `generate` writes.

    uv run python benchmarks/bench_integrity.py [--count 10000] [--workers 2] [--recipe recipes/default.yaml]

1. trdg's canvas. Words of the recipe drawn with its fonts and sizes by trdg's own text renderer
   and by ours; each compared with the same word drawn on a far larger canvas. A word that lost
   more than 1% of its ink was cut (italic and script overhangs, side bearings, strokes).
2. Cut glyphs in written datasets. The recipe's geometry (fonts, sizes, skew, distortion,
   spacing, its geometric augmentations) drawn black on white with margins of at least 2 px, so
   any ink on the outermost row or column is a cut glyph. The images are read back from the
   shards and thresholded at 128: the generator's own bookkeeping is not consulted. Run twice:
   with the recipe's geometric augmentations as they are, and with `Perspective` as the default
   recipe had it before (keep_size without fit_output), which pushed word ends out of the frame.
   For each, dataset_info.json's count of redrawn draws says how many would have been written cut.
3. Contrast. The recipe as it is: the share of samples whose first draw fell below
   colors.min_contrast on the final pixels (before recolouring or redrawing) and after (must be 0).
Targets: 0 cut glyphs in 2; under 1% below min_contrast before redraws and 0 after in 3.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synthocr.dataset import iter_records, read_dataset_info  # noqa: E402
from synthocr.dataset.generate import GenerateOptions, generate  # noqa: E402
from synthocr.recipe import Recipe, load_recipe  # noqa: E402
from synthocr.synth.fonts import discover_fonts  # noqa: E402
from synthocr.synth.render import TextStyle, prepare_trdg, reference_ink, render_text  # noqa: E402
from synthocr.synth.text import TextSampler  # noqa: E402

GEOMETRIC = {"Perspective", "Affine", "ShiftScaleRotate", "Rotate", "SafeRotate", "ElasticTransform",
             "GridDistortion", "OpticalDistortion", "PiecewiseAffine", "HorizontalFlip", "VerticalFlip"}


def bench_canvas(recipe: Recipe, count: int) -> None:
    prepare_trdg()
    from trdg import computer_text_generator

    fonts = discover_fonts(recipe.fonts, recipe.source)
    sampler = TextSampler(recipe.text, recipe.source)
    rng = np.random.default_rng(0)
    strokes = list(recipe.colors.stroke_width)
    weights = np.array([recipe.colors.stroke_width[s] for s in strokes], float)
    cut = {"trdg": 0, "synthocr": 0}
    done = 0
    while done < count:
        text = sampler.draw(rng).text
        font = fonts[int(rng.integers(len(fonts)))]
        if sampler.rejection(text) or not font.covers(text) or not text.strip():
            continue
        size = int(rng.integers(recipe.fonts.size[0], recipe.fonts.size[1] + 1))
        stroke = int(strokes[int(rng.choice(len(strokes), p=weights / weights.sum()))])
        full = reference_ink(text, font.path, size, stroke)
        if full <= 0:
            continue
        image, _ = computer_text_generator.generate(text, font.path, "#ffffff", size, 0, 1.0, 0, False, False, stroke, "#000000")
        trdg_ink = np.asarray(image.convert("RGBA"), np.float32)[:, :, 3].sum() / 255
        ours = render_text(text, TextStyle(font.path, size, 0, stroke, "none", "vertical", 0.0), 0).alpha.sum()
        cut["trdg"] += trdg_ink < 0.99 * full
        cut["synthocr"] += ours < 0.99 * full
        done += 1
    print(f"1. canvas: {count:,} words, ink lost > 1%: trdg's renderer {cut['trdg']:,} ({cut['trdg'] / count:.1%}), "
          f"ours {cut['synthocr']:,} ({cut['synthocr'] / count:.1%})")


def _geometry_only(recipe: Recipe, old_perspective: bool) -> Recipe:
    data = copy.deepcopy(recipe.resolved())
    data["name"] = "integrity"
    data["colors"] = {**data["colors"], "text": [{"color": "#000000", "weight": 1}], "stroke_width": {0: 1.0}}
    data["backgrounds"] = {**data["backgrounds"], "kinds": {"plain": 1.0}, "plain": [{"color": "#ffffff", "weight": 1}]}
    low, high = data["geometry"]["margins"]
    data["geometry"]["margins"] = [max(2, low), max(2, high)]
    augment = data.get("augment")
    if augment:
        transforms = [t for t in augment["transform"]["transforms"] if t["__class_fullname__"] in GEOMETRIC]
        if old_perspective:
            for t in transforms:
                if t["__class_fullname__"] == "Perspective":
                    t["fit_output"] = False
        augment["transform"]["transforms"] = transforms
    data.pop("mix", None)
    from synthocr.recipe import recipe_from_dict

    return recipe_from_dict(data, f"{recipe.source} (black on white)")


def _generate(recipe: Recipe, count: int, workers: int, out: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    generate(recipe, GenerateOptions(out_dir=out, count=count, workers=workers))
    return time.perf_counter() - start, read_dataset_info(out)


def _images(out: Path, info: dict):  # type: ignore[no-untyped-def]
    for split in info["splits"]:
        for record in iter_records(out, split):
            yield record, cv2.imdecode(np.frombuffer(record.image, np.uint8), cv2.IMREAD_GRAYSCALE)


def bench_cuts(recipe: Recipe, count: int, workers: int, work: Path) -> None:
    for label, old in (("the recipe's geometric augmentations", False), ("Perspective without fit_output (before)", True)):
        out = work / f"cuts-{int(old)}"
        seconds, info = _generate(_geometry_only(recipe, old), count, workers, out)
        cut = total = 0
        for _, image in _images(out, info):
            ink = image < 128
            total += 1
            cut += bool(ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any())
        redrawn = info.get("skipped", {}).get("cut_glyph", 0)
        print(f"2. cut glyphs, {label}: {total:,} samples in {seconds:.0f} s, ink on the border: {cut:,} "
              f"({cut / max(1, total):.2%}); draws redrawn because their ink left the frame: {redrawn:,} "
              f"({redrawn / max(1, total):.1%} of samples)")


def bench_contrast(recipe: Recipe, count: int, workers: int, work: Path) -> None:
    out = work / "contrast"
    data = recipe.resolved()
    data.pop("mix", None)
    from synthocr.recipe import recipe_from_dict

    seconds, info = _generate(recipe_from_dict(data, recipe.source), count, workers, out)
    minimum = recipe.colors.min_contrast
    below_after = total = recoloured = redrawn = 0
    for record, _ in _images(out, info):
        total += 1
        below_after += record.meta["ink_contrast"] < minimum
        first_failed = record.meta.get("recoloured") or "low_contrast" in record.meta.get("redraw_reasons", [])
        recoloured += bool(first_failed)
        redrawn += "low_contrast" in record.meta.get("redraw_reasons", [])
    skipped = info.get("skipped", {})
    print(f"3. contrast, {recipe.source}: {total:,} samples in {seconds:.0f} s; below min_contrast {minimum:g} "
          f"before recolouring or redrawing: {recoloured:,} ({recoloured / max(1, total):.2%}); redrawn for it: "
          f"{redrawn:,}; below it as written: {below_after:,}")
    print("   skipped draws: " + json.dumps(skipped, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipe", default=str(ROOT / "recipes" / "default.yaml"))
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--canvas-words", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    recipe = load_recipe(args.recipe)
    bench_canvas(recipe, args.canvas_words)
    with tempfile.TemporaryDirectory() as work:
        bench_cuts(recipe, args.count, args.workers, Path(work))
        bench_contrast(recipe, args.count, args.workers, Path(work))


if __name__ == "__main__":
    main()
