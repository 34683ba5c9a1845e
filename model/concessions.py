"""The concession search, run inside the enumeration pass.

A concession is a minimal failure set (see docs/explanation/semantics.md). While chunks go
by, each failure set that is not a proper superset of one already seen may turn out minimal;
for those, the chunk's best package (least shift, then rank key) is kept. No second pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantees.model.compile import CompiledScenario
from guarantees.model.enumerate import Chunk
from guarantees.model.ranking import argbest, reversed_positions
from guarantees.model.sets import ChunkSets, as_int, minimal_sets, not_above
from guarantees.model.values import SCALE

Key = tuple[int, ...]


@dataclass
class ConcessionSearch:
    """Keeps, for every failure set that may be minimal, the best package opening it."""

    compiled: CompiledScenario
    known: list[int] = field(default_factory=list)
    best: dict[int, tuple[Key, int, float]] = field(default_factory=dict)

    def visit(self, chunk: Chunk, sets: ChunkSets) -> None:
        """Consider the failure sets of one chunk that may be minimal."""
        open_rows = np.flatnonzero(not_above(sets.sets, self.known))
        if open_rows.size == 0:
            return
        rows = {as_int(sets.sets[j]): int(j) for j in open_rows}
        self.known = minimal_sets([*self.known, *rows])
        ceiling = chunk.walker.best_benefit(chunk)
        for failed in self.known:
            if failed in rows and not self._settled(failed, ceiling):
                candidate = self._best_in_chunk(chunk, sets.members(rows[failed]), failed)
                if failed not in self.best or candidate[0] < self.best[failed][0]:
                    self.best[failed] = candidate

    def _settled(self, failed: int, ceiling: float) -> bool:
        """Whether no package of a chunk whose benefit is at most `ceiling` can do better.

        A kept package that needs no shift and has a strictly better benefit cannot be beaten.
        """
        kept = self.best.get(failed)
        return kept is not None and kept[0][0] == 0 and -kept[0][1] > ceiling

    def result(self, minimal: list[int]) -> dict[int, tuple[int, float]]:
        """(internal mask, shift) of the package each minimal set opens."""
        return {s: (self.best[s][1], self.best[s][2]) for s in minimal}

    def _best_in_chunk(
        self, chunk: Chunk, index: NDArray[np.intp], failed: int
    ) -> tuple[Key, int, float]:
        """(sort key, mask, shift) of the chunk's best package among `index`."""
        c = self.compiled
        q_shift = np.rint(self._shifts(chunk, failed, index) * SCALE).astype(np.int64)
        signs = (-1 if c.metrics[c.benefit].higher else 1), (-1 if c.metrics[c.risk].higher else 1)
        masks = chunk.packages[index]
        keys: list[Callable[[NDArray[np.intp]], NDArray[Any]]] = [
            lambda at: q_shift[at],
            lambda at: signs[0] * chunk.q_at(c.benefit, index[at]),
            lambda at: signs[1] * chunk.q_at(c.risk, index[at]),
            lambda at: np.bitwise_count(masks[at]),
            lambda at: ~reversed_positions(c, masks[at]),
        ]
        j = argbest(keys, index.size)
        at = np.array([j])
        key = tuple(int(k(at)[0]) for k in keys)
        return key, int(masks[j]), float(q_shift[j]) / SCALE

    def _shifts(self, chunk: Chunk, failed: int, index: NDArray[np.intp]) -> NDArray[np.float64]:
        """Per package: total shortfall of the bounds it misses among the failed limits."""
        total = np.zeros(index.size)
        for k, test in enumerate(self.compiled.constraints):
            if not failed >> k & 1:
                continue
            for metric, side, bound in test.bounds:
                q_value = chunk.q_at(metric, index)
                q_bound = round(bound * SCALE)
                miss = q_value < q_bound if side == "min" else q_value > q_bound
                total += np.where(miss, np.abs(bound - q_value / SCALE), 0.0)
        return total
