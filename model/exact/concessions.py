"""The concession search, run inside the enumeration pass.

A concession is a minimal failure set (see docs/explanation/semantics.md). While chunks go
by, each failure set that is not a proper superset of one already seen may turn out minimal;
for all of those at once, the chunk's best package (least shift, then rank key) is found by
staged group minima, and the best over all chunks is kept. No second pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from .compile import CompiledScenario
from .enumerate import Chunk
from .ranking import reversed_positions
from .sets import MAX_CONCESSIONS, ChunkSets, as_int, minimal_sets, not_above
from .values import SCALE, q

Key = tuple[int, ...]
Index = NDArray[np.intp]
KeyFn = Callable[[Index], NDArray[Any]]


@dataclass
class ConcessionSearch:
    """Keeps, for every failure set that may be minimal, the best package opening it."""

    compiled: CompiledScenario
    known: list[int] = field(default_factory=list)
    best: dict[int, tuple[Key, int, float]] = field(default_factory=dict)

    def visit(self, chunk: Chunk, sets: ChunkSets, best_benefit: float) -> None:
        """Consider the failure sets of one chunk that may be minimal.

        `best_benefit` is the best oriented grid benefit among the chunk's feasible packages:
        a set whose kept package needs no shift and has a better benefit is settled here.
        """
        open_rows = np.flatnonzero(not_above(sets.sets, self.known))
        if open_rows.size == 0:
            return
        rows = {as_int(sets.sets[j]): int(j) for j in open_rows}
        self.known = self._minimal([*self.known, *rows])
        if len(self.best) > len(self.known):  # a superseded set never comes back
            still = set(self.known)
            self.best = {s: kept for s, kept in self.best.items() if s in still}
        wanted = [
            (s, rows[s]) for s in self.known if s in rows and not self._settled(s, best_benefit)
        ]
        if not wanted:
            return
        group_of = np.full(int(sets.set_keys.max()) + 1, -1, dtype=np.intp)
        group_of[[sets.set_keys[j] for _, j in wanted]] = np.arange(len(wanted))
        groups = group_of[sets.key]
        chosen = np.flatnonzero(groups >= 0)
        group = groups[chosen]
        limited = np.array([self._has_limit(s) for s, _ in wanted])
        keys = self._keys(chunk, sets.where[chosen], limited[group])
        for g, position in _group_best(keys, group, len(wanted)):
            index = sets.where[chosen[position]]
            self._keep(wanted[g][0], chunk, int(index))

    def absorb(self, other: ConcessionSearch) -> None:
        """Take in the search over other chunks: the minimal sets of both, each with the
        better of the two packages kept for it (keys differ between packages: no ties)."""
        self.known = self._minimal([*self.known, *other.known])
        self.best = {
            s: min(found[s] for found in (self.best, other.best) if s in found) for s in self.known
        }

    def _minimal(self, sets: list[int]) -> list[int]:
        """`minimal_sets` with the refusal naming the scenario, as for too many options."""
        try:
            return minimal_sets(sets, limit=MAX_CONCESSIONS)
        except TooLargeError as error:
            raise TooLargeError(f"scenario '{self.compiled.scenario.id}' has {error}") from None

    def _settled(self, failed: int, best_benefit: float) -> bool:
        """Whether the kept package for `failed` beats every package of a chunk.

        It does when it needs no shift and its benefit is strictly better than the chunk's
        best feasible one (the sort key holds minus the oriented benefit).
        """
        kept = self.best.get(failed)
        return kept is not None and kept[0][0] == 0 and -kept[0][1] > best_benefit

    def _has_limit(self, failed: int) -> bool:
        """Whether a failure set holds a limit (else every package in it has shift 0)."""
        return any(failed >> k & 1 and t.bounds for k, t in enumerate(self.compiled.constraints))

    def _keys(self, chunk: Chunk, index: Index, limited: NDArray[np.bool_]) -> list[KeyFn]:
        """Sort keys of packages `index` of the chunk, most significant first, lazily.

        `limited` says which packages' failure sets hold a limit: only those can have a shift.
        """
        c = self.compiled
        signs = (-1 if c.metrics[c.benefit].higher else 1), (-1 if c.metrics[c.risk].higher else 1)

        def shift(at: Index) -> NDArray[np.float64]:
            out = np.zeros(at.size)
            some = np.flatnonzero(limited[at])
            if some.size:
                out[some] = q(self._shifts(chunk, index[at[some]]))
            return out

        return [
            shift,
            lambda at: signs[0] * chunk.q_at(c.benefit, index[at]),
            lambda at: signs[1] * chunk.q_at(c.risk, index[at]),
            lambda at: np.bitwise_count(chunk.masks(index[at])),
            lambda at: -reversed_positions(c, chunk.masks(index[at])).astype(np.int64),
        ]

    def _keep(self, failed: int, chunk: Chunk, index: int) -> None:
        """Keep package `index` of the chunk for `failed` if it beats the kept one."""
        at = np.array([index])
        keys = self._keys(chunk, at, np.array([self._has_limit(failed)]))
        key = tuple(int(k(np.array([0]))[0]) for k in keys)
        if failed not in self.best or key < self.best[failed][0]:
            shift = float(self._shifts(chunk, at)[0])
            self.best[failed] = (key, int(chunk.masks(at)[0]), shift)

    def result(self) -> dict[int, tuple[int, float]]:
        """(internal mask, shift) of the package each minimal set opens, once every chunk
        was visited (`known` then holds exactly the minimal failure sets)."""
        return {s: (self.best[s][1], self.best[s][2]) for s in self.known}

    def _shifts(self, chunk: Chunk, index: Index) -> NDArray[np.float64]:
        """Per package: the shortfall of every bound it misses, as shares of the metrics' ranges.

        A package passes a limit (no bound missed) or fails it, so summing over every limit
        of the scenario counts exactly the limits in its failure set.
        """
        total = np.zeros(index.size)
        on_grid: dict[int, NDArray[np.int64]] = {}
        for test in self.compiled.constraints:
            for metric, side, _, q_bound in test.bounds:
                if metric not in on_grid:
                    on_grid[metric] = chunk.q_at(metric, index)
                q_value = on_grid[metric]
                miss = q_value < q_bound if side == "min" else q_value > q_bound
                shortfall = np.abs(q_bound - q_value) / SCALE
                total += np.where(miss, shortfall / self.compiled.metrics[metric].span, 0.0)
        return total


def _group_best(keys: list[KeyFn], group: Index, groups: int) -> list[tuple[int, int]]:
    """(group, position) of the smallest entry of each group by `keys`, in stages."""
    candidates = np.arange(group.size)
    for key in keys:
        if np.bincount(group[candidates], minlength=groups).max(initial=0) <= 1:
            break
        values = np.asarray(key(candidates))
        top = np.inf if values.dtype.kind == "f" else np.iinfo(values.dtype).max
        lowest = np.full(groups, top, dtype=values.dtype)
        np.minimum.at(lowest, group[candidates], values)
        candidates = candidates[values == lowest[group[candidates]]]
    first: dict[int, int] = {}
    for position in candidates.tolist():
        first.setdefault(int(group[position]), position)
    return sorted(first.items())
