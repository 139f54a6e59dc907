"""report/stats.py: the Wilson interval and the two-proportion z-test on known values."""

from __future__ import annotations

import doctest
import math

import pytest

from synthocr.report import stats
from synthocr.report.stats import two_proportion_p_value, wilson_interval


def test_doctests() -> None:
    result = doctest.testmod(stats)
    assert result.failed == 0 and result.attempted > 0


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson_interval(0, 10)[0] == 0.0 and round(wilson_interval(0, 10)[1], 3) == 0.278
    assert wilson_interval(10, 10)[1] == 1.0 and round(wilson_interval(10, 10)[0], 3) == 0.722
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_two_proportion_test_known_values() -> None:
    assert two_proportion_p_value(45, 50, 30, 50) == pytest.approx(0.000532, abs=2e-6)  # z = 3.464
    assert two_proportion_p_value(50, 100, 50, 100) == pytest.approx(1.0)
    assert math.isnan(two_proportion_p_value(1, 1, 0, 0))
