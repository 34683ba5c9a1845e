"""`robustness`: the exact engine's answers under many joint draws of the uncertain values."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from ..exact.compile import CompiledScenario, compile_scenario
from ..exact.ranking import rank_order
from ..exact.values import SCALE, Floats
from ..exact.workers import can_fork, run_shares
from ..format.schema import Scenario
from .batch import WORD, Verdicts, drawn, low_table, statics
from .drivers import drivers
from .frontiers import Frontiers, Fronts, frontier_draws
from .prim import find_rule
from .results import (
    ActorChance,
    ConcessionChance,
    ConstraintChance,
    Estimate,
    FrontierMovement,
    FrontierPackage,
    PackageChance,
    PackageRobustness,
    Robustness,
    Summary,
)
from .sampling import Slot, draw, slots
from .tally import FailureSet, Tally, actor_words

#: Robustness enumerates every package in every draw: it stops here (2^22 packages).
MAX_OPTIONS = 22
LOW_BITS = 16
#: Fewer (package, draw) cells than this stay in one process: forking would cost more.
PARALLEL = 1 << 24
#: (package, draw) cells held at once per array: bounds the memory of a batch.
BATCH_CELLS = 1 << 20
#: Longest package lists kept (by chance); every count is still over all packages.
LISTED = 1000
Progress = Callable[[int, int], None]


def robustness(
    scenario: Scenario,
    *,
    samples: int,
    seed: int,
    threshold: float = 0.5,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Robustness:
    """Sample every uncertain value jointly `samples` times and evaluate every package in each."""
    found, _ = robustness_with_counts(
        scenario, samples=samples, seed=seed, threshold=threshold, jobs=jobs, progress=progress
    )
    return found


def robustness_with_counts(
    scenario: Scenario,
    *,
    samples: int,
    seed: int,
    threshold: float = 0.5,
    jobs: int = 1,
    progress: Progress | None = None,
) -> tuple[Robustness, NDArray[np.int64]]:
    """`robustness`, and in how many draws each package (by internal mask) is acceptable: the
    counts behind every package's chance, of which `Robustness` lists the first LISTED."""
    compiled, chosen, values = _sampled(scenario, samples, seed)
    tally = _pass(
        compiled, chosen, values, progress, jobs, follow=frontier_draws(compiled, samples)
    )
    names = [s.name for s in chosen]
    found = _summary(compiled, tally, names, values, seed=seed, threshold=threshold)
    counts: NDArray[np.int64] = tally.accepted
    return found, counts


def _sampled(
    scenario: Scenario, samples: int, seed: int
) -> tuple[CompiledScenario, tuple[Slot, ...], Floats]:
    """The compiled scenario, its uncertain values and their draws; refused past the limit."""
    compiled = compile_scenario(scenario)
    if compiled.n > MAX_OPTIONS:
        raise TooLargeError(
            f"scenario '{scenario.id}' has {compiled.n} options: the robustness analysis "
            f"evaluates all 2^n packages in every draw and stops at {MAX_OPTIONS} options"
        )
    chosen = slots(scenario)
    return compiled, chosen, draw(chosen, samples, seed)


def _pass(
    compiled: CompiledScenario,
    chosen: tuple[Slot, ...],
    values: Floats,
    progress: Progress | None,
    jobs: int,
    *,
    follow: int = 0,
) -> Tally:
    """Every package under every draw; with several jobs, each process takes a run of draws.
    The frontiers of the first `follow` draws are kept too (frontiers.py)."""
    samples = values.shape[0]
    jobs = min(jobs, samples) if can_fork() and samples * 2**compiled.n >= PARALLEL else 1
    if jobs <= 1:
        return _run(compiled, chosen, values, progress, follow=follow)
    edges = np.linspace(0, samples, jobs + 1).astype(int)
    shares = [(int(a), int(b)) for a, b in itertools.pairwise(edges)]

    def work(share: tuple[int, int], tick: Callable[[], None]) -> Tally:
        told = [0]

        def report(done: int, _: int) -> None:  # a tick per draw done
            for _ in range(done - told[0]):
                tick()
            told[0] = done

        part = values[share[0] : share[1]]
        return _run(compiled, chosen, part, report, follow=follow, offset=share[0])

    return Tally.joined(run_shares(work, shares, progress=progress, total=samples))


