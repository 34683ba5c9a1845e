"""Every package of a scenario judged at once, packed for the explorer page.

A package's index is its file-order mask (bit i: the option at file position i), so a page
finds a package from the options ticked. The verdicts come from the exact engine's `Batch`
(the same code as `explain`), the acceptable packages and the concessions from `evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from ..exact.compile import CompiledScenario, Test, compile_scenario
from ..exact.points import ACCEPTABLE, BLOCKED, HELD_BACK
from ..exact.ranking import rank_order
from ..exact.results import ConstraintRef, Evaluation
from ..exact.values import Ints as Masks
from ..exact.values import Q
from ..exact.verdicts import Batch
from ..format.schema import Scenario
from .nearest import Nearest, nearest_acceptable

#: The page holds every package: 2^16 = 65,536 of them, a page of a few megabytes.
MAX_OPTIONS = 16
#: Status of a package that breaks a rule (beside exact.points' three feasible statuses).
INFEASIBLE = 3
#: Bits per word of the packed failures (a JavaScript Uint32Array reads them).
WORD = 32

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BoundRef:
    """One bound of a limit: which test (rules first, then constraints) and where it lies."""

    test: int
    metric: int
    side: str  # "min" or "max"
    bound: float  # as written
    q_bound: int  # on the metric's grid


@dataclass(frozen=True, eq=False)
class ExploreTable:
    """Every package of a scenario, by file-order mask, judged by the exact engine."""

    compiled: CompiledScenario
    tests: tuple[Test, ...]  # rules, then every actor's constraints (bit k of `failed`)
    failed: NDArray[np.uint32]  # (packages, words): bit k % 32 of word k // 32: test k fails
    grid: Q  # (packages, metrics) on the grid
    bounds: tuple[BoundRef, ...]
    missed: Bools  # (packages, bounds): the package misses that bound
    status: NDArray[np.int8]  # ACCEPTABLE, HELD_BACK, BLOCKED or INFEASIBLE
    nearest: Nearest
    concession: Ints  # the first of evaluate's concessions within what it fails, or -1
    minimal: Bools  # what it fails is itself one of evaluate's concessions

    @property
    def size(self) -> int:
        return int(self.status.size)


def check_size(scenario: Scenario) -> None:
    """Refuse (TooLargeError) a scenario with more than MAX_OPTIONS options."""
    n = len(scenario.options)
    if n > MAX_OPTIONS:
        raise TooLargeError(
            f"the explorer page holds every package: at most {MAX_OPTIONS} options "
            f"(2^{MAX_OPTIONS} packages), and scenario '{scenario.id}' has {n}; "
            "use evaluate or explain, or fewer options"
        )


def explore_table(scenario: Scenario, evaluation: Evaluation) -> ExploreTable:
    """Judge every package of the scenario (raises TooLargeError above MAX_OPTIONS)."""
    check_size(scenario)
    compiled = compile_scenario(scenario)
    batch = Batch(compiled, internal_masks(compiled))
    fails = ~batch.ok  # (tests, packages)
    rules = len(compiled.rules)
    tests = compiled.rules + compiled.constraints
    grid = np.stack(batch.values, axis=1)
    bounds = _bounds(tests)
    status = _status(compiled, fails)
    concession, minimal = _concessions(compiled, evaluation, fails[rules:], status)
    return ExploreTable(
        compiled=compiled,
        tests=tests,
        failed=pack(fails),
        grid=grid,
        bounds=bounds,
        missed=_missed(grid, bounds, fails),
        status=status,
        nearest=nearest_acceptable(compiled.n, _ranked_acceptable(compiled, status)),
        concession=concession,
        minimal=minimal,
    )


def _ranked_acceptable(compiled: CompiledScenario, status: NDArray[np.int8]) -> Masks:
    """The acceptable packages' file-order masks, best first (the rank of `evaluate`)."""
    files = np.flatnonzero(status == ACCEPTABLE).astype(np.uint64)
    internal = internal_masks(compiled)[files.astype(np.intp)]
    ranked: Masks = files[rank_order(compiled, internal)]
    return ranked


