"""Counts gathered over every (package, draw) pair, chunk by chunk and batch by batch.

Each count is exact for the draws made: which draws hold an acceptable package, how often each
package is acceptable, which package is the best acceptable one in each draw (the rank key of
docs/explanation/semantics.md), who rejects and who is alone in the way, how often each
constraint fails, and each draw's smallest concessions (every set tied on size and q(shift)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import CompiledScenario
from ..exact.ranking import reversed_positions
from ..exact.values import Q, quantize
from .batch import WORD, Bools, Statics, Verdicts

_LOWEST = np.iinfo(np.int64).min
_HIGHEST = np.iinfo(np.int64).max
FailureSet = tuple[int, ...]  # the failure words of a package


class Tally:
    """Running counts of a robustness pass."""

    def __init__(self, compiled: CompiledScenario, samples: int) -> None:
        self.compiled = compiled
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
        self._actor_words = _actor_words(compiled)
        all_masks = np.arange(1 << n, dtype=np.uint64)
        reverse = reversed_positions(compiled, all_masks).astype(np.int64)
        size = np.bitwise_count(all_masks).astype(np.int64)
        self._static_rank = (size << n) | ((1 << n) - 1 - reverse)  # smaller is better

    def add(self, chunk: Statics, v: Verdicts, start: int) -> None:
        """Count one chunk under the batch of draws starting at draw `start`."""
        draws = slice(start, start + v.shift.shape[1])
        feasible = np.broadcast_to(v.feasible, v.shift.shape)
        failed = _any_set(v.words)
        accept = feasible & ~failed
        self.deal[draws] |= accept.any(axis=0)
        packages = chunk.masks.astype(np.int64)
        self.accepted[packages] += accept.sum(axis=1)
        self.feasible_pairs += int(feasible.sum())
        for k in range(self.fails.size):
            bit = (v.words[k // WORD] >> np.uint64(k % WORD)) & np.uint64(1)
            self.fails[k] += int(np.count_nonzero(bit.astype(np.bool_) & feasible))
        for a, mine in enumerate(self._actor_words):
            rejected = feasible & _any_set(v.words, mine)
            self.rejects[a] += int(np.count_nonzero(rejected))
            others = _any_set(v.words, tuple(~w for w in mine))
            self.alone[a, draws] |= (rejected & ~others).any(axis=0)
        self._best(accept, packages, v, draws)
        self._concessions(feasible, failed, v, draws)

    def _best(self, accept: Bools, packages: NDArray[np.int64], v: Verdicts, draws: slice) -> None:
        """Keep each draw's best acceptable package by rank key."""
        if not accept.any():
            return
        candidates = accept.copy()
        keys = []
        for key in (v.benefit, v.risk, -self._static_rank[packages][:, None]):
            held = np.where(candidates, key, _LOWEST)
            top = held.max(axis=0)
            candidates &= held == top[None, :]
            keys.append(top)
        row = candidates.argmax(axis=0)
        found = np.stack(keys)
        mine = self.best_key[:, draws]
        better = _lexicographic_greater(found, mine) & accept.any(axis=0)
        mine[:, better] = found[:, better]
        self.best_mask[draws] = np.where(better, packages[row], self.best_mask[draws])

    def _concessions(self, feasible: Bools, failed: Bools, v: Verdicts, draws: slice) -> None:
        """Keep each draw's smallest failure sets: fewest constraints, then least q(shift)."""
        size = sum((np.bitwise_count(w).astype(np.int64) for w in v.words), np.zeros(1, np.int64))
        size = np.broadcast_to(size, v.shift.shape)
        candidates = feasible & failed
        if not candidates.any():
            return
        held = np.where(candidates, size, _HIGHEST)
        least = held.min(axis=0)
        candidates = candidates & (held == least[None, :])
        shift: Q = np.where(candidates, quantize(v.shift), _HIGHEST)
        least_shift = shift.min(axis=0)
        candidates &= shift == least_shift[None, :]
        found = np.stack([least, least_shift])
        mine = self.smallest[:, draws]
        for d in np.flatnonzero(candidates.any(axis=0)):
            here, kept = tuple(found[:, d]), tuple(mine[:, d])
            if here > kept:
                continue
            sets = self.smallest_sets[draws.start + d]
            if here < kept:
                sets.clear()
                mine[:, d] = found[:, d]
            rows = np.flatnonzero(candidates[:, d])
            sets.update(zip(*(w[rows, d].tolist() for w in v.words), strict=True))


def _actor_words(compiled: CompiledScenario) -> tuple[tuple[np.uint64, ...], ...]:
    """Per actor, the failure-word masks of its constraints."""
    words = max(1, -(-len(compiled.constraints) // WORD))
    out = []
    for a in range(len(compiled.actors)):
        mine = [0] * words
        for k, test in enumerate(compiled.constraints):
            if test.actor == a:
                mine[k // WORD] |= 1 << (k % WORD)
        out.append(tuple(np.uint64(w) for w in mine))
    return tuple(out)


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
