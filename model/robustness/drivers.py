"""Which uncertain values move the chance of a deal: Monte Carlo filtering.

The draws are split by their outcome (a deal exists, or not), and each uncertain value's two
samples are compared by the two-sample Kolmogorov-Smirnov statistic: the largest gap between
the value's empirical distribution in draws with a deal and in draws without (computed here
with NumPy for every value at once, and checked against SciPy's `ks_2samp` in the tests; its
p-value from the asymptotic Kolmogorov distribution, SciPy's `special.kolmogorov`).
0 means the value has no visible effect; 1 that it alone separates the outcomes. This is
regional sensitivity analysis (Spear and Hornberger 1980; Saltelli et al., "Global
Sensitivity Analysis: The Primer", 2008, section 5.2), a moment-independent measure suited to
a yes/no outcome, computed from the same draws as every other estimate.
"""

from __future__ import annotations

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
    from scipy.special import kolmogorov

    if deal.all() or not deal.any():
        return ()
    n, m = int(deal.sum()), int((~deal).sum())
    found = []
    for column, name in enumerate(names):
        with_deal, without = values[deal, column], values[~deal, column]
        d = ks_statistic(with_deal, without)
        p = float(kolmogorov(np.sqrt(n * m / (n + m)) * d))
        gap = float(np.median(with_deal) - np.median(without))
        direction: Literal["higher", "lower", "none"] = (
            "higher" if gap > 0 else "lower" if gap < 0 else "none"
        )
        found.append(Driver(name, d, min(1.0, p), direction))
    return tuple(sorted(found, key=lambda d: (-d.ks, d.name)))


def ks_statistic(a: Floats, b: Floats) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: sup |F_a(x) - F_b(x)| over all x."""
    a, b = np.sort(a), np.sort(b)
    at = np.concatenate([a, b])
    gap = (
        np.searchsorted(a, at, side="right") / a.size
        - np.searchsorted(b, at, side="right") / b.size
    )
    return float(np.abs(gap).max())
