"""Intervals of `mathb eval`: Wilson for rates of problems against hand computation, Newcombe's
paired interval against a published example, the paired bootstrap of model − base curves,
and the crossover."""

from __future__ import annotations

import math

import mathb
import numpy as np
import pytest
from mathb.intervals import normal_quantile, paired_difference_interval, wilson_interval
from mathb.setmetrics import (
    ProblemResults,
    crossover_k,
    curves,
    difference_curves,
    set_metrics,
)

Z95 = 1.959963984540054  # the 97.5 % normal quantile


def test_normal_quantile() -> None:
    assert normal_quantile(0.95) == pytest.approx(Z95, abs=1e-12)
    assert normal_quantile(0.99) == pytest.approx(2.5758293035489, abs=1e-12)
    with pytest.raises(mathb.InvalidArgumentError):
        normal_quantile(1.0)


def test_wilson_by_hand() -> None:
    z2 = Z95 * Z95
    # x = n: the upper end is 1, the lower end n / (n + z²); 2/2 is no longer [100, 100].
    assert wilson_interval(2, 2) == (pytest.approx(2 / (2 + z2), abs=1e-12), 1.0)
    assert wilson_interval(2, 2)[0] == pytest.approx(0.342380, abs=1e-6)
    # x = 0: [0, z² / (n + z²)].
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2), abs=1e-12))
    assert wilson_interval(0, 10)[1] == pytest.approx(0.277533, abs=1e-6)
    # 5/10: symmetric about 1/2, half-width z/(n + z²) · √(n/4 + z²/4).
    half = Z95 / (10 + z2) * math.sqrt(25 / 10 + z2 / 4)
    low, high = wilson_interval(5, 10)
    assert (low, high) == (pytest.approx(0.5 - half, abs=1e-12), pytest.approx(0.5 + half))
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)


def test_wilson_never_collapses_and_brackets_the_rate() -> None:
    for total in range(1, 31):
        for count in range(total + 1):
            low, high = wilson_interval(count, total)
            assert 0.0 <= low <= count / total <= high <= 1.0
            assert high - low > 0.05
            wide = wilson_interval(count, total, 0.99)
            assert wide[0] <= low and high <= wide[1]
    with pytest.raises(mathb.InvalidArgumentError, match="3/2"):
        wilson_interval(3, 2)


def test_newcombe_published_example() -> None:
    # Complete response before and after consolidation therapy (Cavo et al. 2012) as given in
    # Fagerland, Lydersen & Laake, "Statistical Analysis of Contingency Tables" (2017), ch. 8:
    # the table 59 6 / 16 80, Newcombe square-and-add: −0.0621 (95 % CI −0.1186 to −0.0046).
    low, high = paired_difference_interval(59, 6, 16, 80)
    assert (round(low, 4), round(high, 4)) == (-0.1186, -0.0046)


def test_newcombe_without_discordant_pairs_by_hand() -> None:
    # All 20 problems solved by both: p₁ = p₂ = 1, l = n/(n + z²), φ = 0 (empty margins), so
    # the interval is ±(1 − l) = ±z²/(n + z²): not the point 0 a Wald interval would give.
    z2 = Z95 * Z95
    low, high = paired_difference_interval(20, 0, 0, 0)
    assert (low, high) == (pytest.approx(-z2 / (20 + z2)), pytest.approx(z2 / (20 + z2)))
    # Swapping the roles of model and base mirrors the interval.
    assert paired_difference_interval(10, 7, 2, 30) == pytest.approx(
        tuple(-x for x in reversed(paired_difference_interval(10, 2, 7, 30)))
    )


def test_set_metrics_uses_wilson_and_newcombe() -> None:
    # The case: 2 base-unsolved problems, both newly solved.
    model = np.array([1, 1, 1, 0], dtype=bool)
    base = np.array([0, 0, 1, 1], dtype=bool)
    out = set_metrics(model, base)
    expansion = out["expansion"]
    assert (expansion["count"], expansion["of"], expansion["rate"]) == (2, 2, 1.0)
    assert expansion["ci"] == [pytest.approx(0.342380, abs=1e-6), 1.0]
    assert out["shrinkage"]["ci"] == pytest.approx(list(wilson_interval(1, 2)))
    assert out["solved"]["model"]["ci"] == pytest.approx(list(wilson_interval(3, 4)))
    change = out["solved_difference"]
    assert change["value"] == pytest.approx((2 - 1) / 4)
    assert change["ci"] == pytest.approx(list(paired_difference_interval(1, 2, 1, 0)))
    alone = set_metrics(model)
    assert set(alone) == {"problems", "model_solved", "solved"}
    assert alone["solved"]["model"]["count"] == 3


