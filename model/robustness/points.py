"""Where the packages a robustness run found acceptable sit on the trade-off picture.

Each package is placed at its best-guess (benefit, risk), the same point the exact picture
gives it, and carries its share of draws: the picture then shows how robust each deal is where
the trade-off puts it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exact.compile import compile_scenario
from ..exact.values import SCALE, Floats, values
from ..format.schema import Scenario
from .results import Robustness


@dataclass(frozen=True, slots=True)
class ChancePoints:
    """Packages acceptable in some draw: best-guess axes and their share of draws."""

    benefit: Floats
    risk: Floats
    chance: Floats
    draws: int

    @property
    def count(self) -> int:
        return int(self.chance.size)


def chance_points(scenario: Scenario, result: Robustness) -> ChancePoints:
    """The points of `result.packages` (the packages acceptable in some draw, at most 1,000)."""
    compiled = compile_scenario(scenario)
    masks = np.array(
        [compiled.internal_mask(list(p.options)) for p in result.packages], dtype=np.uint64
    )
    axes = [values(compiled.metrics[m], masks) / SCALE for m in (compiled.benefit, compiled.risk)]
    chance = np.array([p.chance.share for p in result.packages], dtype=np.float64)
    return ChancePoints(axes[0], axes[1], chance, result.samples)
