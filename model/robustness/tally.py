"""Counts gathered over every (package, draw) pair, chunk by chunk and batch by batch.

Each count is exact for the draws made: which draws hold an acceptable package, how often each
package is acceptable, which package is the best acceptable one in each draw (the rank key of
docs/explanation/semantics.md), who rejects and who is alone in the way, how often each
constraint fails, and each draw's smallest concessions (every set tied on size and q(shift)).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import CompiledScenario, Test
from ..exact.ranking import reversed_positions
from ..exact.values import quantize
from .batch import WORD, Bools, Index, Statics, Verdicts, Words, constraint_words
from .frontiers import Fronts

_LOWEST = np.iinfo(np.int64).min
_HIGHEST = np.iinfo(np.int64).max
FailureSet = tuple[int, ...]  # the failure words of a package


class Tally:
    """Running counts of a robustness pass."""

    def __init__(
        self, compiled: CompiledScenario, samples: int, fronts: Fronts | None = None
    ) -> None:
        self.compiled = compiled
        self.fronts = fronts  # the frontiers of the first draws, when followed
        n = compiled.n
        self.deal = np.zeros(samples, dtype=np.bool_)
        self.accepted = np.zeros(1 << n, dtype=np.int64)
        self.feasible_pairs = 0
        self.fails = np.zeros(len(compiled.constraints), dtype=np.int64)
        actors = len(compiled.actors)
        self.rejects = np.zeros(actors, dtype=np.int64)
        self.alone = np.zeros((actors, samples), dtype=np.bool_)
        self.best_key = np.full((3, samples), _LOWEST, dtype=np.int64)  # benefit, risk, -rank
        self.best_mask = np.full(samples, -1, dtype=np.int64)
        self.smallest = np.full((2, samples), _HIGHEST, dtype=np.int64)  # size, q(shift)
        self.smallest_sets: list[set[FailureSet]] = [set() for _ in range(samples)]
        self._actor_words = actor_words(compiled)
        all_masks = np.arange(1 << n, dtype=np.uint64)
        reverse = reversed_positions(compiled, all_masks).astype(np.int64)
        size = np.bitwise_count(all_masks).astype(np.int64)
        self._static_rank = (size << n) | ((1 << n) - 1 - reverse)  # smaller is better

    @classmethod
    def joined(cls, parts: list[Tally]) -> Tally:
        """The tally of consecutive runs of draws, counted apart (each by its own process)."""
        whole = parts[0]
        for part in parts[1:]:
            whole.deal = np.concatenate([whole.deal, part.deal])
            whole.accepted += part.accepted
            whole.feasible_pairs += part.feasible_pairs
            whole.fails += part.fails
            whole.rejects += part.rejects
            whole.alone = np.concatenate([whole.alone, part.alone], axis=1)
            whole.best_key = np.concatenate([whole.best_key, part.best_key], axis=1)
            whole.best_mask = np.concatenate([whole.best_mask, part.best_mask])
            whole.smallest = np.concatenate([whole.smallest, part.smallest], axis=1)
            whole.smallest_sets += part.smallest_sets
            if whole.fronts is not None and part.fronts is not None:
                whole.fronts.absorb(part.fronts)
        return whole

    def add(self, chunk: Statics, v: Verdicts, start: int) -> None:
        """Count one chunk under the batch of draws starting at draw `start`."""
        draws = slice(start, start + v.shape[1])
        feasible = np.broadcast_to(v.feasible, v.shape)
        per_row = feasible.sum(axis=1)  # feasible draws of each package
        self.feasible_pairs += int(per_row.sum())
        self._constraints(chunk, v, feasible, per_row)
        clean = np.flatnonzero(_any_set(chunk.words) == 0)  # no failure whatever the draw
        if clean.size:
            accept = feasible[clean] & ~_any_set(tuple(w[clean] for w in v.words))
            self.deal[draws] |= accept.any(axis=0)
            self.accepted[chunk.masks[clean].astype(np.int64)] += accept.sum(axis=1)
            self._best(chunk, v, clean, accept, start)
        for a in range(len(self._actor_words)):
            self._actor(a, chunk, v, feasible=feasible, per_row=per_row, draws=draws)
        self._concessions(v, feasible, start)
        if self.fronts is not None:
            self.fronts.add(chunk, v, start)

    def _constraints(
        self, chunk: Statics, v: Verdicts, feasible: Bools, per_row: NDArray[np.int64]
    ) -> None:
        """Failures of each constraint over feasible cells: counted once per package when
        the constraint reads no metric."""
        for k in range(self.fails.size):
            if k in v.fails:
                self.fails[k] += int(np.count_nonzero(v.fails[k] & feasible))
            else:
                bit = (chunk.words[k // WORD] >> np.uint64(k % WORD)) & np.uint64(1)
                self.fails[k] += int(per_row[bit == 1].sum())

    def _actor(
        self,
        a: int,
        chunk: Statics,
        v: Verdicts,
        *,
        feasible: Bools,
        per_row: NDArray[np.int64],
        draws: slice,
    ) -> None:
        """An actor's rejections, and the draws where it alone rejects some package."""
        mine = self._actor_words[a]
        static = _any_set(chunk.words, mine)
        self.rejects[a] += int(per_row[static].sum())
        dynamic = [fail for k, fail in v.fails.items() if self.compiled.constraints[k].actor == a]
        if dynamic:
            rejected = np.logical_or.reduce(dynamic) & feasible & ~static[:, None]
            self.rejects[a] += int(np.count_nonzero(rejected))
        others = tuple(~w for w in mine)
        rows = np.flatnonzero(~_any_set(chunk.words, others))  # no failure of another's yet
        if rows.size:
            words = tuple(w[rows] for w in v.words)
            alone = feasible[rows] & _any_set(words, mine) & ~_any_set(words, others)
            self.alone[a, draws] |= alone.any(axis=0)

    def _best(
        self, chunk: Statics, v: Verdicts, clean: NDArray[np.intp], accept: Bools, start: int
    ) -> None:
        """Keep each draw's best acceptable package by rank key (docs: orders)."""
        at, draw = np.nonzero(accept)
        if at.size == 0:
            return
        rows = clean[at]
        benefit, risk = v.axes(rows, draw)
        packages = chunk.masks[rows].astype(np.int64)
        keys = np.stack([benefit, risk, -self._static_rank[packages]])
        order = np.lexsort((keys[2], keys[1], keys[0], draw))
        last = np.flatnonzero(np.append(draw[order][1:] != draw[order][:-1], True))
        top = order[last]  # the best cell of each draw that has one
        where = start + draw[top]
        better = _lexicographic_greater(keys[:, top], self.best_key[:, where])
        self.best_key[:, where[better]] = keys[:, top[better]]
        self.best_mask[where[better]] = packages[top[better]]

    def _concessions(self, v: Verdicts, feasible: Bools, start: int) -> None:
        """Keep each draw's smallest failure sets: fewest constraints, then least q(shift)."""
        size = np.zeros(v.shape, dtype=np.int64)
        for w in v.words:
            size += np.bitwise_count(w)
        held = np.where(feasible & (size > 0), size, _HIGHEST)
        least = held.min(axis=0)
        rows, draw = np.nonzero((held == least[None, :]) & (least[None, :] < _HIGHEST))
        if rows.size == 0:
            return
        shift = quantize(v.shift(rows, draw))
        least_shift = np.full(least.size, _HIGHEST, dtype=np.int64)
        np.minimum.at(least_shift, draw, shift)
        keep = shift == least_shift[draw]
        rows, draw = rows[keep], draw[keep]
        found = np.stack([least, least_shift])
        for d, *words in _distinct(draw, [w[rows, draw] for w in v.words], least.size):
            here = (int(found[0, d]), int(found[1, d]))
            mine = (int(self.smallest[0, start + d]), int(self.smallest[1, start + d]))
            if here > mine:
                continue
            if here < mine:
                self.smallest_sets[start + d].clear()
                self.smallest[:, start + d] = here
            self.smallest_sets[start + d].add(tuple(words))


