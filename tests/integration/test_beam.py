"""`synthocr generate --runner beam` (DirectRunner) writes the same bytes as the local pool."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthocr.cli import app

from .generate_fixtures import make_recipe, read_tree

pytest.importorskip("apache_beam", reason="Apache Beam is not installed (extra synthocr[beam])")
runner = CliRunner()


def test_beam_direct_runner_equals_the_local_runner(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 30, "val": 10, "test": 0})
    local, beam = tmp_path / "local", tmp_path / "beam"
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(local), "--workers", "2"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(beam), "--runner", "beam",
                                 "--beam-option", "runner=DirectRunner"])
    assert result.exit_code == 0, result.output
    local_files, beam_files = read_tree(local), read_tree(beam)
    assert len(local_files) == 3 + 1 + 2 + 1 + 2  # shards, val shard, manifests, synthocr_info, TFDS dataset_info + features
    assert local_files == beam_files


def test_a_malformed_beam_option_is_one_line(tmp_path: Path) -> None:
    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "o"), "--runner", "beam",
                                 "--beam-option", "DirectRunner"])
    assert result.exit_code == 2
    assert "--beam-option 'DirectRunner': expected K=V" in result.output


def test_remote_paths_go_through_tensorflow_file_api(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    from synthocr.dataset.generate import GenerateOptions, generate
    from synthocr.recipe import load_recipe

    recipe = load_recipe(make_recipe(tmp_path / "r", splits={"train": 20, "val": 0, "test": 0}))
    generate(recipe, GenerateOptions(out_dir=tmp_path / "local", workers=1))
    remote = f"ram://synthocr-test-{tmp_path.name}/data"  # TensorFlow's in-memory file system
    generate(recipe, GenerateOptions(out_dir=remote, workers=1))
    local_files = read_tree(tmp_path / "local")
    remote_files = {name: tf.io.gfile.GFile(f"{remote}/{name}", "rb").read() for name in tf.io.gfile.listdir(remote)}
    assert remote_files == local_files


def test_beam_switches_pass_as_bare_flags_and_an_empty_name_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("apache_beam")
    from apache_beam.options.pipeline_options import PipelineOptions, SetupOptions, StandardOptions

    from synthocr.cli.generate_cmd import beam_arguments

    arguments = beam_arguments(["runner=DirectRunner", "save_main_session=true", "streaming=False"])
    assert arguments == ["--runner=DirectRunner", "--save_main_session"]
    options = PipelineOptions(arguments)
    assert options.view_as(SetupOptions).save_main_session is True
    assert options.view_as(StandardOptions).streaming is False

    recipe = make_recipe(tmp_path / "r", splits={"train": 10, "val": 0, "test": 0})
    result = runner.invoke(app, ["generate", str(recipe), "--out", str(tmp_path / "o"), "--runner", "beam",
                                 "--beam-option", "=DirectRunner"])
    assert result.exit_code == 2
    assert "--beam-option '=DirectRunner': the option name before '=' is empty" in result.output
    assert not (tmp_path / "o").exists()
