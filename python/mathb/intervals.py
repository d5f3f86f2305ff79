"""Confidence intervals for proportions of problems: the Wilson score interval of one rate and
Newcombe's paired interval for the difference of two rates measured on the same problems.

Wilson rather than Clopper–Pearson: both stay inside [0, 1] and never shrink to a point (the
percentile bootstrap gives `2/2 → [100 %, 100 %]`), but Clopper–Pearson is conservative — its
coverage is above the nominal level, often far above for the small counts of a topic or a
subset — and needs beta quantiles (scipy), while Wilson's coverage is close to nominal on
average and its closed form needs only the normal quantile of the standard library.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from . import InvalidArgumentError


def normal_quantile(level: float) -> float:
    """z with P(|Z| ≤ z) = level for a standard normal Z (1.959964… at 0.95)."""
    if not 0.0 < level < 1.0:
        raise InvalidArgumentError(f"level must lie in (0, 1), got {level}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(count: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of the rate count / total (Wilson 1927, no continuity correction).

    With z the normal quantile: centre (x + z²/2) / (n + z²), half-width
    z / (n + z²) · √(x(n − x)/n + z²/4). At x = n the upper end is 1 and the lower end is
    n / (n + z²): 2/2 at 95 % gives [34.24 %, 100 %].
    """
    if total < 1 or not 0 <= count <= total:
        raise InvalidArgumentError(
            f"a rate needs 0 ≤ count ≤ total and total ≥ 1, got {count}/{total}"
        )
    z = normal_quantile(level)
    z2 = z * z
    centre = (count + z2 / 2) / (total + z2)
    half = z / (total + z2) * math.sqrt(count * (total - count) / total + z2 / 4)
    # At 0 and n the formula gives 0 and 1 up to rounding; say so exactly.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == total else min(1.0, centre + half)
    return low, high


def paired_difference_interval(
    both: int, first_only: int, second_only: int, neither: int, level: float = 0.95
) -> tuple[float, float]:
    """Interval for p₁ − p₂, the difference of two rates measured on the same items (a paired
    2 × 2 table: both succeed, only the first, only the second, neither).

    Newcombe (1998, Statistics in Medicine 17:2635, method 10): the Wilson intervals
    (l₁, u₁), (l₂, u₂) of the two marginal rates are combined by "square and add", corrected
    for the correlation φ of the pairing:
    L = D − √((p₁ − l₁)² − 2φ(p₁ − l₁)(u₂ − p₂) + (u₂ − p₂)²),
    U = D + √((p₂ − l₂)² − 2φ(p₂ − l₂)(u₁ − p₁) + (u₁ − p₁)²),
    with φ = (ad − bc) / √(product of the four margins), its numerator continuity-corrected:
    ad − bc − N/2 when above N/2, 0 between 0 and N/2, unchanged below 0; φ = 0 when a margin
    is empty. Like Wilson it never collapses to a point and stays in [−1, 1].
    """
    cells = (both, first_only, second_only, neither)
    if any(c < 0 for c in cells) or sum(cells) < 1:
        raise InvalidArgumentError(f"a paired table needs non-negative cells, not all 0: {cells}")
    n = sum(cells)
    first, second = both + first_only, both + second_only
    p1, p2 = first / n, second / n
    l1, u1 = wilson_interval(first, n, level)
    l2, u2 = wilson_interval(second, n, level)
    margins = first * (n - first) * second * (n - second)
    phi = 0.0
    if margins:
        cross = both * neither - first_only * second_only
        if cross > n / 2:
            phi = (cross - n / 2) / math.sqrt(margins)
        elif cross < 0:
            phi = cross / math.sqrt(margins)
    d1, e1 = p1 - l1, u1 - p1
    d2, e2 = p2 - l2, u2 - p2
    low = p1 - p2 - math.sqrt(max(0.0, d1 * d1 - 2 * phi * d1 * e2 + e2 * e2))
    high = p1 - p2 + math.sqrt(max(0.0, d2 * d2 - 2 * phi * d2 * e1 + e1 * e1))
    return max(-1.0, low), min(1.0, high)


__all__ = ["normal_quantile", "paired_difference_interval", "wilson_interval"]
