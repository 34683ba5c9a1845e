"""Robustness estimates against exact values worked out in the tests.

Each scenario is small enough that the chance of a deal is known exactly, by a formula or by
integrating over a fine grid of its uncertain values; the estimate must lie within four
standard errors of it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from guarantees.model import loads
from guarantees.model.robustness.analyse import robustness
from guarantees.model.robustness.results import Estimate

ONE_BOUND = """\
format: guarantees/1
id: one-bound
title: One uncertain bound
options:
  patrols: {label: Patrols, deterrence: 0.3}
actors:
  ukraine:
    name: Ukraine
    constraints:
      - id: floor
        limit: {deterrence: {min: [0.2, 0.5]}}
"""


def _within(estimate: Estimate, exact: float) -> None:
    se = math.sqrt(exact * (1 - exact) / estimate.draws)
    assert abs(estimate.share - exact) <= 4 * se, (estimate.share, exact, se)


def test_one_uncertain_bound_gives_the_exact_chance() -> None:
    """A deal exactly when the floor is at most 0.3: P = (0.3 - 0.2) / (0.5 - 0.2)."""
    result = robustness(loads(ONE_BOUND), samples=4000, seed=11)
    _within(result.deal, 1 / 3)
    assert [p.options for p in result.packages] == [("patrols",)]
    assert result.packages[0].chance == result.deal
    # At the best guess (the median, 0.35) the floor is above 0.3: no deal, and indeed the
    # deal holds in fewer than half of the draws.
    assert result.deal.share < 0.5


def test_two_uncertain_values_match_a_grid_integral() -> None:
    """P(value >= floor) for a triangular value and a beta floor, integrated on a grid."""
    text = ONE_BOUND.replace("deterrence: 0.3}", "deterrence: {triangular: [0.1, 0.3, 0.6]}}")
    text = text.replace("min: [0.2, 0.5]", "min: {beta: [4, 6]}")
    result = robustness(loads(text), samples=6000, seed=5)
    value = stats.triang(c=0.4, loc=0.1, scale=0.5)
    floor = stats.beta(4, 6)
    grid = np.linspace(0, 1, 20001)
    density = value.pdf(grid)
    exact = float(np.trapezoid(density * floor.cdf(grid), grid))
    _within(result.deal, exact)


PLANTED = """\
format: guarantees/1
id: planted
title: One value decides
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  cost: {combine: sum, better: lower}
options:
  patrols: {label: Patrols, deterrence: [0.2, 0.4], escalation: [0.01, 0.05], cost: [1, 3]}
  jets: {label: Jets, deterrence: [0.1, 0.3], escalation: [0.02, 0.06], cost: [2, 4]}
actors:
  ukraine:
    name: Ukraine
    constraints:
      - id: floor
        limit: {deterrence: {min: 0.05}}
  russia:
    name: Russia
    constraints:
      - id: ceiling
        limit: {escalation: {max: [0.0, 0.2]}}
  treasury:
    name: Treasury
    constraints:
      - id: budget
        limit: {cost: {max: 100}}
"""


def test_a_planted_driver_is_ranked_first_and_named_by_the_rule() -> None:
    """Russia's ceiling alone decides (every package with an option stays below 0.11)."""
    result = robustness(loads(PLANTED), samples=3000, seed=2)
    assert result.drivers[0].name == "russia.ceiling.escalation.max"
    assert result.drivers[0].direction == "higher"
    assert result.drivers[0].ks > 0.5 > result.drivers[1].ks
    assert result.rule is not None
    assert [limit.name for limit in result.rule.limits] == ["russia.ceiling.escalation.max"]
    limit = result.rule.limits[0]
    assert limit.low is not None
    assert limit.high is None
    assert result.rule.density > 0.95


def test_certain_values_give_one_draw_outcome() -> None:
    """Degenerate forms (a range [x, x], a triangular [x, x, x]) are certain numbers."""
    text = ONE_BOUND.replace("min: [0.2, 0.5]", "min: [0.25, 0.25]")
    text = text.replace("deterrence: 0.3}", "deterrence: {triangular: [0.3, 0.3, 0.3]}}")
    result = robustness(loads(text), samples=50, seed=0)
    assert result.uncertain == ()
    assert result.deal == Estimate(50, 50)
    assert result.drivers == ()
    assert result.rule is None


@pytest.mark.parametrize("share", [0.02, 0.3, 0.5, 0.9])
def test_more_draws_never_widen_the_interval_in_expectation(share: float) -> None:
    """The expected width of the 95% interval, summed exactly over binomial outcomes."""

    def expected_width(n: int) -> float:
        k = np.arange(n + 1)
        weights = stats.binom(n, share).pmf(k)
        widths = [np.subtract(*Estimate(int(i), n).interval[::-1]) for i in k]
        return float(np.dot(weights, widths))

    widths = [expected_width(n) for n in (10, 20, 40, 80, 160, 320)]
    assert widths == sorted(widths, reverse=True)


def test_the_interval_covers_shares_of_zero_and_one() -> None:
    none, every = Estimate(0, 200), Estimate(200, 200)
    assert none.interval[0] == 0.0 < none.interval[1] < 0.02
    assert 0.98 < every.interval[0] < every.interval[1] == 1.0
    assert Estimate(3, 10).coarse
    assert not Estimate(3000, 10000).coarse


def test_the_ks_statistic_is_scipys() -> None:
    """The drivers' statistic against SciPy's two-sample test, on samples with ties too."""
    from guarantees.model.robustness.drivers import ks_statistic

    rng = np.random.default_rng(4)
    for a, b in (
        (rng.normal(0, 1, 300), rng.normal(0.3, 1, 500)),
        (rng.integers(0, 5, 200).astype(float), rng.integers(1, 6, 100).astype(float)),
        (np.array([1.0]), np.array([1.0, 2.0])),
    ):
        assert ks_statistic(a, b) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)


def test_the_kolmogorov_p_value_is_scipys() -> None:
    from scipy.special import kolmogorov

    from guarantees.model.robustness.drivers import kolmogorov_sf

    for x in np.linspace(0.0, 3.0, 301):
        assert kolmogorov_sf(float(x)) == pytest.approx(float(kolmogorov(x)), abs=1e-12)
