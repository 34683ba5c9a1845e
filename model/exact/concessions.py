"""The concession search, run inside the enumeration pass.

A concession is a minimal failure set (see docs/explanation/semantics.md). While chunks go
by, each failure set that is not a proper superset of one already seen may turn out minimal;
for all of those at once, the chunk's best package (least shift, then rank key) is found by
staged group minima, and the best over all chunks is kept. No second pass. The sets are rows
of 64-bit words and every step is an array operation over them (see sets.py): no Python loop
runs over sets or packages.
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
from .sets import (
    MAX_CONCESSIONS,
    ChunkSets,
    Rows,
    _unique_rows,
    as_int,
    as_words,
    find_rows,
    minimal_rows,
    not_above,
)
from .values import SCALE, q

Index = NDArray[np.intp]
KeyFn = Callable[[Index], NDArray[Any]]
#: Sort keys of a kept package, most significant first: shift on the grid (a float holding a
#: whole number), signed benefit and risk, size, reversed file positions (negated).
KEY_TYPES = (np.float64, np.int64, np.int64, np.int64, np.int64)


@dataclass
class _Kept:
    """Per known set: the sort key, internal mask and shift of the best package so far."""

    keys: list[NDArray[Any]]
    masks: NDArray[np.uint64]
    shifts: NDArray[np.float64]

    @classmethod
    def empty(cls, size: int) -> _Kept:
        """`size` sets with no package yet (keys above every real key)."""
        keys: list[NDArray[Any]] = [np.full(size, np.inf)]
        keys += [np.full(size, np.iinfo(np.int64).max, dtype=np.int64) for _ in KEY_TYPES[1:]]
        return cls(keys, np.zeros(size, dtype=np.uint64), np.zeros(size))

    def take(self, index: Index) -> _Kept:
        """Entries `index`, in that order."""
        return _Kept([k[index] for k in self.keys], self.masks[index], self.shifts[index])

    def put(self, index: Index, other: _Kept) -> None:
        """Entries `index` replaced by those of `other` (in order)."""
        for mine, theirs in zip(self.keys, other.keys, strict=True):
            mine[index] = theirs
        self.masks[index] = other.masks
        self.shifts[index] = other.shifts

    @staticmethod
    def join(parts: list[_Kept]) -> _Kept:
        """The entries of every part, one after the other."""
        return _Kept(
            [np.concatenate([p.keys[c] for p in parts]) for c in range(len(KEY_TYPES))],
            np.concatenate([p.masks for p in parts]),
            np.concatenate([p.shifts for p in parts]),
        )


def _before(a: list[NDArray[Any]], b: list[NDArray[Any]]) -> NDArray[np.bool_]:
    """Elementwise: whether key a comes strictly before key b (lexicographic, exact)."""
    less = np.zeros(a[0].shape, dtype=np.bool_)
    equal = np.ones(a[0].shape, dtype=np.bool_)
    for x, y in zip(a, b, strict=True):
        less |= equal & (x < y)
        equal &= x == y
    return less


@dataclass
class ConcessionSearch:
    """Keeps, for every failure set that may be minimal, the best package opening it."""

    compiled: CompiledScenario
    known: Rows = field(init=False)  # the sets that may be minimal, distinct, sorted
    kept: _Kept = field(init=False)  # aligned with `known`

    def __post_init__(self) -> None:
        self.words = max(1, -(-len(self.compiled.constraints) // 64))
        self.known = np.zeros((0, self.words), dtype=np.uint64)
        self.kept = _Kept.empty(0)
        limits = sum(1 << k for k, t in enumerate(self.compiled.constraints) if t.bounds)
        self._limits = as_words(limits, self.words)

    def visit(self, chunk: Chunk, sets: ChunkSets, best_benefit: float) -> None:
        """Consider the failure sets of one chunk that may be minimal.

        `best_benefit` is the best oriented grid benefit among the chunk's feasible packages:
        a set whose kept package needs no shift and has a better benefit is settled here.
        """
        open_rows = np.flatnonzero(not_above(sets, self.known))
        if open_rows.size == 0:
            return
        if sets.counts is None:  # a row per package: the distinct sets among the open ones
            fresh, of_open, _ = _unique_rows(sets.rows(open_rows))
        else:
            fresh, of_open = sets.rows(open_rows), np.arange(open_rows.size)
        position = find_rows(self.known, fresh)
        if (position < 0).any():  # a set not known yet: the minimal sets may change
            position = self._update(fresh)
        position = position[of_open]  # in `known`, or -1
        found = position >= 0
        found[found] = ~self._settled(position[found], best_benefit)
        if not found.any():
            return
        wanted, group_of_open = np.unique(position[found], return_inverse=True)
        group_of_row = np.full(len(sets), -1, dtype=np.intp)
        group_of_row[open_rows[found]] = group_of_open
        of_package = group_of_row[sets.row]
        chosen = np.flatnonzero(of_package >= 0)
        group = of_package[chosen]
        limited = self._limited(self.known[wanted])
        index = sets.where[chosen]
        keys = self._keys(chunk, index, limited[group])
        groups, positions = _group_best(keys, group, wanted.size)
        self._keep(wanted[groups], chunk, index[positions], limited[groups])

    def _update(self, fresh: Rows) -> Index:
        """Add distinct sets to the known ones, keeping only the minimal; where each fresh
        set now is in `known` (-1: not minimal)."""
        size = self.known.shape[0]
        distinct, index, _ = _unique_rows(np.concatenate((self.known, fresh)))
        minimal = self._minimal(distinct)
        where = np.where(minimal, np.cumsum(minimal) - 1, -1)
        kept = _Kept.empty(int(minimal.sum()))
        moved = where[index[:size]]
        stays = moved >= 0  # a known set superseded by a fresh subset never comes back
        kept.put(moved[stays], self.kept.take(np.flatnonzero(stays)))
        self.known, self.kept = distinct[minimal], kept
        found: Index = where[index[size:]]
        return found

    def absorb(self, other: ConcessionSearch) -> None:
        """Take in the search over other chunks: the minimal sets of both, each with the
        better of the two packages kept for it (keys differ between packages: no ties)."""
        both = np.concatenate((self.known, other.known))
        kept = _Kept.join([self.kept, other.kept])
        distinct, index, _ = _unique_rows(both)
        order = np.lexsort((*reversed(kept.keys), index))  # by set, best key first
        first = order[np.flatnonzero(np.diff(index[order], prepend=-1) != 0)]
        minimal = self._minimal(distinct)
        self.known = distinct[minimal]
        self.kept = kept.take(first[minimal])

    def _minimal(self, sets: Rows) -> NDArray[np.bool_]:
        """`minimal_rows` with the refusal naming the scenario, as for too many options."""
        try:
            return minimal_rows(sets, limit=MAX_CONCESSIONS)
        except TooLargeError as error:
            raise TooLargeError(f"scenario '{self.compiled.scenario.id}' has {error}") from None

    def _settled(self, known: Index, best_benefit: float) -> NDArray[np.bool_]:
        """Whether the kept package for each known set beats every package of a chunk.

        It does when it needs no shift and its benefit is strictly better than the chunk's
        best feasible one (the sort key holds minus the oriented benefit).
        """
        shift, benefit = self.kept.keys[0][known], self.kept.keys[1][known]
        settled: NDArray[np.bool_] = (shift == 0) & (-benefit > best_benefit)
        return settled

    def _limited(self, sets: Rows) -> NDArray[np.bool_]:
        """Whether each failure set holds a limit (else every package in it has shift 0)."""
        found: NDArray[np.bool_] = ((sets & self._limits) != 0).any(axis=1)
        return found

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

    def _keep(self, known: Index, chunk: Chunk, index: Index, limited: NDArray[np.bool_]) -> None:
        """Keep package index[j] of the chunk for known set known[j] if it beats the kept one."""
        at = np.arange(index.size)
        keys = [
            np.asarray(k(at), dtype=t)
            for k, t in zip(self._keys(chunk, index, limited), KEY_TYPES, strict=True)
        ]
        better = np.flatnonzero(_before(keys, [k[known] for k in self.kept.keys]))
        chosen = index[better]
        found = _Kept([k[better] for k in keys], chunk.masks(chosen), self._shifts(chunk, chosen))
        self.kept.put(known[better], found)

    def result(self) -> dict[int, tuple[int, float]]:
        """(internal mask, shift) of the package each minimal set opens, once every chunk
        was visited (`known` then holds exactly the minimal failure sets)."""
        masks, shifts = self.kept.masks.tolist(), self.kept.shifts.tolist()
        return {
            as_int(row): (mask, shift)
            for row, mask, shift in zip(self.known, masks, shifts, strict=True)
        }

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


def _group_best(keys: list[KeyFn], group: Index, groups: int) -> tuple[Index, Index]:
    """(groups, positions): the smallest entry of each group by `keys`, found in stages."""
    candidates = np.arange(group.size)
    for key in keys:
        if np.bincount(group[candidates], minlength=groups).max(initial=0) <= 1:
            break
        values = np.asarray(key(candidates))
        top = np.inf if values.dtype.kind == "f" else np.iinfo(values.dtype).max
        lowest = np.full(groups, top, dtype=values.dtype)
        np.minimum.at(lowest, group[candidates], values)
        candidates = candidates[values == lowest[group[candidates]]]
    found, first = np.unique(group[candidates], return_index=True)
    return found, candidates[first]
