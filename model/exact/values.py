"""Metric values of packages, and the one tolerance every comparison goes through.

A package's value for a metric combines its terms (see docs/explanation/semantics.md):
noisy-or 1 - prod(1 - t), sum, max, min; 0 with no terms. Values are compared on a grid,
q(v) = floor(v * SCALE + CUT), so floating-point noise never decides a verdict or a tie.

Noisy-or values are products, computed in floating point and then put on the grid. Sums,
maxima and minima are computed on the grid itself: every number written in the scenario is
put on the grid exactly as written (`q_exact`), and those whole numbers are combined in
int64, exactly at every magnitude up to LARGEST (see uncertain.LARGEST and `exact_grid`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.uint64]
Q = NDArray[np.int64]  # values on the grid

DECIMALS = 9
SCALE = 10.0**DECIMALS
#: Where a value is cut between two grid points. Not 1/2: products of short decimals (0.35 *
#: 0.2 * ...) land exactly on halves, and there the order of floating-point operations would
#: decide the rounding. No decimal of up to 12 places lies on this cut.
CUT = 0.5 + 2.0**-12
#: From here on a float holds only whole numbers of grid steps: its own grid point (adding
#: CUT would round up to the next one, where exact arithmetic stays).
WHOLE = 2.0**52

_EXACT_CUT = Fraction(1, 2) + Fraction(1, 2**12)
#: Below and above every grid value: the partial maximum and minimum of no terms.
_NONE_MAX, _NONE_MIN = np.iinfo(np.int64).min, np.iinfo(np.int64).max
#: The neutral partial value of each combination (the value of "no terms yet").
NEUTRAL: dict[str, float | int] = {"noisy_or": 1.0, "sum": 0, "max": _NONE_MAX, "min": _NONE_MIN}


@dataclass(frozen=True, slots=True)
class CMetric:
    """A compiled metric: per-option terms (NaN where an option gives none), interactions."""

    name: str
    combine: str
    higher: bool  # True when higher values are better
    terms: Floats  # as written; for a sum, max or min combined on the grid (see `units`)
    interactions: tuple[tuple[int, float], ...]  # (internal mask, term as combined)
    units: Q  # per option: its term on the grid (q_exact), 0 where it gives none

    span: float = 1.0  # the metric's range on the table (see metric_span)

    @property
    def exact(self) -> bool:
        """Whether values are combined on the grid (sum, max, min) rather than in floats."""
        return exact_grid(self.combine)

    def term(self, bit: int) -> float | int:
        """Option `bit`'s term as it is combined: its grid value for an exact metric."""
        return int(self.units[bit]) if self.exact else float(self.terms[bit])


def metric_span(combine: str, given: list[int]) -> float:
    """A metric's range on the table, the unit in which concessions add up shortfalls.

    1 for a noisy-or probability; for a sum, the sum of the absolute terms; for max and
    min, the spread of the terms and 0 (an empty package); measured on the grid (`given`
    are the terms' grid values), so it is a whole number of steps. 1 when that is 0: terms
    below the grid's step (1e-320) must not make shares of it overflow.
    """
    if combine == "noisy_or":
        return 1.0
    spread = max([0, *given]) - min([0, *given])
    steps = sum(abs(t) for t in given) if combine == "sum" else spread
    return steps / SCALE if steps > 0 else 1.0


def q(values: Floats | float) -> Floats:
    """q(v): values on the comparison grid (whole numbers, as floats)."""
    scaled = np.asarray(values, dtype=np.float64) * SCALE
    out: Floats = np.floor(scaled + CUT)
    if scaled.size and (scaled.max() >= WHOLE or scaled.min() <= -WHOLE):  # rare: checked first
        out = np.where(np.abs(scaled) >= WHOLE, scaled, out)
    return out


def q_scalar(value: float) -> int:
    """q(v) of one number, in floating point as `q` computes it (noisy-or values)."""
    scaled = value * SCALE
    return int(scaled) if abs(scaled) >= WHOLE else math.floor(scaled + CUT)


def q_exact(value: float) -> int:
    """q(x) of a number as written (its shortest decimal form), computed exactly.

    Floating point holds 1e7 * 1e9 only to within a few units, so above about 1e6 the
    product could fall on either side of the cut; in exact arithmetic it never does.
    """
    scaled: Fraction = Fraction(Decimal(repr(float(value)))) * 10**DECIMALS + _EXACT_CUT
    return math.floor(scaled)


def exact_grid(combine: str) -> bool:
    """Whether a combination works on the grid: sums, maxima and minima of written numbers."""
    return combine != "noisy_or"


