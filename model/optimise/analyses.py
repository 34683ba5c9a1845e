"""The optimisation engine's answers: frontier, smallest concession, blocker view.

Each is built from the verified searches of search.py, so every package reported is judged
exactly, and every optimum is proven (by the solver's dual bound or by asking for a better one).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..exact.values import CUT, SCALE, q_scalar
from . import sweep as sweeping
from .encode import LOG_SCALE
from .judge import Judged
from .search import OutOfTime, Query, Searcher
from .solver import Row, SolverError

#: Seconds the concessions after the smallest may take in all; the list stops there (a
#: concession whose least shift is loosely bounded can take minutes at 60 options).
NEXT_CONCESSIONS_SECONDS = 5.0
#: Packages the shift search may look at before it gives up proving the least shift.
MAX_SHIFT_PROPOSALS = 200
#: The first half of the key under which cuts learnt about "the shift is `least` on the
#: grid" are kept (Query.row's key; a fixed indicator's keys are variables, from 0 up, and a
#: metric threshold's -1 - metric).
SHIFT_KEY = -(10**9)


@dataclass(frozen=True)
class Point:
    """A frontier point: oriented grid values, and its first package by rank key."""

    benefit: int
    risk: int
    package: Judged


def frontier(
    s: Searcher, limit: int | None = None, *, sweep: bool = True
) -> tuple[list[Point], bool]:
    """The (benefit, risk) frontier over feasible packages, best benefit first, and True
    when that is the whole frontier. Every point from the Pareto sweep of sweep.py where it
    applies (unless `sweep` is False); else by the epsilon-constraint method on the solver,
    at most `limit` points."""
    swept = sweeping.frontier(s.enc.c) if sweep else None
    if swept is not None:
        return [Point(b, r, s.judge(mask)) for b, r, mask in swept], True
    return _epsilon_frontier(s, limit)


def _epsilon_frontier(s: Searcher, limit: int | None) -> tuple[list[Point], bool]:
    """The frontier by the epsilon-constraint method: the best benefit, the best risk at it,
    then strictly better risk, until none is left (at most `limit` points)."""
    c = s.enc.c
    query = s.rules()
    points: list[Point] = []
    while True:
        if limit is not None and len(points) >= limit:
            return points, s.solve(query) is None
        top = s.best_value(query, c.benefit)
        if top is None:
            return points, True
        at = s.at_least(query, c.benefit, top[0])
        risk = s.best_value(at, c.risk)
        assert risk is not None
        package = s.best(query, known=(top[0], risk[0]))
        assert package is not None
        # The package's own values: better than claimed only if a proof was wrong.
        benefit, worst = package.oriented(c.benefit), package.oriented(c.risk)
        points.append(Point(benefit, worst, package))
        query = s.at_least(query, c.risk, worst + 1)


@dataclass(frozen=True)
class Opening:
    """A minimal concession: the constraints it relaxes (indices) and the package."""

    constraints: tuple[int, ...]
    package: Judged
    shift: float


def smallest_concession(s: Searcher) -> Opening | None:
    """Fewest failed constraints over feasible packages that fail some, then least shift on
    the grid, then rank key. None when every feasible package is acceptable (or none is
    feasible)."""
    found, _ = concessions(s, 1)
    return found[0] if found else None


def concessions(s: Searcher, count: int) -> tuple[list[Opening], bool]:
    """The first `count` minimal concessions in the enumeration engine's order (size, then
    least shift on the grid, then the rank key of the package they open), and True when
    there are no more. Each found concession C is excluded with every superset (a package
    must pass some constraint of C): then the fewest failed constraints left form a minimal
    set, since a smaller one inside would contain a minimal concession not yet found, and
    its package would have failed fewer constraints. The concessions after the first stop
    after NEXT_CONCESSIONS_SECONDS (then False: more may follow)."""
    c = s.enc.c
    offset = len(c.rules)
    tests = s.enc.tests[offset:]
    total = len(tests)
    # equal constraints share one indicator: count each
    held: Row = {v: float(k) for v, k in Counter(tests).items()}
    judged_on = frozenset().union(*(s.enc.support(t.ok) for t in c.constraints))
    query = s.rules().row(held, -math.inf, total - 1, lambda j: bool(j.failed), support=judged_on)
    fails = {v: -float(k) for v, k in held.items()}
    out: list[Opening] = []
    while len(out) < count:
        if out and s.deadline is None:
            s.deadline = time.perf_counter() + NEXT_CONCESSIONS_SECONDS
        try:
            found = s.smallest(query, fails, lambda j: len(j.failed) - total)
            if found is None:
                s.deadline = None
                return out, True
            size = found[0] + total
            same = query.row(held, total - size, total - size, _failing(size), support=judged_on)
            opening = _opening(s, same, found[1])
        except OutOfTime:
            s.deadline = None
            return out, False
        out.append(opening)
        relaxed = opening.constraints
        passes_one: Row = {}
        for k in relaxed:
            passes_one[tests[k]] = passes_one.get(tests[k], 0.0) + 1.0
        query = query.row(passes_one, 1.0, math.inf, _not_within(relaxed), support=judged_on)
    s.deadline = None
    return out, False


def _failing(size: int) -> Callable[[Judged], bool]:
    """Exact check: the package fails exactly `size` constraints."""
    return lambda j: len(j.failed) == size


def _not_within(relaxed: tuple[int, ...]) -> Callable[[Judged], bool]:
    """Exact check: the package passes some constraint of `relaxed`."""
    return lambda j: not set(relaxed) <= set(j.failed)


def _opening(s: Searcher, same: Query, known: Judged) -> Opening:
    """Among the query's packages (all failing as many constraints): the least shift, then
    the first by rank key; `known` is one of them."""
    objective = shift_rows(s)
    least = _least_shift(s, same, objective, known)
    top = (least + 1 - CUT) / SCALE
    ties = same.row(
        objective,
        -math.inf,
        top + 1e-9,
        lambda j: q_scalar(j.shift()) == least,
        support=_shift_support(s),
        key=(SHIFT_KEY, float(least)),
        widen=lambda j: _farther(s, j),
    )
    package = s.best(ties)
    if package is None:  # the solver lost it (numerically): never seen in the tests
        raise SolverError("the package of least shift was lost on the second search")
    return Opening(package.failed, package, package.shift())


def _least_shift(s: Searcher, query: Query, objective: Row, known: Judged) -> int:
    """The least shift on the grid among the query's packages: proposals from the lower
    bound of shift_rows, each judged exactly, until the bound passes the best one found.
    `known` is a package of the query, found before (its shift is an upper bound)."""
    best = q_scalar(known.shift())
    for _ in range(MAX_SHIFT_PROPOSALS):
        found = s.solve(query, objective)
        if found is None:
            break
        judged, solution = found
        best = min(best, q_scalar(judged.shift()))
        if solution.bound >= (best - CUT) / SCALE - 1e-9:
            break
        # Every package with as many options of each kind on the limits' terms has the same
        # shift: skip them all (swapping equal options gives C(k, j) tied packages); and
        # every package no closer to any bound it misses has no smaller a shift.
        query = query.row(*s.nogood(judged.mask, _shift_support(s), _shift_profiles(s)))
        farther = _farther(s, judged)
        if farther is not None:
            query = query.row(*farther)
    else:
        raise SolverError("the least shift could not be proven")
    return best


def _farther(s: Searcher, judged: Judged) -> tuple[Row, float, float] | None:
    """Turned down for a shift above the least: so is every package no closer than it to any
    bound it misses (their shift is at least as large). The row keeps the closer ones."""
    closer = _closer(s, judged)
    return None if closer is None else (closer, 1.0, math.inf)


def _closer(s: Searcher, judged: Judged) -> Row | None:
    """A row (>= 1) that holds for the packages closer than `judged` to some bound it
    misses: one grid step or more nearer on that bound's metric. None when it misses none."""
    enc = s.enc
    row: Row = {}
    for test in enc.c.constraints:
        for metric, side, _, g in test.bounds:
            value = judged.values[metric]
            if side == "min" and value < g:
                z = enc.at_least_grid(metric, value + 1)
            elif side == "max" and value > g:
                z = enc.neg(enc.at_least_grid(metric, value))
            else:
                continue
            if z == enc.true:
                return None  # every package is as close: no row
            if z != enc.false:
                row[z] = 1.0
    return row or None


