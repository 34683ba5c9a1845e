"""Metric values of packages, and the one tolerance every comparison goes through.

A package's value for a metric combines its terms (see docs/explanation/semantics.md):
noisy-or 1 - prod(1 - t), sum, max, min; 0 with no terms. Values are compared on a grid,
q(v) = floor(v * SCALE + CUT), so floating-point noise never decides a verdict or a tie.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.uint64]

DECIMALS = 9
SCALE = 10.0**DECIMALS
#: Where a value is cut between two grid points. Not 1/2: products of short decimals (0.35 *
#: 0.2 * ...) land exactly on halves, and there the order of floating-point operations would
#: decide the rounding. No decimal of up to 12 places lies on this cut.
CUT = 0.5 + 2.0**-12

#: The neutral partial value of each combination (the value of "no terms yet").
NEUTRAL = {"noisy_or": 1.0, "sum": 0.0, "max": -np.inf, "min": np.inf}


@dataclass(frozen=True, slots=True)
class CMetric:
    """A compiled metric: per-option terms (NaN where an option gives none), interactions."""

    name: str
    combine: str
    higher: bool  # True when higher values are better
    terms: Floats
    interactions: tuple[tuple[int, float], ...]  # (internal mask, term)

    span: float = 1.0  # the metric's range on the table (see metric_span)


def metric_span(combine: str, given: list[float]) -> float:
    """A metric's range on the table, the unit in which concessions add up shortfalls.

    1 for a noisy-or probability; for a sum, the sum of the absolute terms; for max and
    min, the spread of the terms and 0 (an empty package). 1 when that is 0.
    """
    if combine == "noisy_or":
        return 1.0
    if combine == "sum":
        span = sum(abs(t) for t in given)
    else:
        span = max([0.0, *given]) - min([0.0, *given])
    return span if span > 0 else 1.0


def q(values: Floats | float) -> Floats:
    """q(v): values on the comparison grid (whole numbers, as floats)."""
    out: Floats = np.floor(np.asarray(values, dtype=np.float64) * SCALE + CUT)
    return out


def q_scalar(value: float) -> int:
    """q(v) of one number."""
    return math.floor(value * SCALE + CUT)


def quantize(values: Floats) -> NDArray[np.int64]:
    """q(v) as integers."""
    return q(values).astype(np.int64)


def merge(combine: str, a: Floats, b: Floats | float) -> Floats:
    """Combine two partial values (of disjoint sets of terms)."""
    if combine == "noisy_or":
        return a * b
    if combine == "sum":
        return a + b
    if combine == "max":
        return np.maximum(a, b)
    return np.minimum(a, b)


def add_term(combine: str, partial: Floats, present: NDArray[np.bool_], term: float) -> Floats:
    """Add one term to the partial values of the packages where `present` holds."""
    if combine == "noisy_or":
        return np.where(present, partial * (1.0 - term), partial)
    return np.where(present, merge(combine, partial, term), partial)


def finish(combine: str, partial: Floats) -> Floats:
    """Partial values -> metric values (noisy-or complement; empty max/min -> 0)."""
    if combine == "noisy_or":
        return 1.0 - partial
    if combine in ("max", "min"):
        return np.where(np.isinf(partial), 0.0, partial)
    return partial


def partials(
    metric: CMetric,
    masks: Ints,
    *,
    bits: Iterable[int] | None = None,
    interactions: Iterable[tuple[int, float]] | None = None,
) -> Floats:
    """Partial values of `masks` over the given option bits and interactions (default: all)."""
    out = np.full(masks.shape, NEUTRAL[metric.combine])
    for bit in range(len(metric.terms)) if bits is None else bits:
        term = metric.terms[bit]
        if not np.isnan(term):
            present = (masks >> np.uint64(bit)) & np.uint64(1) == 1
            out = add_term(metric.combine, out, present, float(term))
    for mask, term in metric.interactions if interactions is None else interactions:
        present = masks & np.uint64(mask) == np.uint64(mask)
        out = add_term(metric.combine, out, present, term)
    return out


def values(metric: CMetric, masks: Ints) -> Floats:
    """Each package's value for the metric (internal masks, all options and interactions)."""
    return finish(metric.combine, partials(metric, masks))
