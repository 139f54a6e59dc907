"""A Beam worker whose synthocr is installed elsewhere than the launcher's still finds the bundled fonts and backgrounds.

The launcher and the worker are two copies of the package laid out as the wheel installs it
(`synthocr/_bundled/{fonts,backgrounds,recipes}`); the launcher's copy is deleted before the
worker runs, as on Dataflow, where the launching machine's paths do not exist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from synthocr.dataset.generate import plan_shards
from synthocr.dataset.shards import ShardWriter
from synthocr.recipe import load_recipe

ROOT = Path(__file__).resolve().parents[2]

LAUNCHER = """
import pickle, sys
import synthocr
from synthocr.recipe import portable_recipe
from synthocr.dataset.generate import plan_shards
from synthocr.paths import bundled
from synthocr.recipe import load_recipe
assert synthocr.__file__.startswith(sys.argv[1]), synthocr.__file__
recipe = load_recipe(bundled("recipes") / "default.yaml")
assert recipe.fonts.dirs == [str(bundled("fonts"))], recipe.fonts.dirs
task = plan_shards({"train": 6}, 6)[0]
with open(sys.argv[2], "wb") as f:
    pickle.dump((recipe, portable_recipe(recipe), task), f)
"""

WORKER = """
import pickle, sys
import synthocr
from synthocr.dataset.runners import BeamShardJob
from synthocr.dataset.shards import WriterSpec
from synthocr.errors import UserError
from synthocr.synth.sample import FactoryOptions
assert synthocr.__file__.startswith(sys.argv[1]), synthocr.__file__
with open(sys.argv[2], "rb") as f:
    as_launched, shipped, task = pickle.load(f)
try:
    BeamShardJob(WriterSpec(as_launched, sys.argv[3] + "-unported", FactoryOptions(), portable=True))((task, None))
except UserError as err:
    print("UNPORTED", err)
print("WROTE", BeamShardJob(WriterSpec(shipped, sys.argv[3], FactoryOptions(), portable=True))((task, None)))
"""


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # no 30 MB copy where the file system allows it
    except OSError:
        shutil.copy2(source, target)


def _install(site: Path) -> Path:
    """synthocr copied into `site` with the wheel's `_bundled` folders (real files: a symlink would resolve back here)."""
    package = site / "synthocr"
    shutil.copytree(ROOT / "synthocr", package, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    for name in ("fonts", "backgrounds", "recipes"):
        shutil.copytree(ROOT / name, package / "_bundled" / name, copy_function=_link_or_copy)
    return site


def _python(site: Path, script: str, *args: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", script, str(site), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_worker_installed_elsewhere_writes_the_same_shard(tmp_path: Path) -> None:
    launcher, worker = _install(tmp_path / "launcher-site"), _install(tmp_path / "worker-site")
    job = tmp_path / "job.pickle"
    _python(launcher, LAUNCHER, str(job), cwd=tmp_path)
    shutil.rmtree(launcher)  # the workers never see the launching machine's files

    out = tmp_path / "worker-out"
    out.mkdir()
    (out / ".parts").mkdir()
    (tmp_path / "worker-out-unported" / ".parts").mkdir(parents=True)
    printed = _python(worker, WORKER, str(job), str(out), cwd=tmp_path)
    # Without the fix the pickled recipe points at the launcher's fonts, which are gone:
    assert "UNPORTED" in printed and f"directory not found: {launcher}" in printed
    assert "WROTE {'split': 'train', 'shard': 0, 'samples': 6}" in printed

    local = tmp_path / "local-out"
    (local / ".parts").mkdir(parents=True)
    recipe = load_recipe(ROOT / "recipes" / "default.yaml")
    ShardWriter(recipe, local).write_shard(plan_shards({"train": 6}, 6)[0])
    shard = "default-train.tfrecord-00000-of-00001"
    assert (out / shard).read_bytes() == (local / shard).read_bytes()
