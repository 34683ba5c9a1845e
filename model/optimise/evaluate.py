"""`optimise`: the optimisation engine's answers for a scenario of any size.

Existence, the k best acceptable packages, the frontier (one package per point), the smallest
concession and the blocker view, each from the verified searches of search.py and analyses.py.
"""

from __future__ import annotations

from ..exact.compile import compile_scenario
from ..exact.results import Concession
from ..exact.values import SCALE, q_scalar
from ..format.identity import scenario_hash
from ..format.schema import Scenario
from . import analyses
from .encode import Encoding
from .judge import Judged
from .results import BlockerView, EngineInfo, OptimisedEvaluation, OptimisedPoint
from .search import Searcher
from .solver import TOLERANCE, Model

SOLVER = "scipy.optimize.milp (HiGHS)"


def optimise(
    scenario: Scenario,
    *,
    best: int = 10,
    frontier: bool = True,
    points: int | None = None,
    concession: bool = True,
    concessions: int = 3,
    blockers: bool = True,
    time_limit: float | None = None,
) -> OptimisedEvaluation:
    """The optimisation engine's answers; `best` is how many acceptable packages to rank,
    `points` how many frontier points the solver's search finds at most, best benefit first
    (None: all of them); the Pareto sweep (sweep.py), where it applies, finds every point.
    With `concession`, the first `concessions` minimal concessions (at least the smallest).

    `time_limit` bounds each solver call (seconds); SolverError when one runs out.
    """
    compiled = compile_scenario(scenario)
    model = Model(time_limit=time_limit)
    s = Searcher(Encoding(compiled, model))
    acceptable = s.keep(s.rules(), list(range(len(compiled.constraints))))
    ranked = s.k_best(acceptable, best)
    exists = bool(ranked) or (best == 0 and s.solve(acceptable) is not None)
    found, complete = _frontier(s, points) if frontier else (None, True)
    opened, opened_all = _concessions(s, max(concessions, 1)) if concession else (None, True)
    views = _blockers(s) if blockers else None
    skipped = tuple(
        name
        for name, asked in (("frontier", frontier), ("smallest_concession", concession))
        + (("blockers", blockers),)
        if not asked
    )
    return OptimisedEvaluation(
        scenario_id=scenario.id,
        title=scenario.title,
        scenario_hash=scenario_hash(scenario),
        benefit=scenario.tradeoff.benefit,
        risk=scenario.tradeoff.risk,
        options=compiled.n,
        actors=len(compiled.actors),
        exists=exists,
        best=tuple(j.package() for j in ranked),
        frontier=found,
        frontier_complete=complete,
        smallest_concession=opened[0] if opened else None,
        concession_searched=concession,
        concessions=opened,
        concessions_complete=opened_all,
        blockers=views,
        engine=EngineInfo(
            "optimise",
            SOLVER,
            dict(TOLERANCE),
            model.stats.solves,
            model.stats.rejected,
            model.stats.seconds,
        ),
        skipped=skipped,
    )


def _frontier(s: Searcher, limit: int | None) -> tuple[tuple[OptimisedPoint, ...], bool]:
    c = s.enc.c
    out = []
    points, complete = analyses.frontier(s, limit)
    for point in points:
        values = point.package.values
        out.append(
            OptimisedPoint(
                values[c.benefit] / SCALE,
                values[c.risk] / SCALE,
                point.package.package(),
                point.package.acceptable,
            )
        )
    return tuple(out), complete


def _concessions(s: Searcher, count: int) -> tuple[tuple[Concession, ...], bool]:
    found, complete = analyses.concessions(s, count)
    return tuple(_concession(s, opening) for opening in found), complete


def _concession(s: Searcher, found: analyses.Opening) -> Concession:
    judged: Judged = found.package
    refs = tuple(s.enc.c.constraints[k].ref for k in found.constraints)
    shift = q_scalar(found.shift) / SCALE
    return Concession(refs, judged.package(), shift, judged.failures(list(found.constraints)))


def _blockers(s: Searcher) -> tuple[BlockerView, ...]:
    c = s.enc.c
    return tuple(
        BlockerView(
            c.actors[b.actor],
            None if b.others_best is None else b.others_best.package(),
            b.blocks,
        )
        for b in analyses.blockers(s)
    )
