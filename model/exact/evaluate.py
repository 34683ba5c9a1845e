"""`evaluate` and `explain`: every report of docs/explanation/semantics.md for a scenario.

One exact pass over all packages (see enumerate.py) keeps the acceptable packages, frontier
candidates, counts of failed constraints per actor and per constraint, and the concession
search's candidates; every report is derived from those. A large pass may be shared among
worker processes, each walking some of the chunks, and their shares merged exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import PackageError, TooLargeError, did_you_mean
from ..format.identity import scenario_hash
from ..format.schema import Scenario
from .bitsets import minimal_members
from .compile import CompiledScenario, compile_scenario
from .concessions import ConcessionSearch
from .enumerate import Chunk, Enumerator, Progress, exact_frontier, oriented
from .ranking import rank_keys, rank_order
from .results import (
    ActorBlocks,
    Concession,
    ConstraintCount,
    Counts,
    Evaluation,
    Explanation,
    Frontier,
    Verdict,
)
from .sets import SetCounts, chunk_sets
from .values import SCALE, Ints, Q, q_scalar, values
from .verdicts import Batch, TradeOffList, grid_values, package_list
from .workers import can_fork, run_shares

BLOCK = 1024
#: Fewer packages than this and the pass stays in one process whatever `jobs` says.
PARALLEL_FROM = 2**21
#: More acceptable packages (or frontier candidates) than this and evaluation stops: each is
#: ranked and listed, in arrays of 8 bytes per package (several GB at this bound). Every
#: scenario of up to 26 options (2^26 packages) is below it.
MAX_LISTED = 2**26


@dataclass
class _Pass:
    """What the enumeration pass keeps (nothing per distinct failure set)."""

    sets: SetCounts
    feasible: int = 0
    acceptable: list[Ints] = field(default_factory=list)
    frontier: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    opened: dict[int, tuple[int, float]] = field(default_factory=dict)


@dataclass
class _Share:
    """What a walk over some of the chunks keeps: shares merge exactly, in any grouping."""

    sets: SetCounts
    search: ConcessionSearch
    feasible: int = 0
    acceptable: list[Ints] = field(default_factory=list)
    frontier: list[Ints] = field(default_factory=list)  # each chunk's frontier
    listed: list[int] = field(default_factory=lambda: [0, 0])  # acceptable, frontier

    def keep(self, compiled: CompiledScenario, acceptable: Ints, frontier: Ints) -> None:
        """Keep a chunk's acceptable and frontier packages, within MAX_LISTED."""
        self.acceptable.append(acceptable)
        self.frontier.append(frontier)
        self.listed[0] += int(acceptable.size)
        self.listed[1] += int(frontier.size)
        check_listed(compiled, *self.listed)


def check_listed(compiled: CompiledScenario, acceptable: int, frontier: int) -> None:
    """Refuse (TooLargeError) a scenario with more packages to list than memory allows."""
    for count, what in ((acceptable, "acceptable packages"), (frontier, "frontier candidates")):
        if count > MAX_LISTED:
            raise TooLargeError(
                f"scenario '{compiled.scenario.id}' has more than {MAX_LISTED:,} {what} "
                f"(of 2^{compiled.n} packages): too many to rank and list in memory; add "
                "constraints or metric values, or use fewer options"
            )


def evaluate(scenario: Scenario, *, progress: Progress | None = None, jobs: int = 1) -> Evaluation:
    """Every report for a scenario, exactly, by enumerating all 2^n packages.

    With `jobs` > 1 the chunks are shared among that many worker processes, forked (see
    workers.py), when the scenario is large enough for it to pay (`workers_for`); the result
    is the same, byte for byte.
    Raises TooLargeError above enumerate.MAX_OPTIONS options, and with more than MAX_LISTED
    acceptable packages or frontier candidates.
    """
    compiled = compile_scenario(scenario)
    walker = Enumerator(compiled)
    tally = _first_pass(walker, progress, jobs)
    return _evaluation(compiled, walker, tally)


def _first_pass(walker: Enumerator, progress: Progress | None, jobs: int) -> _Pass:
    """Walk every chunk once, keeping only the answers: in one process or in `jobs`."""
    order = walker.by_benefit()
    workers = workers_for(walker, jobs)
    if workers == 1:
        return _merged(walker, [_walk(walker, order, progress)])
    # Dealt round-robin: every worker starts with promising chunks, and gets as many.
    shares = [order[w::workers] for w in range(workers)]
    work = functools.partial(_walk_ticking, walker)
    return _merged(walker, run_shares(work, shares, progress=progress, total=walker.chunks))


def workers_for(walker: Enumerator, jobs: int) -> int:
    """How many processes walk the chunks: one unless there are PARALLEL_FROM packages or
    more (starting a worker costs tens of milliseconds), and never more than the chunks."""
    if jobs <= 1 or walker.chunks << walker.low < PARALLEL_FROM or not can_fork():
        return 1
    return min(jobs, walker.chunks)


