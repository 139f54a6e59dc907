"""Interval and test for word accuracy: the Wilson score interval and the two-proportion z-test.

Both use the normal approximation at 95% (z = 1.959964); no SciPy, `math.erfc` gives the tail.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054
ALPHA = 0.05


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default); (0, 1) when there are no trials.

    Unlike the normal interval it stays inside [0, 1] and is not empty at 0/n or n/n, which is
    what small per-font groups produce.

    >>> low, high = wilson_interval(8, 10)
    >>> round(low, 3), round(high, 3)
    (0.49, 0.943)
    """
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    low = 0.0 if successes <= 0 else max(0.0, centre - half)  # exact at the ends, not 1 - 1e-16
    high = 1.0 if successes >= trials else min(1.0, centre + half)
    return low, high


def two_proportion_p_value(successes_a: int, trials_a: int, successes_b: int, trials_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of H0: both rates are equal.

    NaN when either side has no trials; 1.0 when the pooled rate is 0 or 1 (nothing differs).

    >>> round(two_proportion_p_value(45, 50, 30, 50), 4)
    0.0005
    >>> two_proportion_p_value(5, 10, 50, 100)
    1.0
    """
    if trials_a <= 0 or trials_b <= 0:
        return math.nan
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    variance = pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b)
    if variance <= 0:
        return 1.0
    z = (successes_a / trials_a - successes_b / trials_b) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))