def _results(c: list[int], n: int = 8) -> ProblemResults:
    votes = [np.array([0] * ci + [1] * (n - ci), dtype=np.int64) for ci in c]
    return ProblemResults(list(range(len(c))), np.full(len(c), n), np.array(c), votes)


def test_difference_curves_are_paired() -> None:
    # Problems of very different difficulty; the model gets one more correct sample on each.
    # Per problem, pass@1 rises by exactly 1/8, so the paired interval is that point, while
    # the two curves' own bands are wide and overlap.
    base_c = [0, 1, 2, 4, 6, 7, 0, 3, 5, 1]
    base, model = _results(base_c), _results([c + 1 for c in base_c])
    diff = difference_curves(model, base, [1, 2], resamples=300)
    assert diff["k"] == [1, 2]
    assert diff["pass_at_k"]["mean"][0] == pytest.approx(1 / 8)
    assert diff["pass_at_k"]["low"][0] == pytest.approx(1 / 8)
    assert diff["pass_at_k"]["high"][0] == pytest.approx(1 / 8)
    own = curves(model, [1], resamples=300)["pass_at_k"]
    assert own["high"][0] - own["low"][0] > 0.2
    model_2 = curves(model, [2], resamples=1)["pass_at_k"]["mean"][0]
    base_2 = curves(base, [2], resamples=1)["pass_at_k"]["mean"][0]
    assert diff["pass_at_k"]["mean"][1] == pytest.approx(model_2 - base_2)
    assert diff["crossover_k"] is None
    with pytest.raises(mathb.InvalidArgumentError, match="different problems"):
        difference_curves(model, _results([1]), [1])


def test_crossover_k() -> None:
    assert crossover_k([1, 2, 4, 8], [0.1, 0.05, 0.0, -0.02]) == 8
    assert crossover_k([1, 2, 4], [0.0, -0.1, 0.2]) == 4
    assert crossover_k([1, 2, 4], [0.2, 0.1, 1e-15]) is None
    assert crossover_k([], []) is None
    # The model behind at small k and ahead at large k: a dump pair where the base is
    # consistent (4 of 8 right on a few problems) and the model rarely right on many.
    base = _results([4, 4, 0, 0, 0, 0, 0, 0])
    model = _results([1, 1, 1, 1, 1, 1, 0, 0])
    diff = difference_curves(model, base, resamples=10)
    means = diff["pass_at_k"]["mean"]
    assert means[0] < 0 < means[-1]
    assert diff["crossover_k"] == next(k for k, d in zip(diff["k"], means) if d > 0)


def test_a_column_of_zeros_and_ones_gets_the_proportion_interval() -> None:
    # 8 samples per problem: at k = 8 pass@k is 1 on every solved problem and 0 elsewhere, the
    # solved rate; its band is Wilson's, not a bootstrap point, even when all are solved.
    everything = _results([3, 1, 8, 2])
    band = curves(everything, [1, 8], resamples=200)["pass_at_k"]
    assert (band["low"][1], band["high"][1]) == pytest.approx(wilson_interval(4, 4))
    assert band["low"][1] < 1.0
    assert band["low"][0] < band["mean"][0] < band["high"][0]  # fractional: bootstrap
    # The difference of two such columns is a paired table: Newcombe's interval.
    model, base = _results([3, 1, 8, 0, 0]), _results([0, 2, 5, 1, 0])
    diff = difference_curves(model, base, [8], resamples=200)["pass_at_k"]
    assert diff["mean"][0] == pytest.approx(0.0)
    assert (diff["low"][0], diff["high"][0]) == pytest.approx(
        paired_difference_interval(2, 1, 1, 1)
    )