def _walk_ticking(walker: Enumerator, numbers: list[int], tick: Callable[[], None]) -> _Share:
    """`_walk` in a worker process, ticking once per chunk."""
    return _walk(walker, numbers, lambda done, total: tick())


def _walk(walker: Enumerator, numbers: list[int], progress: Progress | None) -> _Share:
    """Walk the chunks `numbers` in that order, keeping what the reports need from them."""
    share = _Share(_set_counts(walker.c), ConcessionSearch(walker.c))
    for chunk in walker.walk(progress, order=numbers):
        where = walker.feasible_index(chunk)
        share.feasible += int(where.size)
        front = walker.frontier(chunk)
        share.keep(walker.c, chunk.masks(_acceptable(chunk)), chunk.masks(front))
        sets = chunk_sets(chunk.planes, chunk.feasible, where)
        share.sets.add(sets)
        share.search.visit(chunk, sets, walker.best_benefit(chunk, front))
    return share


def _merged(walker: Enumerator, shares: list[_Share]) -> _Pass:
    """The pass from its shares: counts added, packages pooled, concessions merged.

    Acceptable and frontier packages are ranked later by a total order, and each failure
    set keeps its package of least key: nothing depends on how the chunks were shared.
    """
    listed = [sum(share.listed[k] for share in shares) for k in range(2)]
    check_listed(walker.c, *listed)
    first = shares[0]
    for share in shares[1:]:
        first.sets.absorb(share.sets)
        first.search.absorb(share.search)
    return _Pass(
        sets=first.sets,
        feasible=sum(share.feasible for share in shares),
        acceptable=[part for share in shares for part in share.acceptable],
        frontier=_global_frontier(
            walker.c, np.concatenate([part for share in shares for part in share.frontier])
        ),
        opened=first.search.result(),
    )


def _set_counts(compiled: CompiledScenario) -> SetCounts:
    """Empty counts of failed constraints, per actor and per constraint."""
    tests = list(enumerate(compiled.constraints))
    actors = range(len(compiled.actors))
    return SetCounts(
        actors=[sum(1 << k for k, t in tests if t.actor == a) for a in actors],
        hard=[sum(1 << k for k, t in tests if t.actor == a and t.hard) for a in actors],
        n_constraints=len(tests),
    )


def _acceptable(chunk: Chunk) -> NDArray[np.intp]:
    """Chunk indices of the feasible packages that fail no constraint."""
    ok = chunk.feasible.copy()
    for plane in chunk.planes:
        ok &= plane == 0
    return np.flatnonzero(ok)


def _global_frontier(compiled: CompiledScenario, masks: Ints) -> Ints:
    """The frontier among every chunk's frontier packages."""
    benefit, risk = compiled.metrics[compiled.benefit], compiled.metrics[compiled.risk]
    bq = oriented(values(benefit, masks), benefit)
    rq = oriented(values(risk, masks), risk)
    return masks[exact_frontier(np.arange(masks.size), bq, rq)]


def _evaluation(compiled: CompiledScenario, walker: Enumerator, tally: _Pass) -> Evaluation:
    acceptable, grid = _ranked(compiled, np.concatenate(tally.acceptable))
    minimal = _minimal_mask(acceptable)
    frontier = tally.frontier[rank_order(compiled, tally.frontier)]
    scenario = compiled.scenario
    return Evaluation(
        scenario_id=scenario.id,
        title=scenario.title,
        scenario_hash=scenario_hash(scenario),
        benefit=scenario.tradeoff.benefit,
        risk=scenario.tradeoff.risk,
        counts=Counts(
            compiled.n,
            len(compiled.actors),
            1 << compiled.n,
            tally.feasible,
            int(acceptable.size),
            tally.sets.held_back,
        ),
        acceptable=package_list(compiled, acceptable, grid),
        minimal=package_list(compiled, acceptable[minimal], grid[minimal]),
        frontier=_frontier(compiled, frontier, acceptable),
        tradeoffs=_tradeoffs(compiled, frontier),
        blocks=_blocks(compiled, tally.sets),
        constraint_fails=_constraint_fails(compiled, tally.sets),
        concessions=_concessions(compiled, tally),
    )


def _ranked(compiled: CompiledScenario, masks: Ints) -> tuple[Ints, Q]:
    """Packages in rank order, with their metrics on the grid (computed once for both)."""
    grid = grid_values(compiled, masks)
    benefit, risk, size, later = rank_keys(
        compiled, masks, grid[:, compiled.benefit], grid[:, compiled.risk]
    )
    # (size, later) as one key: size above the n bits of `later` (its reversed positions,
    # complemented), so one sort key less and the same order
    full = np.uint64((1 << compiled.n) - 1)
    tail = (size.astype(np.uint64) << np.uint64(compiled.n)) | (later.astype(np.uint64) & full)
    order = np.lexsort((tail, risk, benefit))
    return masks[order], grid[order]


