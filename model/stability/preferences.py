"""Each actor's preference over states as ranks (higher is better, equal is a tie).

Three forms (docs/format.md, actors): `priorities`, statements most important first, each
outweighing all later ones together (lexicographic on which statements hold); `utility`,
weights on metrics (the package's value) and on options or tags (1 when matched), summed and
put on the tolerance grid so that noise never breaks a tie; `ranking`, packages listed most
preferred first, with ties.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..exact import ir
from ..exact.compile import CompiledScenario, expression_node
from ..exact.values import SCALE, Ints, Q, quantize
from ..format.schema import Actor
from .conflict import Ranks


def dense_ranks(keys: NDArray[np.generic]) -> Ranks:
    """0 for the least key, counting up by distinct key (rows of a 2-D array compare in order)."""
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    ranks: Ranks = inverse.reshape(-1).astype(np.int64)
    return ranks


def actor_ranks(compiled: CompiledScenario, actor: Actor, states: Ints, grid: list[Q]) -> Ranks:
    """The actor's ranks over the states (all 0, indifferent, when it states no preference)."""
    if actor.priorities:
        return _priority_ranks(compiled, actor, states, grid)
    if actor.utility:
        return _utility_ranks(compiled, actor, states, grid)
    if actor.ranking:
        return _ranking_ranks(compiled, actor, states)
    return np.zeros(states.size, dtype=np.int64)


def _priority_ranks(compiled: CompiledScenario, actor: Actor, states: Ints, grid: list[Q]) -> Ranks:
    """Lexicographic on the statements that hold, the first most significant."""

    def compare(node: ir.MetricCmp) -> NDArray[np.bool_]:
        return ir.q_compare(grid[node.metric], node.op, node.grid)

    holds = np.stack(
        [ir.vector(expression_node(compiled, p), states, compare) for p in actor.priorities],
        axis=1,
    )
    return dense_ranks(np.packbits(holds, axis=1))


def _utility_ranks(compiled: CompiledScenario, actor: Actor, states: Ints, grid: list[Q]) -> Ranks:
    """The weighted sum of metric values and matched options or tags, on the grid."""
    total = np.zeros(states.size, dtype=np.float64)
    for name, weight in actor.utility.items():
        if name in compiled.metric_index:
            total += weight * (grid[compiled.metric_index[name]] / SCALE)
        else:
            total += weight * ((states & np.uint64(compiled.names[name])) != 0)
    return dense_ranks(quantize(total))


def _ranking_ranks(compiled: CompiledScenario, actor: Actor, states: Ints) -> Ranks:
    """Earlier entries rank higher; packages of one entry tie (unlisted ones rank lowest)."""
    listed = [
        (compiled.internal_mask(list(package)), len(actor.ranking) - index)
        for index, entry in enumerate(actor.ranking)
        for package in entry
    ]
    masks = np.array([m for m, _ in listed], dtype=np.uint64)
    ranks = np.array([r for _, r in listed], dtype=np.int64)
    where = np.searchsorted(states, masks)  # states are ascending
    found = where < states.size
    found[found] = states[where[found]] == masks[found]
    out = np.zeros(states.size, dtype=np.int64)
    out[where[found]] = ranks[found]
    return out