def _distinct(draw: Index, words: list[Words], draws: int) -> list[list[int]]:
    """The distinct (draw, failure words...) among cells, as lists of Python ints.

    Failure sets of one constraint (the usual smallest concession) are told apart by
    counting, in linear time; larger ones by sorting.
    """
    single = len(words) == 1 and bool(np.all(np.bitwise_count(words[0]) == 1))
    if single:
        bit = np.frexp(words[0].astype(np.float64))[1] - 1  # a power of two is exact
        present = np.bincount(draw * WORD + bit, minlength=draws * WORD).reshape(draws, WORD)
        pairs = np.argwhere(present)
        return [[int(d), 1 << int(b)] for d, b in pairs]
    cells = np.stack([draw, *(w.view(np.int64) for w in words)], axis=1)
    return [[d, *(x % (1 << WORD) for x in rest)] for d, *rest in np.unique(cells, axis=0).tolist()]


def actor_words(compiled: CompiledScenario) -> tuple[tuple[np.uint64, ...], ...]:
    """Per actor, the failure-word masks of its constraints."""

    def of(actor: int) -> Callable[[Test], bool]:
        return lambda test: test.actor == actor

    return tuple(constraint_words(compiled, of(a)) for a in range(len(compiled.actors)))


def _any_set(
    words: tuple[NDArray[np.uint64], ...], masks: tuple[np.uint64, ...] | None = None
) -> Bools:
    """Whether any bit is set in the words (under `masks`, one per word)."""
    out: Bools | None = None
    for i, w in enumerate(words):
        hit = (w if masks is None else w & masks[i]) != 0
        out = hit if out is None else out | hit
    assert out is not None
    return out


def _lexicographic_greater(a: NDArray[np.int64], b: NDArray[np.int64]) -> Bools:
    """Column-wise: whether key column a is greater than key column b (rows compared in order)."""
    greater = np.zeros(a.shape[1], dtype=np.bool_)
    equal = np.ones(a.shape[1], dtype=np.bool_)
    for row in range(a.shape[0]):
        greater |= equal & (a[row] > b[row])
        equal &= a[row] == b[row]
    return greater
