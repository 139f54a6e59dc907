"""Real words as the measure: train crnn-small for N steps (the demo's schedule) on each recipe and
score it on the real development sets in the benchmark convention (a-z0-9, caseless).

Targets (issue 10): the tuned recipes/default.yaml at 3,000 steps at least 15 points above
today's on both sets, and at least 3x recipes/trdg_defaults.yaml at the same steps.

    uv run python benchmarks/bench_real.py --steps 3000 recipes/default.yaml recipes/trdg_defaults.yaml

`--widths 0.8,0.9,1,1.15,1.3` also scores each model read at those widths (`evaluate --widths`), as
extra rows: a reading option, not the recipe, so the targets are the rows read at one width.
`--deskew` adds rows read turned upright as well (`evaluate --deskew`), alone and at those widths;
`--lexicon english_common --lexicon english` each of these rows again with those word lists
(`evaluate --lexicon`).
`--model crnn` trains the larger CRNN instead, with the same schedule: whether the model's size is what
limits a recipe (the targets are crnn-small's).

Each recipe's dataset (--count samples in the demo's splits) and run are cached under --work, so a
second call with the same recipe, count and steps only evaluates. Never trains on the real sets:
checkpoints are chosen by the synthetic val CER, as the demo does without --real-val.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from realbench import REALDEV, correct, dataset_for, realdev_sets, score_real, trained  # noqa: E402 (sets sys.path)

from synthocr.training.models import FAMILIES  # noqa: E402 (realbench put the project on sys.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recipes", nargs="*", type=Path, help="recipes to train on (default: recipes/default.yaml)")
    parser.add_argument("--steps", type=int, required=True, help="training steps of batch 64")
    parser.add_argument("--count", type=int, default=45000, help="samples generated per recipe (the demo's 45,000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/synthocr-bench-real"), help="cache of datasets and runs")
    parser.add_argument("--workers", type=int, default=2, help="generation processes")
    parser.add_argument("--realdev", type=Path, default=REALDEV, help="folder holding iiit5k_train/ and ic15_train/")
    parser.add_argument("--widths", default="1", help="also read each model at these width factors (evaluate --widths)")
    parser.add_argument("--deskew", action="store_true", help="also read each model turned upright (evaluate --deskew)")
    parser.add_argument("--model", default="crnn-small", choices=sorted(FAMILIES),
                        help="architecture to train (the targets are crnn-small's; another shows whether the model's size limits it)")
    parser.add_argument("--lexicon", action="append", default=[],
                        help="also read each model (and each reading above) with this word list (evaluate --lexicon); repeatable")
    args = parser.parse_args()

    from synthocr.paths import bundled
    from synthocr.recipe import load_recipe
    from synthocr.report.stats import wilson_interval
    from synthocr.training.widths import parse_widths

    recipes = args.recipes or [bundled("recipes") / "default.yaml"]
    widths = parse_widths(args.widths)
    sets = realdev_sets(args.realdev)
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for path in recipes:
        started = time.perf_counter()
        recipe = load_recipe(path)
        label = path.stem
        data = dataset_for(recipe, args.count, args.work, args.workers, label)
        model = trained(recipe, data, args.steps, args.work, label, args.model)
        readings = [((1.0,), False), *([(widths, False)] if widths != (1.0,) else [])]
        if args.deskew:
            readings += [((1.0,), True), *([(widths, True)] if widths != (1.0,) else [])]
        lexicons = [(), *([tuple(args.lexicon)] if args.lexicon else [])]
        for lexicon in lexicons:
            for at, deskew in readings:
                options = [*([args.widths] if at != (1.0,) else []), *(["deskew"] if deskew else []), *(["lexicon"] if lexicon else [])]
                name = label if not options else f"{label} @{'+'.join(options)}"
                results[name] = score_real(model, sets, model.parent / "real", at, deskew, lexicon)
        print(f"[{label}] done in {(time.perf_counter() - started) / 60:.1f} minutes", flush=True)

    print()
    print(f"{args.model}, {args.steps:,} steps of 64 (the demo's schedule), {args.count:,} samples per recipe; "
          "benchmark convention (a-z0-9, caseless), 95% Wilson interval")
    width = max(24, *(len(label) + 1 for label in results))
    print(f"{'recipe':<{width}}" + "".join(f"{name:>30}" for name in sets))
    for label, scores in results.items():
        cells = []
        for name in sets:
            s = scores[name]
            low, high = wilson_interval(correct(s), int(s["samples"]))
            cells.append(f"{100 * s['benchmark']:6.1f}% ({100 * low:4.1f}-{100 * high:4.1f}) CER {s['cer']:.3f}")
        print(f"{label:<{width}}" + "".join(f"{c:>30}" for c in cells))
    labels = [label for label in results if "@" not in label]  # the ratio compares recipes at one width
    if len(labels) >= 2:
        a, b = labels[0], labels[1]
        ratios = []
        for name in sets:
            denominator = results[b][name]["benchmark"]
            ratios.append(f"{name} {results[a][name]['benchmark'] / denominator:.2f}x" if denominator else f"{name} n/a ({b} read none)")
        print(f"ratio {a} / {b}: " + ", ".join(ratios))
    out = args.work / f"bench_real-{args.steps}.json"
    out.write_text(json.dumps({"model": args.model, "steps": args.steps, "count": args.count, "results": results}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
