"""Verdicts for a handful of packages at once, straight from their masks (no chunking).

Used for the packages a report shows (trade-offs, concessions, `explain`): each failed rule or
constraint becomes a `Failure` with its misses, in the scenario's own words. A long list of
them (`TradeOffList`) is kept as masks and judged a block at a time, only when looked at.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

from . import ir
from .compile import CompiledScenario, Test
from .results import BoundMiss, Failure, Package, PackageList, TradeOff
from .values import SCALE, Ints, Q, values


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


def grid_values(compiled: CompiledScenario, masks: Ints) -> Q:
    """Every metric of packages (internal masks) on the grid: shape (packages, metrics)."""
    return np.stack([values(m, masks) for m in compiled.metrics], axis=1)


def package_list(compiled: CompiledScenario, masks: Ints, grid: Q | None = None) -> PackageList:
    """Packages (internal masks) as an array-backed list, metrics on the reporting grid.

    `grid` is `grid_values(compiled, masks)` when the caller has it already.
    """
    on_grid = grid_values(compiled, masks) if grid is None else grid
    names = tuple(m.name for m in compiled.metrics)
    return PackageList(compiled.options, compiled.to_file_order(masks), names, on_grid / SCALE)


#: Packages judged at once when a list of trade-offs is walked.
BLOCK = 1024


class TradeOffList(Sequence[TradeOff]):
    """Trade-offs kept as their packages' internal masks; a `TradeOff` is made on access.

    A frontier of many tied packages can hold millions of trade-offs: only the ones a report
    shows are judged, a block at a time.
    """

    def __init__(self, compiled: CompiledScenario, masks: Ints) -> None:
        self.compiled = compiled
        self.masks = masks

    def __len__(self) -> int:
        return int(self.masks.size)

    @overload
    def __getitem__(self, index: int) -> TradeOff: ...
    @overload
    def __getitem__(self, index: slice) -> TradeOffList: ...
    def __getitem__(self, index: int | slice) -> TradeOff | TradeOffList:
        if isinstance(index, slice):
            return TradeOffList(self.compiled, self.masks[index])
        batch = Batch(self.compiled, self.masks[[range(len(self))[index]]])
        return TradeOff(batch.package(0), batch.failures(0, rules=False))

    def __iter__(self) -> Iterator[TradeOff]:
        for start in range(0, len(self), BLOCK):
            batch = Batch(self.compiled, self.masks[start : start + BLOCK])
            for j in range(batch.masks.size):
                yield TradeOff(batch.package(j), batch.failures(j, rules=False))

    def __repr__(self) -> str:
        return f"TradeOffList({len(self)} trade-offs)"
