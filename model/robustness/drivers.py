"""Which uncertain values move the chance of a deal: Monte Carlo filtering.

The draws are split by their outcome (a deal exists, or not), and each uncertain value's two
samples are compared by the two-sample Kolmogorov-Smirnov statistic: the largest gap between
the value's empirical distribution in draws with a deal and in draws without (computed here
with NumPy for every value at once, and checked against SciPy's `ks_2samp` in the tests; its
p-value from the asymptotic Kolmogorov distribution, checked against SciPy's
`special.kolmogorov`).
0 means the value has no visible effect; 1 that it alone separates the outcomes. This is
regional sensitivity analysis (Spear and Hornberger 1980; Saltelli et al., "Global
Sensitivity Analysis: The Primer", 2008, section 5.2), a moment-independent measure suited to
a yes/no outcome, computed from the same draws as every other estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..exact.values import Floats


@dataclass(frozen=True, slots=True)
class Driver:
    """One uncertain value's effect on whether a deal exists."""

    name: str
    ks: float  # the Kolmogorov-Smirnov statistic, in [0, 1]
    p_value: float  # of the hypothesis that the value has no effect
    direction: Literal["higher", "lower", "none"]  # which values favour a deal

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.name,
            "ks": round(self.ks, 6),
            "p_value": float(f"{self.p_value:.3g}"),
            "deal_when": self.direction,
        }


def drivers(names: list[str], values: Floats, deal: NDArray[np.bool_]) -> tuple[Driver, ...]:
    """Every uncertain value ranked by its KS statistic (largest first; ties by name).

    Empty when every draw has the same outcome: nothing then separates them.
    """
    if deal.all() or not deal.any():
        return ()
    n, m = int(deal.sum()), int((~deal).sum())
    found = []
    for column, name in enumerate(names):
        with_deal, without = values[deal, column], values[~deal, column]
        d = ks_statistic(with_deal, without)
        p = kolmogorov_sf(float(np.sqrt(n * m / (n + m)) * d))
        gap = float(np.median(with_deal) - np.median(without))
        direction: Literal["higher", "lower", "none"] = (
            "higher" if gap > 0 else "lower" if gap < 0 else "none"
        )
        found.append(Driver(name, d, min(1.0, p), direction))
    return tuple(sorted(found, key=lambda d: (-d.ks, d.name)))


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for Kolmogorov's limiting distribution: 2 sum (-1)^(k-1) exp(-2 k^2 x^2).

    The asymptotic p-value of the two-sample test (Smirnov 1948), what SciPy's
    `special.kolmogorov` computes (the tests compare them); written out here so that the
    robustness section of `evaluate` does not import SciPy. The series converges fast for
    x > 0.2; below, the p-value is 1 to double precision.
    """
    if x <= 0.2:
        return 1.0
    terms = (2 * (-1) ** (k - 1) * math.exp(-2 * k * k * x * x) for k in range(1, 101))
    return min(1.0, max(0.0, math.fsum(terms)))


def ks_statistic(a: Floats, b: Floats) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: sup |F_a(x) - F_b(x)| over all x."""
    a, b = np.sort(a), np.sort(b)
    at = np.concatenate([a, b])
    gap = (
        np.searchsorted(a, at, side="right") / a.size
        - np.searchsorted(b, at, side="right") / b.size
    )
    return float(np.abs(gap).max())
