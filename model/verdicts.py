"""Verdicts for a handful of packages at once, straight from their masks (no chunking).

Used for the packages a report shows (trade-offs, concessions, `explain`): each failed rule or
constraint becomes a `Failure` with its misses, in the scenario's own words.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantees.model import ir
from guarantees.model.compile import CompiledScenario, Test
from guarantees.model.results import BoundMiss, Failure, Package, PackageList
from guarantees.model.values import SCALE, Ints, Q, values


class Batch:
    """A few packages (internal masks) with their metric values and test outcomes."""

    def __init__(self, compiled: CompiledScenario, masks: Ints) -> None:
        self.c = compiled
        self.masks = np.asarray(masks, dtype=np.uint64)
        self.values: list[Q] = [values(m, self.masks) for m in compiled.metrics]
        tests = compiled.rules + compiled.constraints
        self.ok: NDArray[np.bool_] = np.array(
            [ir.vector(t.ok, self.masks, self._compare) for t in tests], dtype=np.bool_
        ).reshape(len(tests), self.masks.size)

    def _compare(self, node: ir.MetricCmp) -> NDArray[np.bool_]:
        return ir.q_compare(self.values[node.metric], node.op, node.grid)

    def package(self, j: int) -> Package:
        """Package j with every metric at its best guess, on the reporting grid."""
        metrics = {m.name: int(self.values[i][j]) / SCALE for i, m in enumerate(self.c.metrics)}
        return Package(self.c.option_ids(int(self.masks[j])), metrics)

    def failures(self, j: int, *, rules: bool) -> tuple[Failure, ...]:
        """The rules (or the constraints) package j fails, with the bounds it misses."""
        tests = self.c.rules if rules else self.c.constraints
        offset = 0 if rules else len(self.c.rules)
        return tuple(
            Failure(t.ref, self.misses(t, j))
            for k, t in enumerate(tests)
            if not self.ok[offset + k, j]
        )

    def misses(self, test: Test, j: int) -> tuple[BoundMiss, ...]:
        """The bounds of a limit that package j misses."""
        out = []
        for metric, side, bound, q_bound in test.bounds:
            q_value = int(self.values[metric][j])
            if (side == "min" and q_value < q_bound) or (side == "max" and q_value > q_bound):
                gap = q_bound - q_value if side == "min" else q_value - q_bound
                name = self.c.metrics[metric].name
                out.append(BoundMiss(name, side, bound, q_value / SCALE, gap))
        return tuple(out)


def package_list(compiled: CompiledScenario, masks: Ints) -> PackageList:
    """Packages (internal masks) as an array-backed list, metrics on the reporting grid."""
    grid = np.stack([values(m, masks) / SCALE for m in compiled.metrics], axis=1)
    names = tuple(m.name for m in compiled.metrics)
    return PackageList(compiled.options, compiled.to_file_order(masks), names, grid)
