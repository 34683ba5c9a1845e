"""The rank key of packages: better benefit, better risk, fewer options, earlier options."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .compile import CompiledScenario
from .enumerate import oriented
from .values import Ints, Q, values

Index = NDArray[np.intp]


def rank_keys(
    compiled: CompiledScenario,
    masks: Ints,
    benefit: Q | None = None,
    risk: Q | None = None,
) -> list[NDArray[np.int64] | NDArray[np.uint64]]:
    """Sort keys (most significant first, ascending = better) for internal masks.

    `benefit` and `risk` may be given when the packages' values are already known.
    """
    b_metric, r_metric = compiled.metrics[compiled.benefit], compiled.metrics[compiled.risk]
    b = values(b_metric, masks) if benefit is None else benefit
    r = values(r_metric, masks) if risk is None else risk
    size = np.bitwise_count(masks).astype(np.int64)
    reverse = reversed_positions(compiled, masks)
    return [-oriented(b, b_metric), -oriented(r, r_metric), size, ~reverse]


def reversed_positions(compiled: CompiledScenario, masks: Ints) -> Ints:
    """Masks with option at file position p on bit n-1-p: larger means earlier options."""
    out = np.zeros(masks.shape, dtype=np.uint64)
    n = compiled.n
    for bit, position in enumerate(compiled.perm):
        present = (masks >> np.uint64(bit)) & np.uint64(1)
        out |= present << np.uint64(n - 1 - position)
    return out


def rank_order(compiled: CompiledScenario, masks: Ints) -> NDArray[np.intp]:
    """Indices that put `masks` in rank-key order."""
    keys = rank_keys(compiled, masks)
    return np.lexsort(tuple(reversed(keys)))