def _shift_profiles(s: Searcher) -> list[tuple[object, ...]]:
    """What the shift can tell of each option: its terms in the limited metrics."""
    metrics = sorted({m for t in s.enc.c.constraints for m, _, _, _ in t.bounds})
    return s.enc.profiles(metrics)


def _shift_support(s: Searcher) -> frozenset[int]:
    """The presence variables the shift depends on: the terms of every limited metric."""
    metrics = {m for t in s.enc.c.constraints for m, _, _, _ in t.bounds}
    return frozenset(v for m in metrics for v, _ in s.enc.terms(m))


def shift_rows(s: Searcher) -> Row:
    """Continuous variables bounding each limit bound's shortfall (as a share of its metric's
    range) from below, added once to the model; the objective that sums them.

    Exact for sums, for a max bound on a max and a min bound on a min; a tangent bound for
    a noisy-or min; the largest term or a chord for a noisy-or max; 0 otherwise.
    """
    enc = s.enc
    if enc.shift_objective is not None:
        return enc.shift_objective
    objective: Row = {}
    for test in enc.c.constraints:
        for metric, side, _, g in test.bounds:
            d = enc.model.var(0.0, math.inf, integer=False)
            objective[d] = 1.0
            for row, lower in _bound_rows(s, metric, side, g):
                enc.model.row({d: 1.0, **row}, lower)
    enc.shift_objective = objective
    return objective


