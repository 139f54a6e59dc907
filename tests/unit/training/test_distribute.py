"""Device names, each host's shards and the global batch of synthocr.training.distribute (no devices needed)."""

from __future__ import annotations

import pytest

from synthocr.errors import UserError
from synthocr.training.distribute import Placement, host_shards, parse_device


@pytest.mark.parametrize(
    ("name", "expected"),
    [("gpu:0", ("gpu", 0)), ("/gpu:1", ("gpu", 1)), ("/device:GPU:3", ("gpu", 3)), ("CPU:1", ("cpu", 1)), (" tpu:7 ", ("tpu", 7))],
)
def test_device_names_in_any_spelling(name: str, expected: tuple[str, int]) -> None:
    assert parse_device(name) == expected


@pytest.mark.parametrize("name", ["gpu", "gpu0", "/job:worker/gpu:0", "xpu:0", ""])
def test_a_bad_device_name_is_a_user_error_naming_the_parameter(name: str) -> None:
    with pytest.raises(UserError, match=r"^devices ") as caught:
        parse_device(name)
    assert caught.value.params == ("devices",)
    assert caught.value.spelled({"devices": "--devices"}).startswith(f"--devices {name!r}: expected a device")


def test_join_hosts_names_its_parameters_and_the_cli_spells_them_as_flags() -> None:
    import keras

    from synthocr.cli import FLAG_NAMES
    from synthocr.training.distribute import join_hosts

    with pytest.raises(UserError) as caught:  # a missing count fails before anything is joined, on any backend
        join_hosts("h:1", None, 0)
    if keras.backend.backend() == "jax":
        assert str(caught.value).startswith("coordinator_address, num_hosts and host_id: give all three (the same coordinator")
        assert caught.value.spelled(FLAG_NAMES).startswith("--coordinator, --num-hosts and --host-id: give all three (the same coordinator")
    else:
        assert str(caught.value).startswith("coordinator_address/num_hosts/host_id: training on several hosts needs KERAS_BACKEND=jax")
        assert caught.value.spelled(FLAG_NAMES).startswith("--coordinator/--num-hosts/--host-id: training on several hosts")


@pytest.mark.parametrize("hosts", [1, 2, 3, 4, 7])
def test_hosts_split_the_shards_without_overlap_or_loss(hosts: int) -> None:
    files = [f"tiny-train.tfrecord-{i:05d}-of-00010" for i in range(10)]
    shares = [host_shards(files, index, hosts) for index in range(hosts)]
    assert sorted(f for share in shares for f in share) == files
    assert max(map(len, shares)) - min(map(len, shares)) <= 1
    assert shares[0][0] == files[0]


def test_each_host_takes_every_nth_shard() -> None:
    files = list("abcdefg")
    assert host_shards(files, 0, 3) == ["a", "d", "g"]
    assert host_shards(files, 2, 3) == ["c", "f"]
    assert host_shards(files[:1], 1, 2) == []  # fewer shards than hosts: train() splits the records
    with pytest.raises(ValueError):
        host_shards(files, 2, 2)


def test_the_batch_is_global() -> None:
    assert Placement("tensorflow", ("/cpu:0",), "single device").describe(64) == "one device (/cpu:0): batch 64"
    two_gpus = Placement("tensorflow", ("/gpu:0", "/gpu:1"), "MirroredStrategy")
    assert two_gpus.host_batch(64) == 64
    assert two_gpus.describe(64) == "MirroredStrategy over /gpu:0, /gpu:1: global batch 64, 32 per device"
    assert "about 21.3 per device" in Placement("tensorflow", ("/gpu:0", "/gpu:1", "/gpu:2"), "MirroredStrategy").describe(64)
    two_hosts = Placement("jax", ("gpu:0", "gpu:1", "gpu:2", "gpu:3"), "DataParallel", process_index=1, process_count=2)
    assert two_hosts.host_batch(64) == 32
    assert not two_hosts.is_primary
    assert two_hosts.describe(64).endswith("on 2 hosts: global batch 64, 16 per device")


def test_jax_needs_a_batch_that_splits_evenly() -> None:
    Placement("tensorflow", ("/gpu:0", "/gpu:1", "/gpu:2"), "MirroredStrategy").check_batch(64)  # TF splits unevenly
    Placement("jax", ("gpu:0", "gpu:1"), "DataParallel").check_batch(64)
    with pytest.raises(UserError, match="batch_size 64: must be a multiple of the 3 devices"):
        Placement("jax", ("gpu:0", "gpu:1", "gpu:2"), "DataParallel").check_batch(64)


def test_one_host_agrees_with_itself() -> None:
    assert Placement("tensorflow", ("/cpu:0",), "single device").agree([0.25, 1.0]) == [0.25, 1.0]
