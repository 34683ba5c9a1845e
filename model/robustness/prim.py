"""Readable rules for when a deal exists: PRIM (Friedman and Fisher 1999).

The Patient Rule Induction Method peels a box in the space of uncertain values: starting from
every draw, it repeatedly removes the slice (a share `alpha` of the draws still inside, from
the low or the high end of one value) whose removal most raises the share of draws with a
deal inside, until the box holds too few draws. Of the boxes on that path, the one kept
balances density (the share of its draws with a deal) and coverage (the share of all draws
with a deal that fall in it), by their harmonic mean; then the restrictions that cost least
density are dropped until at most three remain, each worth a point of density or more, so
the rule names only what matters. This follows
scenario discovery in robust decision making (Bryant and Lempert 2010). Written here rather
than taken from a package: the ones that exist pull in pandas and plotting libraries for
some sixty lines of arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..exact.values import Floats

ALPHA = 0.05
MIN_MASS = 0.05
#: A restriction is dropped when the box's density changes by less than this without it.
NEGLIGIBLE = 0.01
#: A rule names at most this many restrictions, the ones that matter most.
MAX_LIMITS = 3


@dataclass(frozen=True, slots=True)
class Limit:
    """One restriction of a box: the value lies at or above `low`, at or below `high`."""

    name: str
    low: float | None
    high: float | None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.name, "at_least": self.low, "at_most": self.high}


@dataclass(frozen=True, slots=True)
class Rule:
    """A box of uncertain values and how a deal fares inside and outside it."""

    limits: tuple[Limit, ...]
    density: float  # share of the draws inside with a deal
    coverage: float  # share of the draws with a deal that lie inside
    mass: float  # share of all draws inside
    outside: float  # share of the draws outside with a deal

    def to_json(self) -> dict[str, Any]:
        return {
            "limits": [limit.to_json() for limit in self.limits],
            "density": round(self.density, 6),
            "coverage": round(self.coverage, 6),
            "mass": round(self.mass, 6),
            "outside": round(self.outside, 6),
        }


Box = NDArray[np.float64]  # (values, 2): low and high per value


def find_rule(names: list[str], values: Floats, deal: NDArray[np.bool_]) -> Rule | None:
    """The box found by peeling, or None when no box does better than all the draws."""
    if deal.all() or not deal.any():
        return None
    box = np.column_stack([values.min(axis=0), values.max(axis=0)])
    path = [box.copy()]
    inside = np.ones(deal.size, dtype=np.bool_)
    while inside.mean() > MIN_MASS:
        step = _best_peel(values, deal, inside, box)
        if step is None:
            break
        box, inside = step
        path.append(box.copy())
    chosen = max(path, key=lambda b: _score(values, deal, b))
    chosen = _prune(values, deal, chosen)
    rule = _rule(names, values, deal, chosen)
    return rule if rule.limits and rule.density > deal.mean() else None


def _inside(values: Floats, box: Box) -> NDArray[np.bool_]:
    inside: NDArray[np.bool_] = np.all((values >= box[:, 0]) & (values <= box[:, 1]), axis=1)
    return inside


def _best_peel(
    values: Floats, deal: NDArray[np.bool_], inside: NDArray[np.bool_], box: Box
) -> tuple[Box, NDArray[np.bool_]] | None:
    """The peel that leaves the highest density (ties: the first value, low end first)."""
    held = values[inside]
    cuts = np.quantile(held, [ALPHA, 1 - ALPHA], axis=0)
    best: tuple[float, int, int] | None = None
    for side in (0, 1):
        keep = values > cuts[0] if side == 0 else values < cuts[1]
        keep &= inside[:, None]
        size = keep.sum(axis=0)
        useful = (size > 0) & (size < inside.sum())
        density = np.where(useful, (keep & deal[:, None]).sum(axis=0) / np.maximum(size, 1), -1)
        column = int(density.argmax())
        if useful[column] and (best is None or density[column] > best[0]):
            best = (float(density[column]), column, side)
    if best is None or best[0] <= float(deal[inside].mean()):
        return None
    _, column, side = best
    kept = inside & (
        values[:, column] > cuts[0, column] if side == 0 else values[:, column] < cuts[1, column]
    )
    trial = box.copy()
    trial[column, side] = values[kept, column].min() if side == 0 else values[kept, column].max()
    return trial, kept


def _score(values: Floats, deal: NDArray[np.bool_], box: Box) -> float:
    """The harmonic mean of the box's density and coverage."""
    inside = _inside(values, box)
    if not inside.any():
        return 0.0
    density = float(deal[inside].mean())
    coverage = float(deal[inside].sum() / deal.sum())
    return 2 * density * coverage / (density + coverage) if density + coverage else 0.0


def _prune(values: Floats, deal: NDArray[np.bool_], box: Box) -> Box:
    """Keep the restrictions that matter most, at most MAX_LIMITS of them.

    Repeatedly drop the restriction whose removal costs the least density, while that cost
    is under NEGLIGIBLE or more than MAX_LIMITS restrictions remain.
    """
    full = np.column_stack([values.min(axis=0), values.max(axis=0)])
    while True:
        held = [(c, s) for c in range(values.shape[1]) for s in (0, 1) if box[c, s] != full[c, s]]
        if not held:
            return box
        density = _density(values, deal, box)
        trials = []
        for column, side in held:
            trial = box.copy()
            trial[column, side] = full[column, side]
            trials.append((density - _density(values, deal, trial), column, side, trial))
        cost, _, _, trial = min(trials, key=lambda t: (t[0], t[1], t[2]))
        if cost >= NEGLIGIBLE and len(held) <= MAX_LIMITS:
            return box
        box = trial


def _density(values: Floats, deal: NDArray[np.bool_], box: Box) -> float:
    inside = _inside(values, box)
    return float(deal[inside].mean()) if inside.any() else 0.0


def _rule(names: list[str], values: Floats, deal: NDArray[np.bool_], box: Box) -> Rule:
    """The box as a rule with its measures."""
    full = np.column_stack([values.min(axis=0), values.max(axis=0)])
    limits = []
    for column, name in enumerate(names):
        low = float(box[column, 0]) if box[column, 0] > full[column, 0] else None
        high = float(box[column, 1]) if box[column, 1] < full[column, 1] else None
        if low is not None or high is not None:
            limits.append(Limit(name, low, high))
    inside = _inside(values, box)
    outside = deal[~inside]
    return Rule(
        tuple(limits),
        density=float(deal[inside].mean()),
        coverage=float(deal[inside].sum() / deal.sum()),
        mass=float(inside.mean()),
        outside=float(outside.mean()) if outside.size else 0.0,
    )
