"""What a run is started with, written to its run file: `resume=True` goes on only where all of
it is unchanged (the recipe's hash covers its paths; the input digests cover what lies at them)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from synthocr.dataset import storage
from synthocr.recipe import Recipe

RUN_RECIPE_HASH = "recipe_hash"
RUN_SEED = "seed"
RUN_COUNTS = "counts"
RUN_FONT_WEIGHTS = "font_weights"
RUN_INPUTS = "inputs"


def run_info(recipe: Recipe, counts: dict[str, int], font_weights: dict[str, float] | None) -> dict[str, Any]:
    """The run's settings; `with_inputs` adds the digests of its input files."""
    return {RUN_RECIPE_HASH: recipe.digest(), RUN_SEED: recipe.seed, RUN_COUNTS: counts, RUN_FONT_WEIGHTS: font_weights}


def with_inputs(info: dict[str, Any], recipe: Recipe) -> dict[str, Any]:
    """`info` with the digests of every file the recipe reads."""
    return {**info, RUN_INPUTS: input_digests(recipe)}


def _folder_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def input_digests(recipe: Recipe) -> dict[str, str]:
    """A digest of the contents of every file the recipe reads, keyed by where the recipe names it.

    The recipe's hash covers the paths; this covers what lies at them, so a resumed run notices a
    word list, font or background that changed in place. MJSynth and the images of labels.tsv
    files are left out (millions of files); the labels files themselves are in.
    """
    from synthocr.sources.labels_tsv import resolve_labels_file
    from synthocr.synth.fonts import trdg_latin_dir
    from synthocr.synth.text import word_list_path

    digests: dict[str, str] = {}
    for i, source in enumerate(recipe.text.sources):
        path = word_list_path(source.path) if getattr(source, "path", None) else None
        if path is not None and path.is_file():
            digests[f"text.sources[{i}]"] = _folder_digest([path])
    folders = [(f"fonts.dirs[{i}]", d) for i, d in enumerate(recipe.fonts.dirs)]
    folders += [(f"backgrounds.dirs[{i}]", d) for i, d in enumerate(recipe.backgrounds.dirs)]
    if recipe.fonts.trdg_latin:
        folders.append(("fonts.trdg_latin", str(trdg_latin_dir())))
    for key, folder in folders:
        if not storage.is_remote(folder) and Path(folder).is_dir():
            digests[key] = _folder_digest(sorted(p for p in Path(folder).iterdir() if p.is_file()))
    for i, real in enumerate(recipe.mix.real):
        digests[f"mix.real[{i}]"] = _folder_digest([resolve_labels_file(real.path)])
    return digests
