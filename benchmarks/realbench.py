"""What bench_real.py and bench_loop.py share: realdev sets, cached datasets and runs, real scores.

Datasets are cached under the work folder by a digest of the recipe and of the files it reads
(fonts, backgrounds, word lists) and by count, runs by dataset and steps: running a benchmark
again reuses what it has (a recipe or a bundled font changed in any way that changes the bytes
gets a new dataset, and so a new run). Training is `synthocr demo`'s: crnn-small, batches of 64, the
demo's learning rate and warm-up, the cosine schedule ending at the step budget.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALDEV = ROOT.parent / "shared" / "realdev"
REALDEV_SETS = ("iiit5k_train", "ic15_train")


def realdev_sets(root: Path = REALDEV, names: tuple[str, ...] = REALDEV_SETS) -> dict[str, Path]:
    """{name: labels.tsv} of the real development sets; SystemExit naming what is missing."""
    sets = {name: Path(root) / name / "labels.tsv" for name in names}
    missing = [str(p) for p in sets.values() if not p.is_file()]
    if missing:
        raise SystemExit(f"real development sets not found: {', '.join(missing)} (--realdev DIR)")
    return sets


def split_labels(labels: Path, out_dir: Path) -> tuple[Path, Path]:
    """(steer, measure): the even and the odd lines of a labels.tsv, each a folder with a copy of
    its images (labels.tsv paths stay inside their folder), so that a loop steered by one half
    is measured on the other."""
    import shutil

    lines = [line for line in labels.read_text(encoding="utf-8").splitlines() if "\t" in line]
    halves = []
    for name, part in (("steer", lines[0::2]), ("measure", lines[1::2])):
        folder = out_dir / f"{labels.parent.name}-{name}"
        folder.mkdir(parents=True, exist_ok=True)
        for line in part:
            rel = line.split("\t", 1)[0]
            target = folder / rel
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(labels.parent / rel, target)
        (folder / "labels.tsv").write_text("\n".join(part) + "\n", encoding="utf-8")
        halves.append(folder / "labels.tsv")
    return halves[0], halves[1]


def with_demo_splits(recipe: Any, count: int) -> Any:
    from synthocr.demo import demo_splits

    return recipe.model_copy(update={"splits": recipe.splits.model_copy(update=demo_splits(count))})


def data_digest(recipe: Any) -> str:
    """Ten hex digits that change with the recipe's bytes or with any file it reads: the recipe's
    own digest covers the paths, not what lies at them (a font added to fonts/)."""
    import hashlib

    from synthocr.dataset.run_info import input_digests

    text = json.dumps([recipe.digest(), input_digests(recipe)], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def dataset_for(recipe: Any, count: int, work: Path, workers: int, label: str) -> Path:
    """The dataset of `recipe` with the demo's splits of `count`, generated once under `work`."""
    from synthocr.dataset.generate import GenerateOptions, generate

    recipe = with_demo_splits(recipe, count)
    digest = data_digest(recipe)
    out = work / f"data-{label}-{digest}-{count}"
    same = sorted(work.glob(f"data-*-{digest}-{count}"))  # the same data under another recipe file's name
    if not out.exists() and same:
        out = same[0]
    resume = out.is_dir() and any(out.iterdir())
    print(f"[{label}] dataset {out} ({'reused' if resume else 'generating'} {count:,} samples)", flush=True)
    generate(recipe, GenerateOptions(out_dir=out, count=None, workers=workers, resume=resume))
    return out


def trained(recipe: Any, data: Path, steps: int, work: Path, label: str, model: str | None = None) -> Path:
    """model.keras trained for `steps` steps on `data` with the demo's schedule (reused if done); `model`
    replaces the demo's crnn-small (the same schedule, another architecture)."""
    from synthocr.demo import _train_config
    from synthocr.training.train import TrainData, TrainRequest, train

    config = _train_config(recipe)
    if model is not None:
        config = config.with_overrides(where="--model", model=model)
    run = work / f"run-{data.name}-{steps}{_train_suffix(config)}"
    if (run / "model.keras").is_file():
        print(f"[{label}] run {run} (reused)", flush=True)
        return run / "model.keras"
    print(f"[{label}] training {config.model} for {steps} steps into {run}", flush=True)
    resume = (run / "checkpoints" / "last.keras").is_file()
    result = train(TrainRequest(config=config, data=(TrainData(data),), run_dir=run, max_steps=steps,
                                schedule_steps=steps, epochs_limited=False, resume=resume, verbose=2),
                   on_message=lambda m: print(f"  {m}", flush=True))
    return result.model_path


def _train_suffix(config: Any) -> str:
    """'' for the demo's training; else a short hash of what the recipe's train: section changed,
    so recipes that differ only there share their dataset but not their run."""
    import hashlib
    from types import SimpleNamespace

    from synthocr.demo import _train_config
    from synthocr.training.config import TrainConfig

    demo = _train_config(SimpleNamespace(train_config=TrainConfig())).model_dump()  # a recipe without train:
    changed = {k: v for k, v in config.model_dump().items() if v != demo[k]}
    if not changed:
        return ""
    return "-t" + hashlib.sha256(json.dumps(changed, sort_keys=True).encode()).hexdigest()[:8]


def score_real(model: Path, sets: dict[str, Path], out_dir: Path, widths: tuple[float, ...] = (1.0,),
               deskew: bool = False, lexicon: tuple[str, ...] = ()) -> dict[str, dict[str, float]]:
    """{set: summary} of the model on each real set (predictions.parquet kept under out_dir), read at `widths`
    (and turned upright with `deskew`, corrected with the word lists of `lexicon`)."""
    from synthocr.training.evaluate import EvalRequest, evaluate

    scores = {}
    suffix = ("" if widths == (1.0,) else "-w" + "_".join(f"{w:g}" for w in widths)) + ("-deskew" if deskew else "") + ("-lexicon" if lexicon else "")
    for name, labels in sets.items():
        out = out_dir / f"predictions-{name}{suffix}.parquet"
        result = evaluate(EvalRequest(model=model, data=labels, out=out, allow_charset_mismatch=True, widths=widths,
                                      deskew=deskew, lexicon=lexicon))
        scores[name] = {**result.summary, "predictions": str(out)}
    return scores


def correct(summary: dict[str, float]) -> int:
    """Words read right under the benchmark convention."""
    return round(summary["benchmark"] * summary["samples"])
