"""The nearest acceptable package of every package at once: fewest options added or dropped.

Packages are the corners of the n-cube (bit i: option i); the distance between two is the
number of options in which they differ (Hamming). A multi-source breadth-first search from
every acceptable package computes, for all 2^n packages, the least (distance, rank) over the
acceptable ones: one sweep per bit, each package taking the better of its own key and its
neighbour's across that bit plus one step. Any shortest route can flip its bits in
ascending order, so one sweep over the bits is exact (the subset-sum dynamic programme of
Yates's algorithm); O(n 2^n), vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class Nearest:
    """Per package (file-order mask): its nearest acceptable package and how far it is.

    `package` is -1 and `distance` -1 when no package is acceptable. Ties are broken by the
    rank of the acceptable packages (the best first), as `evaluate` lists them.
    """

    package: Ints
    distance: Ints


def nearest_acceptable(n: int, ranked: NDArray[np.uint64]) -> Nearest:
    """The nearest acceptable package of each of the 2^n packages.

    `ranked` holds the acceptable packages' file-order masks, best first.
    """
    size = 1 << n
    step = np.int64(size)  # one step outweighs every rank: keys order by distance, then rank
    never = np.int64(np.iinfo(np.int64).max // 2)
    key = np.full(size, never, dtype=np.int64)
    key[ranked.astype(np.intp)] = np.arange(ranked.size, dtype=np.int64)
    index = np.arange(size, dtype=np.intp)
    for bit in range(n):
        key = np.minimum(key, key[index ^ (1 << bit)] + step)
    found = key < never
    rank = np.where(found, key % step, 0)
    package = np.where(found, ranked.astype(np.int64)[rank] if ranked.size else -1, -1)
    distance = np.where(found, key // step, -1)
    return Nearest(package.astype(np.int64), distance.astype(np.int64))