def _member(masks: Ints, pool: Ints) -> NDArray[np.bool_]:
    """Whether each mask is in the pool (by a sorted copy of the pool)."""
    if masks.size == 0 or pool.size == 0:
        return np.zeros(masks.size, dtype=np.bool_)
    ordered = np.sort(pool)
    at = np.minimum(np.searchsorted(ordered, masks), ordered.size - 1)
    found: NDArray[np.bool_] = ordered[at] == masks
    return found


def _minimal_mask(ranked: Ints) -> NDArray[np.bool_]:
    """Which acceptable packages have no acceptable proper subset (see bitsets.py)."""
    return minimal_members(ranked)


def _frontier(compiled: CompiledScenario, ranked: Ints, acceptable: Ints) -> Frontier:
    """Frontier packages (in rank order) grouped into points of equal (benefit, risk).

    Kept as arrays: a point may hold every package of the scenario (options with no values).
    """
    grid = grid_values(compiled, ranked)
    axes = (compiled.benefit, compiled.risk)
    on_axes = grid[:, list(axes)]
    changed = np.any(on_axes[1:] != on_axes[:-1], axis=1)  # compared on the grid, exactly
    starts = np.flatnonzero(np.concatenate(([ranked.size > 0], changed)))
    packages = package_list(compiled, ranked, grid)
    return Frontier(packages, _member(ranked, acceptable), starts, axes)


def _tradeoffs(compiled: CompiledScenario, ranked: Ints) -> TradeOffList:
    """Frontier packages (in rank order) that fail only limits, judged a block at a time."""
    hard = np.array([t.hard for t in compiled.constraints], dtype=np.bool_)
    only = np.zeros(ranked.size, dtype=np.bool_)
    for start in range(0, ranked.size, BLOCK * BLOCK):
        fails = ~Batch(compiled, ranked[start : start + BLOCK * BLOCK]).ok[len(compiled.rules) :]
        only[start : start + BLOCK * BLOCK] = fails.any(axis=0) & ~fails[hard].any(axis=0)
    return TradeOffList(compiled, ranked[only])


def _blocks(compiled: CompiledScenario, sets: SetCounts) -> tuple[ActorBlocks, ...]:
    """Per actor: packages it rejects, blocks by veto/demand/condition, and rejects alone."""
    return tuple(
        ActorBlocks(actor, int(sets.rejects[a]), int(sets.blocks[a]), int(sets.sole[a]))
        for a, actor in enumerate(compiled.actors)
    )


def _constraint_fails(compiled: CompiledScenario, sets: SetCounts) -> tuple[ConstraintCount, ...]:
    return tuple(
        ConstraintCount(t.ref, int(sets.fails[k])) for k, t in enumerate(compiled.constraints)
    )


def _concessions(compiled: CompiledScenario, tally: _Pass) -> tuple[Concession, ...]:
    """Minimal failure sets, each with the package it opens most cheaply, smallest first."""
    opened = list(tally.opened.items())
    if not opened:
        return ()
    batch = Batch(compiled, np.array([mask for _, (mask, _) in opened], dtype=np.uint64))
    ranks = list(zip(*(k.tolist() for k in rank_keys(compiled, batch.masks)), strict=True))
    found = []
    for j, (failed, (_, shift)) in enumerate(opened):
        refs = tuple(t.ref for k, t in enumerate(compiled.constraints) if failed >> k & 1)
        on_grid = q_scalar(shift) / SCALE
        concession = Concession(refs, batch.package(j), on_grid, batch.failures(j, rules=False))
        positions = [r.index if r.actor is None else compiled.actors.index(r.actor) for r in refs]
        found.append(((len(refs), q_scalar(on_grid), ranks[j], positions), concession))
    return tuple(concession for _, concession in sorted(found, key=lambda kept: kept[0]))


def explain(scenario: Scenario, options: list[str] | tuple[str, ...]) -> Explanation:
    """Every actor's verdict on the package of the named options (each failure with its note)."""
    unknown = [o for o in options if o not in scenario.options]
    if unknown:
        raise PackageError(
            "; ".join(f"unknown option '{o}'{did_you_mean(o, scenario.options)}" for o in unknown)
        )
    compiled = compile_scenario(scenario)
    batch = Batch(compiled, np.array([compiled.internal_mask(list(options))], dtype=np.uint64))
    failures = batch.failures(0, rules=False)
    verdicts = tuple(
        Verdict(actor_id, actor.name, tuple(f for f in failures if f.constraint.actor == actor_id))
        for actor_id, actor in scenario.actors.items()
    )
    return Explanation(
        scenario.id,
        scenario_hash(scenario),
        batch.package(0),
        batch.failures(0, rules=True),
        verdicts,
    )
