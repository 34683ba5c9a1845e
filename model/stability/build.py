"""From a scenario to a conflict: feasible packages as states, each actor's moves and ranks.

A state is a feasible package (one that keeps every rule). An actor moves by changing any
non-empty set of the options it controls (`controlled_by`), to another feasible package; a
one-way option can only be taken (`one_way: take`) or only be dropped (`one_way: drop`).
Moves are built for all states at once: for each subset of an actor's options, the package
it leads to is looked up in a table of every package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from ..exact.compile import CompiledScenario, compile_scenario
from ..exact.values import Ints, Q, values
from ..exact.verdicts import Batch
from ..format.schema import Scenario
from .conflict import Conflict, Moves
from .preferences import actor_ranks

#: Options at most: 2^20 packages are looked at, each one's moves held in memory.
MAX_OPTIONS = 20
#: Moves held at most (states times the moves of each actor from a state), about 256 MB.
MAX_MOVES = 1 << 25


@dataclass(frozen=True)
class Model:
    """A scenario as a conflict, with what is needed to speak of its states in its own words."""

    compiled: CompiledScenario
    states: Ints  # internal masks of the feasible packages, ascending
    acceptable: NDArray[np.bool_]  # per state: every actor accepts it
    conflict: Conflict
    controls: tuple[int, ...]  # per actor: internal mask of the options it controls

    def index(self, mask: int) -> int:
        """The state of a package's internal mask (-1: not feasible)."""
        found = int(np.searchsorted(self.states, np.uint64(mask)))
        hit = found < self.states.size and int(self.states[found]) == mask
        return found if hit else -1

    def options(self, state: int) -> tuple[str, ...]:
        """The option ids of a state, in file order."""
        return self.compiled.option_ids(int(self.states[state]))


def moves_at_most(scenario: Scenario) -> int:
    """An upper bound on the moves `build` would hold, known before any package is judged:
    every package counted as feasible."""
    counts = [0] * len(scenario.actors)
    index = {actor: k for k, actor in enumerate(scenario.actors)}
    for option in scenario.options.values():
        if option.controlled_by in index:
            counts[index[option.controlled_by]] += 1
    return (1 << len(scenario.options)) * sum((1 << c) - 1 for c in counts)


def judged(compiled: CompiledScenario) -> tuple[Ints, NDArray[np.bool_]]:
    """Every feasible package (internal masks, ascending) and whether all actors accept it."""
    if compiled.n > MAX_OPTIONS:
        raise TooLargeError(
            f"the stability analysis looks at every package: at most {MAX_OPTIONS} options "
            f"(2^{MAX_OPTIONS} packages), and this scenario has {compiled.n}"
        )
    masks = np.arange(1 << compiled.n, dtype=np.uint64)
    batch = Batch(compiled, masks)
    rules = len(compiled.rules)
    feasible = np.asarray(batch.ok[:rules].all(axis=0), dtype=np.bool_)
    acceptable = np.asarray(batch.ok[rules:].all(axis=0), dtype=np.bool_)
    return masks[feasible], acceptable[feasible]


def build(scenario: Scenario) -> Model:
    """The scenario's conflict (raises TooLargeError beyond MAX_OPTIONS or MAX_MOVES)."""
    compiled = compile_scenario(scenario)
    states, acceptable = judged(compiled)
    controls = tuple(_mask(compiled, scenario, actor) for actor in scenario.actors)
    count = sum(states.size * ((1 << c.bit_count()) - 1) for c in controls)
    if count > MAX_MOVES:
        raise TooLargeError(
            f"the stability analysis would hold {count} moves (states times each actor's moves "
            f"from a state), more than its limit of {MAX_MOVES}: let fewer options be "
            "controlled by one actor, or add rules"
        )
    lookup = np.full(1 << compiled.n, states.size, dtype=np.int32)
    lookup[states.astype(np.intp)] = np.arange(states.size, dtype=np.int32)
    take, drop = _one_way(compiled, scenario, "take"), _one_way(compiled, scenario, "drop")
    moves = tuple(_moves(states, lookup, c, take, drop) for c in controls)
    grid: list[Q] = [values(m, states) for m in compiled.metrics]
    payoffs = tuple(
        actor_ranks(compiled, actor, states, grid) for actor in scenario.actors.values()
    )
    return Model(compiled, states, acceptable, Conflict(states.size, moves, payoffs), controls)


def _mask(compiled: CompiledScenario, scenario: Scenario, actor: str) -> int:
    """The internal mask of the options an actor controls."""
    ids = [o for o, option in scenario.options.items() if option.controlled_by == actor]
    return compiled.internal_mask(ids)


def _one_way(compiled: CompiledScenario, scenario: Scenario, way: str) -> int:
    """The internal mask of the options that are one-way in that direction."""
    return compiled.internal_mask([o for o, opt in scenario.options.items() if opt.one_way == way])


def subsets(mask: int) -> Ints:
    """Every non-empty subset of the bits of `mask`, as integers."""
    out = np.zeros(1, dtype=np.uint64)
    for bit in range(mask.bit_length()):
        if mask >> bit & 1:
            out = np.concatenate([out, out | np.uint64(1 << bit)])
    return out[1:]


def _moves(states: Ints, lookup: NDArray[np.int32], control: int, take: int, drop: int) -> Moves:
    """The moves from every state by changing some of `control`'s options (padded)."""
    changes = subsets(control)
    targets = states[:, None] ^ changes[None, :]
    dropped = states[:, None] & ~targets & np.uint64(take)  # a 'take' option let go
    taken = targets & ~states[:, None] & np.uint64(drop)  # a 'drop' option taken back
    found = lookup[targets.astype(np.intp)]
    allowed = (dropped == 0) & (taken == 0)
    moves: Moves = np.where(allowed, found, np.int32(states.size))
    return moves
