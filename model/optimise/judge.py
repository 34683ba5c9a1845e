"""Exact verdicts for one package of any size, on Python integers (no 64-option limit).

The same definitions as model/exact/verdicts.py, which works on uint64 masks: metric values on
the grid (noisy-or terms multiplied in internal bit order, then interactions, as
values.partials does), every rule and constraint tested on the grid, failures with misses.
"""

from __future__ import annotations

import math

from ..exact import ir
from ..exact.compile import CompiledScenario, Test
from ..exact.results import BoundMiss, Failure, Package
from ..exact.values import CUT, SCALE


def metric_value(compiled: CompiledScenario, metric: int, mask: int) -> int:
    """A package's value of a metric on the grid."""
    m = compiled.metrics[metric]
    terms = [m.term(b) for b in range(compiled.n) if mask >> b & 1 and not math.isnan(m.terms[b])]
    terms += [t for inter, t in m.interactions if mask & inter == inter]
    if m.combine == "noisy_or":
        rest = 1.0
        for t in terms:
            rest = rest * (1.0 - float(t))
        return math.floor((1.0 - rest) * SCALE + CUT)
    ints = [int(t) for t in terms]
    if not ints:
        return 0
    if m.combine == "sum":
        return sum(ints)
    return max(ints) if m.combine == "max" else min(ints)


def clear_of_cuts(compiled: CompiledScenario, mask: int) -> bool:
    """Whether every noisy-or value of the package lies far enough from a cut of the grid
    that its terms multiplied in another order land on the same grid values (`order_room`).

    A value written with a few decimals whose product has a tenth decimal of 5 sits half a
    step from a grid point, 2^-12 steps from the cut (values.CUT): clear of it, as intended.
    """
    for m in compiled.metrics:
        if m.combine != "noisy_or":
            continue
        rest, factors = 1.0, 0
        for b in range(compiled.n):
            if mask >> b & 1 and not math.isnan(m.terms[b]):
                rest, factors = rest * (1.0 - float(m.term(b))), factors + 1
        for inter, t in m.interactions:
            if mask & inter == inter:
                rest, factors = rest * (1.0 - float(t)), factors + 1
        point = (1.0 - rest) * SCALE + CUT
        room = order_room(factors)
        if not room < point - math.floor(point) < 1.0 - room:
            return False
    return True


def order_room(factors: int) -> float:
    """Grid steps by which 1 - (a product of `factors` floats) can move when they are
    multiplied in another order, twice over: each order is within (factors - 1) units of
    2^-53 of the exact product, and scaling to about 10^9 rounds at 2^-23 steps."""
    return 2.0 * (2 * factors * 2.0**-53 * SCALE + 2.0**-23)


def holds(node: ir.Node, mask: int, values: list[int]) -> bool:
    """Whether a test tree holds for the package (metric values given on the grid)."""
    match node:
        case ir.Const(value):
            return value
        case ir.Has(bits):
            return mask & bits != 0
        case ir.CountCmp(bits, op, k):
            return bool(ir.COMPARE[op]((mask & bits).bit_count(), k))
        case ir.MetricCmp(metric, op, grid):
            return bool(ir.COMPARE[op](values[metric], grid))
        case ir.Not(operand):
            return not holds(operand, mask, values)
        case ir.All(items):
            return all(holds(i, mask, values) for i in items)
        case ir.Any_(items):
            return any(holds(i, mask, values) for i in items)
        case ir.Iff(left, right):
            return holds(left, mask, values) == holds(right, mask, values)
    raise TypeError(f"not a test node: {node!r}")


class Judged:
    """One package judged exactly: metric values on the grid and every test's outcome."""

    def __init__(self, compiled: CompiledScenario, mask: int) -> None:
        self.c = compiled
        self.mask = mask
        self.values = [metric_value(compiled, i, mask) for i in range(len(compiled.metrics))]
        tests = compiled.rules + compiled.constraints
        self.ok = [holds(t.ok, mask, self.values) for t in tests]
        self.rules = len(compiled.rules)

    @property
    def feasible(self) -> bool:
        return all(self.ok[: self.rules])

    @property
    def failed(self) -> tuple[int, ...]:
        """Indices of the constraints the package fails."""
        return tuple(k for k, ok in enumerate(self.ok[self.rules :]) if not ok)

    @property
    def acceptable(self) -> bool:
        return all(self.ok)

    def oriented(self, metric: int) -> int:
        """The grid value of a metric, negated when lower is better."""
        value = self.values[metric]
        return value if self.c.metrics[metric].higher else -value

    def shift(self) -> float:
        """The concession shift, summed as model/exact/concessions.py sums it."""
        total = 0.0
        for test in self.c.constraints:
            for metric, side, _, q_bound in test.bounds:
                value = self.values[metric]
                if (value < q_bound) if side == "min" else (value > q_bound):
                    total += abs(q_bound - value) / SCALE / self.c.metrics[metric].span
        return total

    def package(self) -> Package:
        """The package with every metric on the reporting grid."""
        names = (m.name for m in self.c.metrics)
        metrics = {name: v / SCALE for name, v in zip(names, self.values, strict=True)}
        return Package(self.c.option_ids(self.mask), metrics)

    def failures(self, constraints: list[int] | None = None) -> tuple[Failure, ...]:
        """The constraints (of the given indices, default all) the package fails."""
        chosen = range(len(self.c.constraints)) if constraints is None else constraints
        return tuple(
            Failure(self.c.constraints[k].ref, self.misses(self.c.constraints[k]))
            for k in chosen
            if not self.ok[self.rules + k]
        )

    def misses(self, test: Test) -> tuple[BoundMiss, ...]:
        """The bounds of a limit that the package misses."""
        out = []
        for metric, side, bound, q_bound in test.bounds:
            value = self.values[metric]
            if (side == "min" and value < q_bound) or (side == "max" and value > q_bound):
                gap = q_bound - value if side == "min" else value - q_bound
                out.append(BoundMiss(self.c.metrics[metric].name, side, bound, value / SCALE, gap))
        return tuple(out)