def grid_number(combine: str, value: float) -> int:
    """A number written in the scenario (a term or a bound) on a metric's grid."""
    return q_exact(value) if exact_grid(combine) else q_scalar(value)


def quantize(values: Floats) -> Q:
    """q(v) as integers."""
    return q(values).astype(np.int64)


def merge(combine: str, a: NDArray[Any], b: Any, out: NDArray[Any] | None = None) -> NDArray[Any]:
    """Combine two partial values (of disjoint sets of terms), into `out` when given."""
    ufunc = {"noisy_or": np.multiply, "sum": np.add, "max": np.maximum}.get(combine, np.minimum)
    merged: NDArray[Any] = ufunc(a, b, out=out)
    return merged


def add_term(
    combine: str, partial: NDArray[Any], present: NDArray[np.bool_], term: float | int
) -> NDArray[Any]:
    """Add one term to the partial values of the packages where `present` holds."""
    if combine == "noisy_or":
        return np.where(present, partial * (1.0 - term), partial)
    return np.where(present, merge(combine, partial, term), partial)


def _add_in_place(
    combine: str, partial: NDArray[Any], present: NDArray[np.bool_], term: float | int
) -> None:
    """`add_term` in place: the same operation, on the packages where `present` holds."""
    if combine == "noisy_or":
        np.multiply(partial, 1.0 - term, out=partial, where=present)
    else:
        ufunc = {"sum": np.add, "max": np.maximum}.get(combine, np.minimum)
        ufunc(partial, term, out=partial, where=present)


def finish(combine: str, partial: NDArray[Any]) -> Q:
    """Partial values -> metric values on the grid (noisy-or complement; empty max/min -> 0)."""
    if combine == "noisy_or":  # values in [0, 1]: far from WHOLE, no guard needed
        unit: Q = np.floor((1.0 - partial) * SCALE + CUT).astype(np.int64)
        return unit
    if combine in ("max", "min"):
        return np.where(partial == NEUTRAL[combine], 0, partial).astype(np.int64)
    return np.asarray(partial, dtype=np.int64)


def partials(
    metric: CMetric,
    masks: Ints,
    *,
    bits: Iterable[int] | None = None,
    interactions: Iterable[tuple[int, float]] | None = None,
) -> NDArray[Any]:
    """Partial values of `masks` over the given option bits and interactions (default: all).

    Floats for a noisy-or metric; grid values (int64) for an exact one.
    """
    dtype = np.int64 if metric.exact else np.float64
    out = np.full(masks.shape, NEUTRAL[metric.combine], dtype=dtype)
    present = np.empty(masks.shape, dtype=np.bool_)
    held = np.empty(masks.shape, dtype=np.uint64)
    for bit in range(len(metric.terms)) if bits is None else bits:
        if not np.isnan(metric.terms[bit]):
            np.bitwise_and(masks, np.uint64(1 << bit), out=held)
            np.not_equal(held, 0, out=present)
            _add_in_place(metric.combine, out, present, metric.term(bit))
    for mask, term in metric.interactions if interactions is None else interactions:
        present = masks & np.uint64(mask) == np.uint64(mask)
        out = add_term(metric.combine, out, present, term)
    return out


def table(metric: CMetric, bits: int, interactions: Iterable[tuple[int, float]]) -> NDArray[Any]:
    """`partials` of every mask below 2^bits over bits 0..bits-1, built by doubling.

    The values of masks holding bit k are those without it, combined with bit k's term: the
    same operations in the same order (bits ascending, then interactions) as `partials`, so
    the same numbers, at the cost of one pass over the table rather than one per bit.
    """
    dtype = np.int64 if metric.exact else np.float64
    out = np.empty(1 << bits, dtype=dtype)
    out[0] = NEUTRAL[metric.combine]
    for bit in range(bits):
        below, above = out[: 1 << bit], out[1 << bit : 2 << bit]
        if np.isnan(metric.terms[bit]):
            above[...] = below
        elif metric.combine == "noisy_or":
            np.multiply(below, 1.0 - metric.term(bit), out=above)
        else:
            ufunc = {"sum": np.add, "max": np.maximum}.get(metric.combine, np.minimum)
            ufunc(below, metric.term(bit), out=above)
    masks = np.arange(1 << bits, dtype=np.uint64)
    for mask, term in interactions:
        present = masks & np.uint64(mask) == np.uint64(mask)
        out = add_term(metric.combine, out, present, term)
    return out


def values(metric: CMetric, masks: Ints) -> Q:
    """Each package's value for the metric on the grid (internal masks, all terms)."""
    return finish(metric.combine, partials(metric, masks))
