"""The float precision of a run: float32, or mixed float16 on GPUs that compute it fast."""

from __future__ import annotations

from synthocr.training.distribute import Placement


def resolve_precision(precision: str, gpu_capabilities: list[tuple[int, int]]) -> str:
    """'float32' or 'mixed_float16': 'auto' picks mixed on GPUs of compute capability >= 7 only.

    >>> resolve_precision("auto", [(8, 0)]), resolve_precision("auto", []), resolve_precision("mixed", [])
    ('mixed_float16', 'float32', 'mixed_float16')
    """
    if precision == "mixed":
        return "mixed_float16"
    if precision == "auto" and gpu_capabilities and min(gpu_capabilities) >= (7, 0):
        return "mixed_float16"
    return "float32"


def gpu_capabilities(placement: Placement) -> list[tuple[int, int]]:
    """Compute capabilities of the GPUs the run trains on (empty on CPUs)."""
    if not any(d.startswith(("/gpu", "gpu")) for d in placement.devices):
        return []
    if placement.backend == "jax":
        import jax

        gpus = [d for d in jax.local_devices() if d.platform == "gpu"]
        return [tuple(int(x) for x in str(getattr(d, "compute_capability", "0.0")).split(".")[:2]) for d in gpus]
    import tensorflow as tf

    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capabilities.append(tuple(details.get("compute_capability", (0, 0))))
    return capabilities
