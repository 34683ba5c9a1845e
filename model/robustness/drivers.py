"""Which uncertain values move the chance of a deal: Monte Carlo filtering.

The draws are split by their outcome (a deal exists, or not), and each uncertain value's two
samples are compared by the two-sample Kolmogorov-Smirnov statistic (SciPy's `ks_2samp`):
the largest gap between the value's distribution in draws with a deal and in draws without.
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
    from scipy.stats import ks_2samp

    if deal.all() or not deal.any():
        return ()
    found = []
    for column, name in enumerate(names):
        with_deal, without = values[deal, column], values[~deal, column]
        test = ks_2samp(with_deal, without, method="asymp")
        gap = float(np.median(with_deal) - np.median(without))
        direction: Literal["higher", "lower", "none"] = (
            "higher" if gap > 0 else "lower" if gap < 0 else "none"
        )
        found.append(Driver(name, float(test.statistic), float(test.pvalue), direction))
    return tuple(sorted(found, key=lambda d: (-d.ks, d.name)))
