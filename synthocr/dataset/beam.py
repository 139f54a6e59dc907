"""Generation as an Apache Beam pipeline: the local pool's `write_shard`, mapped over shard tasks.

    beam.Create(tasks) | beam.Map(write_shard)

DirectRunner locally; Dataflow, Flink or Spark on a cluster (docs/scale-out.md). Each Beam worker
builds the shard writer once per recipe and reuses it; the driver then writes the manifests and
`synthocr_info.json` from the shard parts, exactly as the local runner does, so the bytes match.

The recipe travels to the workers pickled, with its paths resolved on the launching machine.
Paths into synthocr's own fonts, backgrounds and recipes travel as `synthocr-bundled:NAME/...`
and each worker reads its own installed copy (`portable_recipe` / `local_recipe`); any other
path (your fonts, word lists, MJSynth, labels.tsv) must exist at the same place on every worker.
"""

from __future__ import annotations

from typing import Any

from synthocr.errors import UserError
from synthocr.recipe import Recipe, local_recipe, portable_recipe
from synthocr.synth.sample import FactoryOptions

_WRITERS: dict[tuple[str, str], Any] = {}


def _writer(recipe: Recipe, out_dir: str, options: FactoryOptions) -> Any:
    from synthocr.dataset.generate import ShardWriter

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
