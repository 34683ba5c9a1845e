"""Failure sets: which constraints a package fails, as bits (64 constraints per word).

The distinct sets of a chunk are counted without sorting: only the bits that vary in the
chunk make up the key of a `bincount`. A set is a Python int once it leaves the arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantees.model.values import Ints

MAX_KEY_BITS = 20
Index = NDArray[np.intp]


@dataclass(frozen=True)
class ChunkSets:
    """The distinct failure sets of a chunk's feasible packages."""

    sets: NDArray[np.uint64]  # (distinct, words)
    counts: NDArray[np.int64]  # packages with each set
    where: Index  # chunk index of each feasible package
    key: NDArray[np.int64]  # per feasible package: its set's key
    set_keys: NDArray[np.int64]  # per distinct set: its key

    def members(self, j: int) -> Index:
        """Chunk indices of the packages whose failure set is distinct set j."""
        found: Index = self.where[self.key == self.set_keys[j]]
        return found


def as_int(row: NDArray[np.uint64]) -> int:
    """A failure set from its words."""
    return sum(int(v) << (64 * i) for i, v in enumerate(row.tolist()))


def widen(planes: list[NDArray[np.uint8]]) -> list[Ints]:
    """Byte planes (8 constraints each) -> 64-bit words (64 constraints each)."""
    words = []
    for start in range(0, len(planes), 8):
        word = planes[start].astype(np.uint64)
        for j, plane in enumerate(planes[start + 1 : start + 8], start=1):
            word |= plane.astype(np.uint64) << np.uint64(8 * j)
        words.append(word)
    return words


def chunk_sets(planes: list[NDArray[np.uint8]], feasible: NDArray[np.bool_]) -> ChunkSets:
    """Each distinct failure set among a chunk's feasible packages, with its count."""
    where = np.flatnonzero(feasible)
    chosen = widen([p[where] for p in planes])
    if where.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ChunkSets(np.zeros((0, len(chosen)), dtype=np.uint64), empty, where, empty, empty)
    if len(chosen) == 1 and int(chosen[0].max()) < 4 * feasible.size:
        key = chosen[0].astype(np.int64)
        counts = np.bincount(key)
        set_keys = np.flatnonzero(counts)
        sets = set_keys.astype(np.uint64)[:, None]
        return ChunkSets(sets, counts[set_keys], where, key, set_keys)
    return _compressed(chosen, where)


def _compressed(chosen: list[Ints], where: Index) -> ChunkSets:
    """Key on the bits that vary in the chunk (sorting only when too many vary)."""
    always = [np.bitwise_and.reduce(w) for w in chosen]
    varying = [
        (i, b)
        for i, w in enumerate(chosen)
        for b in range(64)
        if (int(np.bitwise_or.reduce(w)) ^ int(always[i])) >> b & 1
    ]
    if len(varying) > MAX_KEY_BITS:
        rows, key, counts = np.unique(
            np.stack(chosen, axis=1), axis=0, return_inverse=True, return_counts=True
        )
        return ChunkSets(rows, counts, where, key.ravel(), np.arange(rows.shape[0]))
    key = np.zeros(where.shape, dtype=np.int64)
    for j, (i, b) in enumerate(varying):
        key |= ((chosen[i] >> np.uint64(b)) & np.uint64(1)).astype(np.int64) << j
    counts = np.bincount(key)
    set_keys = np.flatnonzero(counts)
    sets = np.tile(np.array(always, dtype=np.uint64), (set_keys.size, 1))
    for j, (i, b) in enumerate(varying):
        sets[:, i] |= ((set_keys >> j) & 1).astype(np.uint64) << np.uint64(b)
    return ChunkSets(sets, counts[set_keys], where, key, set_keys)


def merge_counts(parts: list[tuple[NDArray[np.uint64], NDArray[np.int64]]]) -> dict[int, int]:
    """Add up the per-chunk counts of each distinct set."""
    if not parts:
        return {}
    sets = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    rows, inverse = np.unique(sets, axis=0, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=counts, minlength=rows.shape[0])
    return {as_int(row): int(total) for row, total in zip(rows, totals, strict=True)}


def minimal_sets(sets: Iterable[int]) -> list[int]:
    """The non-empty sets that no other set of the collection is a proper subset of."""
    kept: list[int] = []
    for s in sorted({s for s in sets if s}, key=lambda s: (s.bit_count(), s)):
        if not any(k & s == k for k in kept):
            kept.append(s)
    return kept


def not_above(sets: NDArray[np.uint64], known: list[int]) -> NDArray[np.bool_]:
    """Rows of `sets` that are non-empty and not a proper superset of any known set."""
    if sets.shape[1] == 1:
        col = sets[:, 0]
        ok: NDArray[np.bool_] = col != 0
        for k in known:
            m = np.uint64(k)
            ok &= ~(((col & m) == m) & (col != m))
        return ok
    ints = [as_int(row) for row in sets]
    return np.array([s != 0 and not any(k & s == k and k != s for k in known) for s in ints])
