"""Where a run trains: its devices, the strategy (TensorFlow) or distribution (JAX) over them, each host's shards.

One machine, several devices:
- TensorFlow: `tf.distribute.MirroredStrategy` over the chosen devices (all GPUs by default).
- JAX: `keras.distribution.DataParallel` over the chosen devices (all of `jax.devices()` by default).
Several machines (JAX only; MultiWorkerMirroredStrategy does not work with Keras 3, keras#20585):
every host runs the same `train()` after `keras.distribution.initialize(...)`; the devices are then
those of every host, each host reads its own share of the shards (`host_shards`) and feeds its
share of the global batch.

The batch in the config is always the global batch: one optimiser step sees `batch_size` samples
in all, split evenly over the devices.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from synthocr.errors import UserError

T = TypeVar("T")
_DEVICE = re.compile(r"^/?(?:device:)?(cpu|gpu|tpu):(\d+)$", re.IGNORECASE)


def parse_device(name: str) -> tuple[str, int]:
    """'gpu:1', '/GPU:1', '/device:GPU:1' -> ('gpu', 1); a UserError for anything else.

    >>> parse_device("/device:GPU:1"), parse_device("cpu:0")
    (('gpu', 1), ('cpu', 0))
    """
    match = _DEVICE.match(name.strip())
    if match is None:
        raise UserError(f"devices {name!r}: expected a device such as gpu:0, /gpu:1 or cpu:0", params=("devices",))
    return match.group(1).lower(), int(match.group(2))


def host_shards(files: Sequence[T], process_index: int, process_count: int) -> list[T]:
    """The shards one host reads: every `process_count`-th file, starting at its `process_index`.

    Sorted shard names make the split the same on every host without talking to each other;
    a host gets no file when there are fewer files than hosts (the caller then splits records).

    >>> host_shards(["a", "b", "c", "d", "e"], 1, 2)
    ['b', 'd']
    """
    if not 0 <= process_index < process_count:
        raise ValueError(f"process {process_index} of {process_count}")
    return list(files[process_index::process_count])


@dataclass(frozen=True)
class Placement:
    """The devices of a run and how the work is spread over them and over the hosts."""

    backend: str  # "tensorflow" or "jax"
    devices: tuple[str, ...]  # every device that holds a replica, on every host
    kind: str  # what spreads the work: "single device", "MirroredStrategy" or "DataParallel"
    process_index: int = 0
    process_count: int = 1
    strategy: Any = None  # TensorFlow: the tf.distribute strategy
    distribution: Any = None  # JAX: the keras.distribution, or None on one device

    @property
    def replicas(self) -> int:
        return len(self.devices)

    @property
    def is_primary(self) -> bool:
        """The host that writes the run directory (the others write a scratch copy)."""
        return self.process_index == 0

    def host_batch(self, global_batch: int) -> int:
        """Samples this host feeds per step: the global batch over the hosts.

        >>> Placement("jax", ("cpu:0", "cpu:1"), "DataParallel", 1, 2).host_batch(64)
        32
        """
        return global_batch // self.process_count

    def check_batch(self, global_batch: int) -> None:
        """JAX shards a batch in equal parts, so the global batch must be a multiple of the devices.

        TensorFlow splits an uneven batch as evenly as it can, so any batch size works there.
        """
        if self.backend == "jax" and global_batch % self.replicas:
            raise UserError(
                f"batch_size {global_batch}: must be a multiple of the {self.replicas} devices "
                f"({', '.join(self.devices)}) under JAX's DataParallel"
            )

    def describe(self, global_batch: int) -> str:
        """One line for the user, e.g. 'MirroredStrategy over /gpu:0, /gpu:1: global batch 64, 32 per device'."""
        if self.replicas == 1:
            return f"one device ({self.devices[0]}): batch {global_batch}"
        share = global_batch / self.replicas
        per_device = f"{share:g}" if share == int(share) else f"about {share:.1f}"
        hosts = f" on {self.process_count} hosts" if self.process_count > 1 else ""
        return f"{self.kind} over {', '.join(self.devices)}{hosts}: global batch {global_batch}, {per_device} per device"

    def agree(self, values: Sequence[float]) -> list[float]:
        """The primary host's `values` on every host, so that every host takes the same decision.

        Hosts stepping in lock-step must stop at the same step: a host that stopped alone would
        leave the others waiting in the next step's all-reduce. One host: the values unchanged.
        """
        if self.process_count == 1:
            return [float(v) for v in values]
        import numpy as np
        from jax.experimental import multihost_utils

        shared = multihost_utils.broadcast_one_to_all(np.asarray(values, dtype=np.float32))
        return [float(v) for v in np.asarray(shared)]

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Where the model is built, loaded and trained: its variables are placed on every device."""
        if self.strategy is not None:
            with self.strategy.scope():
                yield
        elif self.distribution is not None:
            with self.distribution.scope():
                yield
        else:
            yield


