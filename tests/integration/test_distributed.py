"""Training over several devices, on a CPU: MirroredStrategy over two logical CPUs, JAX DataParallel over two
forced host devices, and two JAX hosts (processes on this machine) joined through a local coordinator.

Each runs in its own process: devices are fixed before TensorFlow or JAX starts. None of this
touches a GPU or a second machine; docs/scale-out.md says what that leaves untested.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .train_fixtures import write_dataset, write_recipe

ROOT = Path(__file__).resolve().parents[2]
needs_jax = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed (extra synthocr[jax])")

COMMON = """
import json, math, sys
from pathlib import Path
import keras, numpy as np
from synthocr.errors import UserError
from synthocr.training.config import TrainConfig
from synthocr.training.train import TrainData, TrainRequest, train
root, data = Path(sys.argv[1]), (TrainData(Path(sys.argv[2])),)
config = TrainConfig(model="crnn-small", batch_size=16, epochs=2, learning_rate=5e-3, warmup_steps=4,
                     shuffle_buffer=256, val_samples=16, early_stopping_patience=0)
out = {}
def report(name, result, messages):
    out[name] = {"devices": result.devices, "steps": result.steps, "epochs": result.epochs_done,
                 "history": result.history, "messages": messages}
def reload_and_predict(path):
    model = keras.models.load_model(path, safe_mode=True)
    logits = keras.ops.convert_to_numpy(model(np.zeros((3, 32, 128, 1), np.float32)))
    return list(logits.shape), bool(np.isfinite(logits).all())
"""

TENSORFLOW_MIRRORED = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
""" + COMMON + """
devices = ("cpu:0", "cpu:1")
messages = []
report("first", train(TrainRequest(config, data, root / "run", verbose=0, devices=devices), messages.append), messages)
messages = []
longer = config.with_overrides(epochs=3)
report("resumed", train(TrainRequest(longer, data, root / "run", verbose=0, devices=devices, resume=True), messages.append), messages)
out["reloaded"] = reload_and_predict(root / "run" / "model.keras")
try:
    train(TrainRequest(config, data, root / "other", devices=("cpu:0", "gpu:5")))
except UserError as err:
    out["bad_device"] = str(err)
print("RESULT " + json.dumps(out))
"""

JAX_DATA_PARALLEL = COMMON + """
assert keras.backend.backend() == "jax", keras.backend.backend()
try:
    train(TrainRequest(config.with_overrides(batch_size=15), data, root / "odd"))
except UserError as err:
    out["odd_batch"] = str(err)
messages = []
report("first", train(TrainRequest(config, data, root / "run", verbose=0), messages.append), messages)
out["reloaded"] = reload_and_predict(root / "run" / "model.keras")
print("RESULT " + json.dumps(out))
"""


def _run(script: str, args: list[str], env: dict[str, str], timeout: int) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "", **env}
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _falls(losses: list[float]) -> bool:
    return all(math.isfinite(v) for v in losses) and losses[-1] < 0.7 * losses[0]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mirrored_strategy_over_two_logical_cpus(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 128, "val": 20}, shards=2)
    out = _run(TENSORFLOW_MIRRORED, [str(tmp_path), str(data)], {"KERAS_BACKEND": "tensorflow"}, timeout=240)
    first, resumed = out["first"], out["resumed"]
    assert first["devices"] == 2
    assert first["messages"][0].startswith("MirroredStrategy over /cpu:0, /cpu:1: global batch 16, 8 per device")
    # The batch is global: 128 samples / 16 = 8 steps per epoch on two replicas, as on one device.
    assert (first["epochs"], first["steps"]) == (2, 16)
    assert json.loads((tmp_path / "run" / "config.json").read_text())["steps_per_epoch"] == 8
    assert _falls(first["history"]["loss"]), first["history"]["loss"]
    assert len(first["history"]["val_cer"]) == 2  # the decoded validation ran under the strategy
    assert (resumed["devices"], resumed["epochs"], resumed["steps"]) == (2, 3, 24)
    assert list(resumed["history"]) == list(first["history"])
    with open(tmp_path / "run" / "log.csv", newline="") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2"]
    for name in ("model.keras", "checkpoints/last.keras", "checkpoints/best.keras", "state.json"):
        assert (tmp_path / "run" / name).is_file(), name
    assert out["reloaded"] == [[3, 31, 25], True]  # 24 characters + blank, 31 frames
    assert "TensorFlow has no gpu:5" in out["bad_device"]