def _bound_rows(s: Searcher, metric: int, side: str, g: int) -> list[tuple[Row, float]]:
    """Rows (coefficients beside d's 1, lower bound) with d >= the bound's shortfall share."""
    enc = s.enc
    m = enc.c.metrics[metric]
    unit = SCALE * m.span
    if m.combine == "sum":
        form, step = enc.sum_form(metric)
        sign = 1.0 if side == "min" else -1.0
        return [({v: sign * a * step / unit for v, a in form.items()}, sign * g / unit)]
    if m.combine == "noisy_or":
        return _noisy_rows(s, metric, side, g)
    terms = enc.terms(metric)
    present = enc.any([v for v, _ in terms])
    out: list[tuple[Row, float]] = []
    if m.combine == "max" and side == "max":
        out = [({v: -(int(t) - g) / unit}, 0.0) for v, t in terms if int(t) > g]
        if g < 0:  # the empty value 0 misses it too
            out.append(({present: g / unit}, g / unit))
    if m.combine == "min" and side == "min":
        out = [({v: -(g - int(t)) / unit}, 0.0) for v, t in terms if int(t) < g]
        if g > 0:
            out.append(({present: -g / unit}, -g / unit))
    return out


def _noisy_rows(s: Searcher, metric: int, side: str, g: int) -> list[tuple[Row, float]]:
    """Lower bounds on a noisy-or bound's shortfall, linear in E = log(1 - v)."""
    log = {v: a / LOG_SCALE for v, a in s.enc.log_form(metric).items()}
    if side == "min":  # shortfall >= theta - v = theta - 1 + exp(E): convex, tangents
        theta = (g - CUT) / SCALE
        out = []
        rests = {1 - max(theta, 0.0) * share for share in (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)}
        rests |= {10.0**-k for k in range(1, 12) if 10.0**-k > 1 - theta}  # 1 - v near 0
        for rest in sorted(rests):
            e0 = math.log(max(rest, 1e-12))
            slope = math.exp(e0)
            out.append(({v: -slope * a for v, a in log.items()}, theta - 1 + slope * (1 - e0)))
        return out
    phi = (g + 1 - CUT) / SCALE  # shortfall >= v - phi; v >= each present term, and a chord
    out = [({v: -float(t)}, -phi) for v, t in s.enc.terms(metric) if float(t) > 0]
    low = sum(a for a in log.values() if a < 0)
    if low < 0:
        slope = (1 - math.exp(low)) / low
        out.append(({v: -slope * a for v, a in log.items()}, -phi))
    return out


@dataclass(frozen=True)
class Blocker:
    """Whether one actor alone blocks the best package acceptable to all the others."""

    actor: int
    others_best: Judged | None  # None: the others accept no package together
    blocks: bool


def blockers(s: Searcher) -> list[Blocker]:
    """Per actor: the best package every other actor accepts, and whether this one rejects it."""
    c = s.enc.c
    out = []
    for a in range(len(c.actors)):
        others = [k for k, t in enumerate(c.constraints) if t.actor != a]
        best = s.best(s.keep(s.rules(), others))
        mine = [k for k, t in enumerate(c.constraints) if t.actor == a]
        out.append(Blocker(a, best, best is not None and any(k in best.failed for k in mine)))
    return out