def join_hosts(coordinator_address: str | None, num_hosts: int | None, host_id: int | None) -> None:
    """Joins this process to a multi-host JAX run (keras.distribution.initialize); call it before anything touches JAX."""
    import keras

    params = ("coordinator_address", "num_hosts", "host_id")
    if keras.backend.backend() != "jax":
        raise UserError(
            f"coordinator_address/num_hosts/host_id: training on several hosts needs KERAS_BACKEND=jax "
            f"(the backend is {keras.backend.backend()}; MultiWorkerMirroredStrategy does not work with Keras 3)", params=params,
        )
    if coordinator_address is None or num_hosts is None or host_id is None:
        raise UserError("coordinator_address, num_hosts and host_id: give all three (the same coordinator and count on every host)",
                        params=params)
    if host_id >= num_hosts:
        raise UserError(f"host_id {host_id}: must be below num_hosts {num_hosts}", params=params)
    keras.distribution.initialize(job_addresses=coordinator_address, num_processes=num_hosts, process_id=host_id)


def place(devices: Sequence[str] | None = None) -> Placement:
    """The placement of a run on `devices` (names such as 'gpu:0'), or by default on every accelerator.

    Default: TensorFlow uses every visible GPU (MirroredStrategy when there are several) or the
    CPU; JAX uses every device of `jax.devices()` (DataParallel when there are several, which
    includes the devices of other hosts after `keras.distribution.initialize`).
    """
    import keras

    if devices is not None and not devices:
        raise UserError("devices: name at least one device", params=("devices",))
    if keras.backend.backend() == "jax":
        return _place_jax(devices)
    if keras.backend.backend() == "tensorflow":
        return _place_tensorflow(devices)
    raise UserError(f"KERAS_BACKEND={keras.backend.backend()}: synthocr trains with the tensorflow or jax backend")


def _place_tensorflow(devices: Sequence[str] | None) -> Placement:
    import tensorflow as tf

    available = {parse_device(d.name): d.name for d in tf.config.list_logical_devices() if _DEVICE.match(d.name)}
    if devices is None:
        gpus = sorted(key for key in available if key[0] == "gpu")
        chosen = gpus or [("cpu", 0)]
    else:
        chosen = _unique([parse_device(d) for d in devices])
        missing = [f"{kind}:{index}" for kind, index in chosen if (kind, index) not in available]
        if missing:
            known = ", ".join(f"{k}:{i}" for k, i in sorted(available))
            raise UserError(f"devices: TensorFlow has no {', '.join(missing)} (it sees {known})", params=("devices",))
    names = tuple(f"/{kind}:{index}" for kind, index in chosen)
    if len(names) == 1:
        if devices is None:  # the default strategy: TensorFlow places ops itself, as without any strategy
            return Placement("tensorflow", names, "single device", strategy=tf.distribute.get_strategy())
        return Placement("tensorflow", names, "single device", strategy=tf.distribute.OneDeviceStrategy(names[0]))
    return Placement("tensorflow", names, "MirroredStrategy", strategy=tf.distribute.MirroredStrategy(list(names)))


def _place_jax(devices: Sequence[str] | None) -> Placement:
    import jax
    import keras

    _keep_tensorflow_off_the_gpus()
    available = keras.distribution.list_devices()
    if devices is None:
        names = tuple(available)
    else:
        names = tuple(f"{kind}:{index}" for kind, index in _unique([parse_device(d) for d in devices]))
        missing = [d for d in names if d not in available]
        if missing:
            raise UserError(f"devices: JAX has no {', '.join(missing)} (it sees {', '.join(available)})", params=("devices",))
    index, count = jax.process_index(), jax.process_count()
    if len(names) == 1 and count == 1:
        return Placement("jax", names, "single device")
    # Each host reads its own shards (host_shards), so Keras must not shard the dataset again.
    distribution = keras.distribution.DataParallel(devices=list(names), auto_shard_dataset=False)
    return Placement("jax", names, "DataParallel", index, count, distribution=distribution)


def _keep_tensorflow_off_the_gpus() -> None:
    """Under JAX, TensorFlow only runs tf.data on the CPU; on a GPU it would reserve memory JAX needs."""
    try:
        import tensorflow as tf

        tf.config.set_visible_devices([], "GPU")
    except (ImportError, RuntimeError):  # no TensorFlow, or its runtime has already started: leave it
        pass


def _unique(items: list[T]) -> list[T]:
    return list(dict.fromkeys(items))
