"""The precision a run trains in."""

from __future__ import annotations

import pytest

from synthocr.training.distribute import Placement
from synthocr.training.precision import gpu_capabilities, resolve_precision


@pytest.mark.parametrize(("asked", "gpus", "resolved"), [
    ("auto", [(8, 0), (9, 0)], "mixed_float16"), ("auto", [(6, 1), (8, 0)], "float32"), ("auto", [], "float32"),
    ("float32", [(9, 0)], "float32"), ("mixed", [], "mixed_float16"),
])
def test_auto_is_mixed_only_on_gpus_of_capability_7_or_more(asked: str, gpus: list[tuple[int, int]], resolved: str) -> None:
    assert resolve_precision(asked, gpus) == resolved


def test_a_cpu_run_has_no_gpu_capabilities() -> None:
    assert gpu_capabilities(Placement("tensorflow", ("/cpu:0",), "single device")) == []
