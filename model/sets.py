"""Failure sets: which constraints a package fails, as bits of a Python int.

In a chunk the sets are held as 64-bit words; the distinct ones are counted without sorting
(only the bits that vary in the chunk make up the key of a `bincount`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from guarantees.model.values import Ints

MAX_KEY_BITS = 20


def set_words(failed: int, n_words: int) -> list[int]:
    """A failure set as 64-bit words."""
    return [(failed >> (64 * w)) & ((1 << 64) - 1) for w in range(n_words)]


def distinct_sets(words: list[Ints], where: NDArray[np.bool_]) -> dict[int, int]:
    """Each distinct failure set among the packages selected by `where`, with its count."""
    chosen = [w[where] for w in words]
    if chosen[0].size == 0:
        return {}
    always = [int(np.bitwise_and.reduce(w)) for w in chosen]
    varying = [
        (i, b)
        for i, w in enumerate(chosen)
        for b in _bits(int(np.bitwise_or.reduce(w)) ^ always[i])
    ]
    base = sum(a << (64 * i) for i, a in enumerate(always))
    if len(varying) > MAX_KEY_BITS:
        return _by_sorting(chosen)
    key = np.zeros(chosen[0].shape, dtype=np.int64)
    for j, (i, b) in enumerate(varying):
        key |= ((chosen[i] >> np.uint64(b)) & np.uint64(1)).astype(np.int64) << j
    counts = np.bincount(key, minlength=1 << len(varying))
    out = {}
    for k in np.flatnonzero(counts):
        extra = sum(1 << (64 * i + b) for j, (i, b) in enumerate(varying) if int(k) >> j & 1)
        out[base | extra] = int(counts[k])
    return out


def _bits(value: int) -> list[int]:
    return [b for b in range(64) if value >> b & 1]


def _by_sorting(chosen: list[Ints]) -> dict[int, int]:
    """Fallback when too many bits vary for a bincount key."""
    rows, counts = np.unique(np.stack(chosen, axis=1), axis=0, return_counts=True)
    return {
        sum(int(v) << (64 * i) for i, v in enumerate(row)): int(n)
        for row, n in zip(rows, counts, strict=True)
    }


def minimal_sets(sets: Iterable[int]) -> list[int]:
    """The sets no other set of the collection is a proper subset of."""
    kept: list[int] = []
    for s in sorted(set(sets), key=lambda s: (s.bit_count(), s)):
        if not any(k & s == k for k in kept):
            kept.append(s)
    return kept