@needs_jax
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_jax_data_parallel_over_two_host_devices(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 64, "val": 16}, shards=2)
    env = {"KERAS_BACKEND": "jax", "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    out = _run(JAX_DATA_PARALLEL, [str(tmp_path), str(data)], env, timeout=240)
    assert "batch_size 15: must be a multiple of the 2 devices" in out["odd_batch"]
    first = out["first"]
    assert first["devices"] == 2
    assert first["messages"][0].startswith("DataParallel over cpu:0, cpu:1: global batch 16, 8 per device")
    assert (first["epochs"], first["steps"]) == (2, 8)
    assert _falls(first["history"]["loss"]), first["history"]["loss"]
    assert len(first["history"]["val_cer"]) == 2
    assert out["reloaded"] == [[3, 31, 25], True]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_jax
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_jax_hosts_train_one_model_and_host_0_writes_it(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", {"train": 96, "val": 16}, shards=2)
    recipe = write_recipe(tmp_path / "recipe.yaml")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "", "TMPDIR": str(scratch)}
    port = _free_port()
    hosts = [
        subprocess.Popen(
            [sys.executable, "-m", "synthocr", "train", str(recipe), "--data", str(data), "--out", str(tmp_path / "run"),
             "--epochs", "2", "--coordinator", f"127.0.0.1:{port}", "--num-hosts", "2", "--host-id", str(host)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for host in (0, 1)
    ]
    try:
        outputs = [host.communicate(timeout=240) for host in hosts]
    finally:
        for host in hosts:
            if host.poll() is None:
                host.kill()
    for host, (stdout, stderr) in zip(hosts, outputs):
        assert host.returncode == 0, stderr[-3000:]
    notes = [stderr for _, stderr in outputs]
    assert all("DataParallel over cpu:0, cpu:" in n and "on 2 hosts: global batch 16, 8 per device" in n for n in notes)
    # Both hosts took the same 12 steps (96 samples / 16 per step, 2 epochs), each feeding 8 per step.
    summaries = [stdout.strip().splitlines()[-1] for stdout, _ in outputs]
    assert summaries[0].startswith(f"{tmp_path / 'run' / 'model.keras'}: 2 epochs, 12 steps")
    assert summaries[0] == summaries[1]
    with open(tmp_path / "run" / "log.csv", newline="") as f:
        losses = [float(row["loss"]) for row in csv.DictReader(f)]
    assert _falls(losses), losses
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (config["backend"], config["hosts"], len(config["devices"])) == ("jax", 2, 2)
    assert (tmp_path / "run" / "model.keras").is_file()
    assert list(scratch.iterdir()) == []  # host 1's scratch run directory is gone


def test_device_and_host_mistakes_are_one_line(tmp_path: Path) -> None:
    import keras
    from typer.testing import CliRunner

    from synthocr.cli import app

    data = write_dataset(tmp_path / "data", {"train": 8, "val": 4}, shards=1)
    recipe = write_recipe(tmp_path / "recipe.yaml")
    base = ["train", str(recipe), "--data", str(data), "--out", str(tmp_path / "run")]
    runner = CliRunner()
    cases = {"--devices gpu:7": "has no gpu:7", "--devices gpu": "--devices 'gpu': expected a device such as gpu:0"}
    if keras.backend.backend() == "tensorflow":  # under JAX this would really try to join a coordinator
        cases["--coordinator 127.0.0.1:1 --num-hosts 2 --host-id 0"] = "training on several hosts needs KERAS_BACKEND=jax"
    for flags, message in cases.items():
        result = runner.invoke(app, base + flags.split())
        assert result.exit_code == 2 and message in result.output, (flags, result.output)
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_hosts_sharing_one_shard_split_its_records(tmp_path: Path) -> None:
    from synthocr.dataset import list_shards
    from synthocr.training.charset import Charset
    from synthocr.training.pipeline import ImageSpec, SkipCounter, WeightedSource, training_dataset

    from .train_fixtures import CHARSET, WORDS

    data = write_dataset(tmp_path / "data", {"train": 20}, shards=1)  # 20 records, the 20 different words
    files = tuple(str(p) for p in list_shards(data, "train"))
    charset = Charset(CHARSET)
    seen = []
    for host in (0, 1):
        source = WeightedSource(files, records_share=(host, 2))
        batches = training_dataset([source], charset, ImageSpec(), 1, shuffle_buffer=4, seed=0, skips=SkipCounter())
        # Three passes: parallel decoding may reorder records across a pass boundary, so the
        # words are compared as sets over several passes rather than one pass by position.
        seen.append({charset.decode(labels[0].numpy()) for _, labels in batches.take(30)})
    assert len(seen[0]) == len(seen[1]) == 10  # each host reads its own half, and only that
    assert seen[0].isdisjoint(seen[1]) and seen[0] | seen[1] == set(WORDS)
