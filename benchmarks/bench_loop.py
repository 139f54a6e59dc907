"""Does one round of the loop help on real words? A baseline and one round at the same steps.

baseline: the recipe (default: recipes/default.yaml), crnn-small for --steps steps (the demo's schedule).
synthetic round (`generate --weights-from`): the baseline's per-font report on its synthetic
    test split re-weights the fonts; a new dataset, a new model, the same steps.
real round (`generate --weights-from-real`): the baseline's predictions on the *steering* half of
    each real set steer the case mix and augmentations; a new dataset, a new model, the same steps.

Each realdev set is cut in two (even lines steer, odd lines measure), so no round is measured on
the words that steered it. Every model is scored on the measuring halves in the benchmark
convention; the difference from the baseline comes with the two-sided p-value of the pooled
two-proportion z-test (synthocr.report.stats; independent samples, so conservative here).

Target (issue 10): the real-aware round raises accuracy on both sets by at least 3 points.

    uv run python benchmarks/bench_loop.py --steps 3000 [--mode both|synthetic|real]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from realbench import REALDEV, correct, dataset_for, realdev_sets, score_real, split_labels, trained  # noqa: E402


def synthetic_round(recipe, model: Path, data: Path, work: Path):  # type: ignore[no-untyped-def]
    """The recipe with font weights from the baseline's per-font report on its synthetic test split."""
    from synthocr.report import build_report
    from synthocr.report.weights import font_weights_from_report
    from synthocr.training.evaluate import EvalRequest, evaluate

    predictions = model.parent / "synthetic-test.parquet"
    evaluate(EvalRequest(model=model, data=data, out=predictions, split="test"))
    report = build_report(predictions, by=("font",), out_dir=model.parent / "report")
    weights = font_weights_from_report(recipe, report.csv_path)
    return recipe.model_copy(update={"fonts": recipe.fonts.model_copy(update={"weights": weights})})


def real_round(recipe, model: Path, steer: dict[str, Path]):  # type: ignore[no-untyped-def]
    """The recipe steered by the baseline's errors on the steering halves (generate --weights-from-real)."""
    from synthocr.report.real_weights import apply_real_adjustment, read_real_predictions, real_adjustment

    scores = score_real(model, steer, model.parent / "steer")
    adjustment = real_adjustment(read_real_predictions([Path(s["predictions"]) for s in scores.values()]))
    for note in adjustment.notes:
        print(f"  real-aware: {note}", flush=True)
    return apply_real_adjustment(recipe, adjustment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, required=True, help="training steps of batch 64, the same for every model")
    parser.add_argument("--recipe", type=Path, default=None, help="baseline recipe (default: recipes/default.yaml)")
    parser.add_argument("--mode", choices=("both", "synthetic", "real"), default="both", help="which rounds to run")
    parser.add_argument("--count", type=int, default=45000, help="samples per dataset (the demo's 45,000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/synthocr-bench-loop"), help="cache of datasets and runs")
    parser.add_argument("--workers", type=int, default=2, help="generation processes")
    parser.add_argument("--realdev", type=Path, default=REALDEV, help="folder holding iiit5k_train/ and ic15_train/")
    args = parser.parse_args()

    from synthocr.paths import bundled
    from synthocr.recipe import load_recipe
    from synthocr.report.stats import two_proportion_p_value

    recipe = load_recipe(args.recipe or bundled("recipes") / "default.yaml")
    args.work.mkdir(parents=True, exist_ok=True)
    halves = {name: split_labels(path, args.work / "realdev") for name, path in realdev_sets(args.realdev).items()}
    steer = {name: pair[0] for name, pair in halves.items()}
    measure = {name: pair[1] for name, pair in halves.items()}

    data = dataset_for(recipe, args.count, args.work, args.workers, "baseline")
    baseline = trained(recipe, data, args.steps, args.work, "baseline")
    rounds = {"baseline": baseline}
    if args.mode in ("both", "synthetic"):
        weighted = synthetic_round(recipe, baseline, data, args.work)
        rounds["synthetic round"] = trained(weighted, dataset_for(weighted, args.count, args.work, args.workers, "synthetic"),
                                            args.steps, args.work, "synthetic")
    if args.mode in ("both", "real"):
        steered = real_round(recipe, baseline, steer)
        rounds["real round"] = trained(steered, dataset_for(steered, args.count, args.work, args.workers, "real"),
                                       args.steps, args.work, "real")
    scores = {label: score_real(model, measure, model.parent / "measure") for label, model in rounds.items()}

    print()
    print(f"crnn-small, {args.steps:,} steps of 64 per model, {args.count:,} samples per dataset; measured on the odd "
          "lines of each set, benchmark convention; p: two-proportion z-test against the baseline")
    base = scores["baseline"]
    print(f"{'model':<18}" + "".join(f"{name:>34}" for name in measure))
    for label, result in scores.items():
        cells = []
        for name in measure:
            s, b = result[name], base[name]
            if label == "baseline":
                cells.append(f"{100 * s['benchmark']:.1f}% of {int(s['samples'])}")
            else:
                p = two_proportion_p_value(correct(s), int(s["samples"]), correct(b), int(b["samples"]))
                cells.append(f"{100 * s['benchmark']:.1f}% ({100 * (s['benchmark'] - b['benchmark']):+.1f} pt, p={p:.2g})")
        print(f"{label:<18}" + "".join(f"{c:>34}" for c in cells))
    out = args.work / f"bench_loop-{args.steps}.json"
    out.write_text(json.dumps({"steps": args.steps, "count": args.count, "scores": scores}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
