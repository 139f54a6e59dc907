"""Generation as an Apache Beam pipeline: the local pool's `write_shard`, mapped over shard tasks.

    beam.Create(tasks) | beam.Map(write_shard)

DirectRunner locally; Dataflow, Flink or Spark on a cluster (docs/scale-out.md). Each Beam worker
builds the shard writer once per recipe and reuses it; the driver then writes the manifests and
`dataset_info.json` from the shard parts, exactly as the local runner does, so the bytes match.

The recipe travels to the workers pickled, with its paths resolved on the launching machine.
Paths into synthocr's own fonts, backgrounds and recipes travel as `synthocr-bundled:NAME/...`
and each worker reads its own installed copy (`portable_recipe` / `local_recipe`); any other
path (your fonts, word lists, MJSynth, labels.tsv) must exist at the same place on every worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthocr.errors import UserError
from synthocr.paths import bundled
from synthocr.recipe import Recipe
from synthocr.sample import FactoryOptions

BUNDLED_PREFIX = "synthocr-bundled:"
BUNDLED_FOLDERS = ("fonts", "backgrounds", "recipes")
_WRITERS: dict[tuple[str, str], Any] = {}


def _to_portable(path: str) -> str:
    if not Path(path).is_absolute():  # 'english', 'trdg:en', gs://...: the same on every machine
        return path
    resolved = Path(path).resolve()
    for name in BUNDLED_FOLDERS:
        root = bundled(name).resolve()
        if resolved == root or root in resolved.parents:
            relative = resolved.relative_to(root).as_posix()
            return f"{BUNDLED_PREFIX}{name}" + (f"/{relative}" if relative != "." else "")
    return path


def _to_local(path: str) -> str:
    if not path.startswith(BUNDLED_PREFIX):
        return path
    name, _, relative = path.removeprefix(BUNDLED_PREFIX).partition("/")
    root = bundled(name)
    return str(root / relative) if relative else str(root)


def _map_paths(recipe: Recipe, convert: Any) -> Recipe:
    """The recipe with `convert` applied to every file or folder path in it."""
    from synthocr.recipe import WordsSource

    text = recipe.text.model_copy(update={"sources": [
        s.model_copy(update={"path": convert(s.path)}) if isinstance(s, WordsSource) else s for s in recipe.text.sources
    ]})
    fonts = recipe.fonts.model_copy(update={"dirs": [convert(d) for d in recipe.fonts.dirs]})
    backgrounds = recipe.backgrounds.model_copy(update={"dirs": [convert(d) for d in recipe.backgrounds.dirs]})
    mix = recipe.mix.model_copy(update={"real": [r.model_copy(update={"path": convert(r.path)}) for r in recipe.mix.real]})
    if mix.mjsynth is not None:
        mix = mix.model_copy(update={"mjsynth": mix.mjsynth.model_copy(update={"path": convert(mix.mjsynth.path)})})
    return recipe.model_copy(update={"text": text, "fonts": fonts, "backgrounds": backgrounds, "mix": mix})


def portable_recipe(recipe: Recipe) -> Recipe:
    """The recipe as it is shipped to workers: paths into synthocr's bundled folders made relative to them.

    >>> from synthocr.recipe import recipe_from_dict
    >>> recipe = recipe_from_dict({"text": {"sources": [{"path": "english"}]}}, base_dir=bundled("recipes"))
    >>> portable_recipe(recipe).fonts.dirs
    ['synthocr-bundled:fonts']
    """
    return _map_paths(recipe, _to_portable)


def local_recipe(recipe: Recipe) -> Recipe:
    """On a worker: `synthocr-bundled:` paths pointed at this installation's bundled folders."""
    return _map_paths(recipe, _to_local)


def _writer(recipe: Recipe, out_dir: str, options: FactoryOptions) -> Any:
    from synthocr.generate import ShardWriter

    key = (recipe.digest() + repr(options), out_dir)
    if key not in _WRITERS:
        _WRITERS[key] = ShardWriter(local_recipe(recipe), out_dir, options)
    return _WRITERS[key]


def write_shard(element: tuple[Any, Any], recipe: Recipe, out_dir: str, options: FactoryOptions) -> dict[str, Any]:
    """One Beam element, (shard task, its mix): writes the shard and its part; returns a summary."""
    task, mix = element
    result = _writer(recipe, out_dir, options).write_shard(task, mix)
    return {"split": task.split, "shard": task.index, "samples": result.samples}


def run_beam(recipe: Recipe, out_dir: str, tasks: list[tuple[Any, Any]], options: FactoryOptions, beam_args: list[str]) -> None:
    """Runs the shard tasks through Beam; blocks until the pipeline finishes."""
    try:
        import apache_beam as beam
        from apache_beam.options.pipeline_options import PipelineOptions
    except ImportError:
        raise UserError("--runner beam needs Apache Beam: install synthocr[beam] (uv sync --extra beam)") from None
    if not tasks:
        return
    try:
        pipeline_options = PipelineOptions(beam_args)
    except SystemExit:  # Beam's argparse exits on a malformed option
        raise UserError(f"--beam-option: not valid Beam pipeline options: {' '.join(beam_args)}") from None
    with beam.Pipeline(options=pipeline_options) as pipeline:
        (
            pipeline
            | "Shards" >> beam.Create(tasks, reshuffle=True)
            | "WriteShard" >> beam.Map(write_shard, portable_recipe(recipe), out_dir, options)
        )