def _run(
    compiled: CompiledScenario,
    chosen: tuple[Slot, ...],
    values: Floats,
    progress: Progress | None,
    *,
    follow: int = 0,
    offset: int = 0,
) -> Tally:
    """Every package under every draw, in batches of draws and chunks of packages; `values`
    are the draws from number `offset` of the whole pass."""
    samples = values.shape[0]
    low = min(compiled.n, LOW_BITS)
    chunks = [statics(compiled, p << low, low) for p in range(1 << (compiled.n - low))]
    widest = max(c.rows.size for c in chunks)
    batch = max(1, min(samples, BATCH_CELLS // max(1, widest)))
    fronts = Fronts(compiled, follow, offset) if follow else None
    tally = Tally(compiled, samples, fronts)
    for start in range(0, samples, batch):
        numbers = drawn(compiled, chosen, values[start : start + batch])
        lows = [low_table(m, numbers.factors[i], low) for i, m in enumerate(compiled.metrics)]
        for chunk in chunks:
            if chunk.rows.size:
                tally.add(chunk, Verdicts(compiled, chunk, numbers, lows), start)
        if progress is not None:
            progress(min(start + batch, samples), samples)
    return tally


def _summary(
    compiled: CompiledScenario,
    tally: Tally,
    names: list[str],
    values: np.ndarray,
    *,
    seed: int,
    threshold: float,
) -> Robustness:
    """The estimates of a finished pass."""
    samples = tally.deal.size
    no_deal = ~tally.deal
    pairs = max(1, tally.feasible_pairs)
    counts = Counter(int(m) for m in tally.best_mask if m >= 0)
    best = _by_chance(compiled, np.array(sorted(counts), dtype=np.int64), counts, samples)
    somewhere = np.flatnonzero(tally.accepted)
    listed = _by_chance(compiled, somewhere, tally.accepted, samples)
    return Robustness(
        scenario_id=compiled.scenario.id,
        title=compiled.scenario.title,
        samples=samples,
        seed=seed,
        threshold=threshold,
        uncertain=tuple(names),
        deal=Estimate(int(tally.deal.sum()), samples),
        packages=listed,
        robust=[p for p in listed if p.chance.share >= threshold],
        best=best,
        actors=tuple(
            ActorChance(
                actor,
                rejects=float(tally.rejects[a] / pairs),
                alone=Estimate(int(tally.alone[a].sum()), samples),
                decisive=Estimate(int((tally.alone[a] & no_deal).sum()), int(no_deal.sum())),
            )
            for a, actor in enumerate(compiled.actors)
        ),
        constraints=tuple(
            ConstraintChance(test.ref.label, float(tally.fails[k] / pairs))
            for k, test in enumerate(compiled.constraints)
        ),
        concessions=_concessions(compiled, tally, no_deal),
        drivers=drivers(names, values, tally.deal),
        rule=find_rule(names, values, tally.deal),
        frontier=None if tally.fronts is None else _movement(compiled, tally.fronts.frontiers()),
    )


def _movement(compiled: CompiledScenario, found: Frontiers) -> FrontierMovement:
    """The followed draws' frontiers as points, and the packages most often on them."""
    sign = [1 if compiled.metrics[m].higher else -1 for m in (compiled.benefit, compiled.risk)]
    cells = np.unique(np.stack([found.draw, found.benefit, found.risk], axis=1), axis=0)
    points = tuple(
        (int(d), sign[0] * int(b) / SCALE, sign[1] * int(r) / SCALE) for d, b, r in cells.tolist()
    )
    masks, where = np.unique(found.masks, return_inverse=True)
    on = np.bincount(where, minlength=masks.size)
    held = np.bincount(where, weights=found.tradeoff, minlength=masks.size).astype(np.int64)
    return FrontierMovement(
        draws=found.draws,
        points=points,
        packages=_frontier_packages(compiled, masks, on, held, by=on, draws=found.draws),
        tradeoffs=_frontier_packages(compiled, masks, on, held, by=held, draws=found.draws),
    )


def _frontier_packages(
    compiled: CompiledScenario,
    masks: np.ndarray,
    on: np.ndarray,
    held: np.ndarray,
    *,
    by: np.ndarray,
    draws: int,
) -> list[FrontierPackage]:
    """Packages counted in `by` (more than 0), most first, then by rank key; at most LISTED."""
    some = np.flatnonzero(by)
    if some.size == 0:
        return []
    rank = np.empty(some.size, dtype=np.int64)
    rank[rank_order(compiled, masks[some].astype(np.uint64))] = np.arange(some.size)
    order = some[np.lexsort((rank, -by[some]))][:LISTED]
    return [
        FrontierPackage(
            compiled.option_ids(int(masks[i])),
            Estimate(int(on[i]), draws),
            Estimate(int(held[i]), draws),
        )
        for i in order
    ]


def _by_chance(
    compiled: CompiledScenario, masks: np.ndarray, counts: object, samples: int
) -> list[PackageChance]:
    """Packages by how often they count (most first), then by rank key; at most LISTED."""
    if masks.size == 0:
        return []
    hits = np.array([counts[int(m)] for m in masks], dtype=np.int64)  # type: ignore[index]
    rank = np.empty(masks.size, dtype=np.int64)
    rank[rank_order(compiled, masks.astype(np.uint64))] = np.arange(masks.size)
    order = np.lexsort((rank, -hits))[:LISTED]
    return [
        PackageChance(compiled.option_ids(int(masks[i])), Estimate(int(hits[i]), samples))
        for i in order
    ]


def _concessions(
    compiled: CompiledScenario, tally: Tally, no_deal: np.ndarray
) -> tuple[ConcessionChance, ...]:
    """How often each set of constraints is a smallest concession, over draws without a deal."""
    found: Counter[FailureSet] = Counter()
    for d in np.flatnonzero(no_deal):
        found.update(tally.smallest_sets[d])
    draws = int(no_deal.sum())
    labels = [t.ref.label for t in compiled.constraints]
    ordered = sorted(found.items(), key=lambda item: (-item[1], _members(item[0])))
    return tuple(
        ConcessionChance(tuple(labels[k] for k in _members(words)), Estimate(count, draws))
        for words, count in ordered[:LISTED]
    )


def _members(words: FailureSet) -> tuple[int, ...]:
    """Constraint indices of a failure set."""
    return tuple(w * WORD + b for w, word in enumerate(words) for b in range(WORD) if word >> b & 1)


def summary(scenario: Scenario, *, samples: int, seed: int, jobs: int = 1) -> Summary:
    """The short robustness section of `evaluate` (the same draws as `robustness`)."""
    compiled, chosen, values = _sampled(scenario, samples, seed)
    tally = _pass(compiled, chosen, values, None, jobs)
    somewhere = np.flatnonzero(tally.accepted)
    listed = _by_chance(compiled, somewhere, tally.accepted, samples)
    found = drivers([s.name for s in chosen], values, tally.deal)
    return Summary(
        samples=samples,
        seed=seed,
        uncertain=len(chosen),
        deal=Estimate(int(tally.deal.sum()), samples),
        most_robust=listed[0] if listed else None,
        top_driver=found[0] if found else None,
    )


def package_robustness(
    scenario: Scenario, option_ids: tuple[str, ...], *, samples: int, seed: int
) -> PackageRobustness:
    """One package across the draws: how often it is feasible, acceptable, rejected by whom.

    The draws are those of `robustness` with the same seed, so the chance agrees with the
    package's chance there.
    """
    compiled, chosen, values = _sampled(scenario, samples, seed)
    mask = compiled.internal_mask(list(option_ids))
    chunk = statics(compiled, mask, 0)  # a chunk of one package
    feasible = np.zeros(samples, dtype=np.bool_)
    rejects = np.zeros((len(compiled.actors), samples), dtype=np.bool_)
    batch = max(1, BATCH_CELLS // 64)
    owners = actor_words(compiled)
    for start in range(0, samples if chunk.rows.size else 0, batch):  # none: breaks a rule
        numbers = drawn(compiled, chosen, values[start : start + batch])
        lows = [low_table(m, numbers.factors[i], 0) for i, m in enumerate(compiled.metrics)]
        v = Verdicts(compiled, chunk, numbers, lows)
        here = np.broadcast_to(v.feasible, v.shape)[0]
        feasible[start : start + numbers.size] = here
        for a, words in enumerate(owners):
            hit = np.zeros(numbers.size, dtype=np.bool_)
            for w, mine in zip(v.words, words, strict=True):
                hit |= (w[0] & mine) != 0
            rejects[a, start : start + numbers.size] = hit & here
    accepted = feasible & ~rejects.any(axis=0)
    return PackageRobustness(
        options=compiled.option_ids(mask),
        feasible=Estimate(int(feasible.sum()), samples),
        acceptable=Estimate(int(accepted.sum()), samples),
        rejected_by=tuple(
            (actor, Estimate(int(rejects[a].sum()), samples))
            for a, actor in enumerate(compiled.actors)
        ),
    )