def internal_masks(compiled: CompiledScenario) -> Masks:
    """The internal mask of every package, in file-order mask order (0 to 2^n - 1)."""
    files = np.arange(1 << compiled.n, dtype=np.uint64)
    out = np.zeros_like(files)
    for bit, position in enumerate(compiled.perm):
        out |= ((files >> np.uint64(position)) & np.uint64(1)) << np.uint64(bit)
    return out


def pack(fails: Bools) -> NDArray[np.uint32]:
    """(tests, packages) booleans as (packages, words) of 32 bits, test k at bit k % 32."""
    tests, size = fails.shape
    words = max(1, -(-tests // WORD))
    out = np.zeros((size, words), dtype=np.uint32)
    for k in range(tests):
        out[:, k // WORD] |= fails[k].astype(np.uint32) << np.uint32(k % WORD)
    return out


def _bounds(tests: tuple[Test, ...]) -> tuple[BoundRef, ...]:
    """Every bound of every limit, in test order."""
    return tuple(
        BoundRef(k, metric, side, bound, q_bound)
        for k, test in enumerate(tests)
        for metric, side, bound, q_bound in test.bounds
    )


def _missed(grid: Q, bounds: tuple[BoundRef, ...], fails: Bools) -> Bools:
    """Per package and bound: whether the package misses it (as `Batch.misses` decides)."""
    out = np.zeros((grid.shape[0], len(bounds)), dtype=np.bool_)
    for j, b in enumerate(bounds):
        value = grid[:, b.metric]
        out[:, j] = (value < b.q_bound) if b.side == "min" else (value > b.q_bound)
        out[:, j] &= fails[b.test]
    return out


def _status(compiled: CompiledScenario, fails: Bools) -> NDArray[np.int8]:
    """Each package's status: infeasible, blocked, held back by limits, or acceptable."""
    rules = len(compiled.rules)
    hard = np.array([t.hard for t in compiled.constraints], dtype=np.bool_)
    constraints = fails[rules:]
    status = np.full(fails.shape[1], ACCEPTABLE, dtype=np.int8)
    status[constraints.any(axis=0)] = HELD_BACK
    status[constraints[hard].any(axis=0)] = BLOCKED
    status[fails[:rules].any(axis=0)] = np.int8(INFEASIBLE)
    return status


def _concessions(
    compiled: CompiledScenario, evaluation: Evaluation, fails: Bools, status: NDArray[np.int8]
) -> tuple[Ints, Bools]:
    """Per package, the first of evaluate's concessions (smallest first) within the set of
    constraints it fails, and whether that set is one of them (a minimal failure set).

    Only feasible packages that someone rejects have one; the others get -1 and False.
    """
    size = fails.shape[1]
    concession = np.full(size, -1, dtype=np.int64)
    minimal = np.zeros(size, dtype=np.bool_)
    open_ = np.flatnonzero((status != ACCEPTABLE) & (status != INFEASIBLE))
    if open_.size == 0 or not evaluation.concessions:
        return concession, minimal
    sets, inverse = np.unique(pack(fails[:, open_]), axis=0, return_inverse=True)
    first = np.full(sets.shape[0], -1, dtype=np.int64)
    equal = np.zeros(sets.shape[0], dtype=np.bool_)
    index = _constraint_index(compiled)
    for j, found in enumerate(evaluation.concessions):
        row = _row(index, found.constraints, sets.shape[1])
        within = ((row & ~sets) == 0).all(axis=1)
        first[(first < 0) & within] = j
        equal |= (sets == row).all(axis=1)
    concession[open_] = first[inverse.ravel()]
    minimal[open_] = equal[inverse.ravel()]
    return concession, minimal


def _constraint_index(compiled: CompiledScenario) -> dict[tuple[str | None, int], int]:
    """Each constraint's position among the compiled constraints, by (actor, index)."""
    return {(t.ref.actor, t.ref.index): k for k, t in enumerate(compiled.constraints)}


def _row(
    index: dict[tuple[str | None, int], int], refs: tuple[ConstraintRef, ...], words: int
) -> NDArray[np.uint32]:
    """A set of constraints as one packed row."""
    row = np.zeros(words, dtype=np.uint32)
    for ref in refs:
        k = index[(ref.actor, ref.index)]
        row[k // WORD] |= np.uint32(1 << (k % WORD))
    return row
