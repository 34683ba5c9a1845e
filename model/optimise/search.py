"""Searches on the MILP, each answer checked exactly before it is kept.

A `Query` is a set of requirements on packages, each twice: as MILP rows or fixed indicator
values, and as an exact check on the package's verdicts (model/exact/verdicts.py). The solver
proposes a package; if the exact check turns it down (it was within the solver's tolerance of
a threshold) it is excluded by a no-good cut and the solver asked again. The encoding's margins
make the MILP's set of packages a superset of the exact one, so nothing acceptable is lost and
what is kept is exact. Optima are proven the same way: ask for a strictly better grid value.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

from ..exact.values import SCALE
from .encode import Encoding
from .judge import Judged, clear_of_cuts
from .solver import Row, Solution, SolverError

#: Proposals turned down by the exact check before a search gives up (never seen in tests).
MAX_REJECTED = 500
#: Positions of options fixed per solve when breaking ties by file order (weights 2^19 ... 1).
WINDOW = 20
#: Relative room kept when a dual bound is read as a proof.
PROOF_SLACK = 1e-10


#: A cut that excludes, beside a package an exact check turned down, every package that
#: must fail the check too (None: only the package and its swaps, see Searcher.nogood).
Widen = Callable[[Judged], tuple[Row, float, float] | None]


class Check(NamedTuple):
    """An exact check, the presence variables its outcome depends on (None: every option),
    the key under which what is learnt about it holds in every query (a fixed indicator's
    (variable, value)), and a wider cut for the packages it turns down."""

    test: Callable[[Judged], bool]
    support: frozenset[int] | None
    key: tuple[int, float] | None
    widen: Widen | None = None


@dataclass(frozen=True)
class Query:
    """Requirements on packages: fixed variables, extra rows, and their exact checks."""

    fixed: tuple[tuple[int, float], ...] = ()
    rows: tuple[tuple[Row, float, float], ...] = ()
    checks: tuple[Check, ...] = ()

    def fix(
        self,
        var: int,
        value: float,
        check: Callable[[Judged], bool],
        support: frozenset[int] | None = None,
    ) -> Query:
        """Fix an indicator; `check` says exactly whether a package meets it."""
        fixed = (*self.fixed, (var, value))
        checks = (*self.checks, Check(check, support, (var, value)))
        return replace(self, fixed=fixed, checks=checks)

    def row(
        self,
        row: Row,
        lower: float,
        upper: float,
        check: Callable[[Judged], bool] | None = None,
        *,
        support: frozenset[int] | None = None,
        key: tuple[int, float] | None = None,
        widen: Widen | None = None,
    ) -> Query:
        """Add a row; `check` (if any) says exactly whether a package meets it, `key` names
        the requirement when cuts learnt about it hold in every query, and `widen` gives a
        cut for the packages that must fail `check` too."""
        checks = self.checks
        if check is not None:
            checks = (*checks, Check(check, support, key, widen))
        return replace(self, rows=(*self.rows, (row, lower, upper)), checks=checks)


class OutOfTime(SolverError):
    """A search with a deadline (Searcher.deadline) ran past it."""


@dataclass
class Searcher:
    """Verified solving over one encoding."""

    enc: Encoding
    #: time.perf_counter() past which `solve` raises OutOfTime (None: no deadline)
    deadline: float | None = None
    judged: dict[int, Judged] = field(default_factory=dict)
    #: Per fixed indicator: rows excluding packages found (exactly) not to meet it.
    learnt: dict[tuple[int, float], list[tuple[Row, float, float]]] = field(default_factory=dict)

    @cached_property
    def profiles(self) -> list[tuple[object, ...]]:
        """What any check with a support can tell of each option (Encoding.profiles)."""
        return self.enc.profiles()

    def judge(self, mask: int) -> Judged:
        if mask not in self.judged:
            self.judged[mask] = Judged(self.enc.c, mask)
        return self.judged[mask]

    def mask(self, solution: Solution) -> int:
        return sum(1 << b for b, v in enumerate(self.enc.x) if solution.bit(v))

    def solve(self, query: Query, objective: Row | None = None) -> tuple[Judged, Solution] | None:
        """The solver's best package meeting the query, checked exactly; None if none does."""
        excluded: list[tuple[Row, float, float]] = []
        keys = [check.key for check in query.checks if check.key is not None]
        for _ in range(MAX_REJECTED):
            if self.deadline is not None and time.perf_counter() > self.deadline:
                raise OutOfTime("the search ran past its time budget")
            learnt = [row for key in keys for row in self.learnt.get(key, [])]
            solution = self.enc.model.solve(
                objective or {}, [*query.rows, *learnt, *excluded], dict(query.fixed)
            )
            if solution is None:
                return None
            judged = self.judge(self.mask(solution))
            failing = next((check for check in query.checks if not check.test(judged)), None)
            if failing is None:
                return judged, solution
            self.enc.model.stats.rejected += 1
            # a check with a support reads names and metrics only: equal options swap freely
            profiles = None if failing.support is None else self.profiles
            cuts = [self.nogood(judged.mask, failing.support, profiles)]
            wider = None if failing.widen is None else failing.widen(judged)
            if wider is not None:
                cuts.append(wider)
            if failing.key is None:
                excluded.extend(cuts)
            else:
                self.learnt.setdefault(failing.key, []).extend(cuts)
        raise SolverError("the exact check turned down too many of the solver's proposals")

    def nogood(
        self,
        mask: int,
        support: frozenset[int] | None = None,
        profiles: list[tuple[object, ...]] | None = None,
    ) -> tuple[Row, float, float]:
        """A row that every package differing from `mask` on the support satisfies (default:
        on every option). A failed check depends only on its support, so every package that
        agrees there fails it too: one row excludes them all. With `profiles` (a check that
        cannot tell options of equal profile apart, see Encoding.profiles), the row excludes
        every package with as many options of each profile on the support: the C(k, j)
        packages tied by swapping equal options, in one row (see `_grouped`)."""
        variables = self.enc.x if support is None else sorted(support)
        if profiles is not None and clear_of_cuts(self.enc.c, mask):
            return self._grouped(mask, variables, profiles)
        ones = [v for v in variables if self.enc.present(v, mask)]
        row: Row = dict.fromkeys(variables, 1.0)
        row.update(dict.fromkeys(ones, -1.0))
        return row, 1.0 - len(ones), math.inf

    def _grouped(
        self, mask: int, variables: list[int], profiles: list[tuple[object, ...]]
    ) -> tuple[Row, float, float]:
        """Sum over groups of "this group holds as many options as in `mask`" <= groups - 1:
        a group of equal options through its count indicators, any other variable alone."""
        bit_of = {v: b for b, v in enumerate(self.enc.x)}
        groups: dict[tuple[object, ...], list[int]] = {}
        alone: list[int] = []
        for v in variables:
            if v in bit_of:
                groups.setdefault(profiles[bit_of[v]], []).append(bit_of[v])
            else:
                alone.append(v)  # an interaction's product
        alone += [self.enc.x[g[0]] for g in groups.values() if len(g) == 1]
        row: Row = {}
        constant = 0.0  # "absent" is 1 - v: its 1 moves to the bound
        for v in alone:
            present = self.enc.present(v, mask)
            row[v] = row.get(v, 0.0) + (1.0 if present else -1.0)
            constant += 0.0 if present else 1.0
        many = [tuple(g) for g in groups.values() if len(g) > 1]
        for group in many:
            k = sum(mask >> b & 1 for b in group)
            u = self.enc.count_is(group, k)
            row[u] = row.get(u, 0.0) + 1.0
        return row, -math.inf, len(alone) + len(many) - 1 - constant

    def exclude(self, query: Query, mask: int) -> Query:
        row, lower, upper = self.nogood(mask)
        return query.row(row, lower, upper, lambda j: j.mask != mask)

    # ----------------------------------------------------------- requirements

    def rules(self) -> Query:
        """Feasible packages."""
        query = Query()
        tests = self.enc.c.rules
        for k in range(len(tests)):
            support = self.enc.support(tests[k].ok)
            query = query.fix(self.enc.tests[k], 1.0, _passes(k), support)
        return query

    def keep(self, query: Query, constraints: list[int]) -> Query:
        """Packages that also pass the given constraints (indices into compiled.constraints)."""
        offset = len(self.enc.c.rules)
        for k in constraints:
            support = self.enc.support(self.enc.c.constraints[k].ok)
            test = self.enc.tests[offset + k]
            query = query.fix(test, 1.0, _passes(offset + k), support)
        return query

    def at_least(self, query: Query, metric: int, g: int) -> Query:
        """Packages whose oriented grid value of the metric is g or better."""
        higher = self.enc.c.metrics[metric].higher
        grid = g if higher else -g + 1  # lower is better: value <= -g, not value >= -g + 1
        support = frozenset(v for v, _ in self.enc.terms(metric))

        def check(j: Judged) -> bool:
            return j.oriented(metric) >= g

        if self.enc.c.metrics[metric].combine in ("sum", "noisy_or"):
            # A plain row, not an indicator: the model does not grow with every threshold.
            row = self.enc.threshold(metric, grid)
            if isinstance(row, int):  # decided for every package: no row, no learnt cuts
                always = (row == self.enc.true) == higher
                if always:
                    return query.row({}, -math.inf, math.inf, check, support=support)
                return query.fix(self.enc.false, 1.0, check, support)
            form, t, margin = row
            key = (-1 - metric, float(g))  # learnt cuts are kept per requirement
            if higher:
                return query.row(form, t - margin, math.inf, check, support=support, key=key)
            return query.row(form, -math.inf, t + margin, check, support=support, key=key)
        var = self.enc.at_least_grid(metric, grid)
        return query.fix(var, 1.0 if higher else 0.0, check, support)

    def objective(self, metric: int) -> Row | None:
        """A linear objective that prefers better values of the metric (None for max, min):
        minus the form of its `threshold` when higher is better, the form when lower is."""
        m = self.enc.c.metrics[metric]
        if m.combine not in ("sum", "noisy_or"):
            return None
        form = self.enc.sum_form(metric)[0] if m.combine == "sum" else self.enc.log_form(metric)
        sign = 1.0 if m.combine == "noisy_or" else -1.0  # the threshold form is +sum, -log
        if not m.higher:
            sign = -sign
        return {v: sign * a for v, a in form.items()}

    def proven(self, metric: int, value: int, solution: Solution) -> bool:
        """Whether the solver's dual bound already rules out one grid step better than the
        oriented `value` (so no second solve is needed to prove the optimum)."""
        m = self.enc.c.metrics[metric]
        if m.combine not in ("sum", "noisy_or"):
            return False
        grid = value + 1 if m.higher else -value  # better means: at least `grid` / below it
        row = self.enc.threshold(metric, grid)
        if isinstance(row, int):
            return row == (self.enc.false if m.higher else self.enc.true)
        _, t, margin = row
        if m.higher:  # objective = -form; better needs form >= t - margin
            return -solution.bound < t - margin - PROOF_SLACK * max(1.0, abs(t))
        return solution.bound > t + margin + PROOF_SLACK * max(1.0, abs(t))

    # -------------------------------------------------------------- optimise

    def best_value(self, query: Query, metric: int) -> tuple[int, Judged] | None:
        """The best oriented grid value of the metric over the query's packages, proven by
        the dual bound or by asking for one step better until the solver finds nothing."""
        objective = self.objective(metric)
        found = self.solve(query, objective)
        if found is None:
            return None
        best, solution = found
        while not self.proven(metric, best.oriented(metric), solution):
            better = self.solve(self.at_least(query, metric, best.oriented(metric) + 1), objective)
            if better is None:
                break
            best, solution = better
        return best.oriented(metric), best

    def smallest(
        self, query: Query, form: Row, exact: Callable[[Judged], int]
    ) -> tuple[int, Judged] | None:
        """The least value of an integer form over the query, with its package, proven by
        the dual bound or a second solve; `exact` is the form's value for a judged package."""
        found = self.solve(query, form)
        while found is not None:
            judged, solution = found
            value = exact(judged)
            if solution.bound > value - 1 + 1e-6:
                return value, judged
            fewer = query.row(form, -math.inf, value - 0.5, _below(exact, value))
            found = self.solve(fewer, form)
            if found is None:
                return value, judged
        return None

    def best(self, query: Query, *, known: tuple[int, int] | None = None) -> Judged | None:
        """The package of least rank key among the query's (see model/exact/ranking.py): the
        best benefit, the best risk at it, the fewest options, the earliest options; after the
        benefit and the risk, one solve asks whether any other package is left, and if none
        is the search stops there."""
        c = self.enc.c
        if known is None:
            found = self.at_top(query, c.benefit) or self.best_value(query, c.benefit)
            if found is None:
                return None
            query = self.at_least(query, c.benefit, found[0])
            if self.alone(query, found[1]):
                return found[1]
            risk = self.best_value(query, c.risk)
            assert risk is not None
            query = self.at_least(query, c.risk, risk[0])
            if self.alone(query, risk[1]):
                return risk[1]
        else:
            query = self.at_least(self.at_least(query, c.benefit, known[0]), c.risk, known[1])
        size_form = dict.fromkeys(self.enc.x, 1.0)
        sized = self.smallest(query, size_form, lambda j: j.mask.bit_count())
        if sized is None:
            return None
        size, judged = sized
        query = query.row(size_form, -math.inf, size, lambda j: j.mask.bit_count() <= size)
        return self._earliest(query, judged, size)

    def at_top(self, query: Query, metric: int) -> tuple[int, Judged] | None:
        """A package of the query at the metric's top of the grid (1 for a noisy-or where
        higher is better), when every option together reaches it; else None.

        Past a hundred options a noisy-or often saturates: many packages reach 1 on the grid,
        and finding one (a feasibility solve) is quicker than maximising the sum of logs,
        whose optimum lies beyond what the grid can tell apart.
        """
        m = self.enc.c.metrics[metric]
        if m.combine != "noisy_or" or not m.higher:
            return None
        top = int(SCALE)
        if self.judge((1 << self.enc.c.n) - 1).oriented(metric) < top:
            return None
        found = self.solve(self.at_least(query, metric, top))
        return None if found is None else (top, found[0])

    def alone(self, query: Query, judged: Judged) -> bool:
        """Whether `judged` is the only package meeting the query (one solve)."""
        return self.solve(self.exclude(query, judged.mask)) is None

    def _earliest(self, query: Query, judged: Judged, size: int) -> Judged:
        """Ties broken by file order: earlier options first, a window of positions at a time.

        One solve first asks for any other package meeting the query: usually there is none
        (the optimum is unique), and the windows' solves are not needed."""
        if self.alone(query, judged):
            return judged
        c = self.enc.c
        bit_at = {position: bit for bit, position in enumerate(c.perm)}
        chosen = 0
        for start in range(0, c.n, WINDOW):
            if chosen == size:
                break
            window = [bit_at[p] for p in range(start, min(start + WINDOW, c.n))]
            weights = {b: 2 ** (len(window) - 1 - i) for i, b in enumerate(window)}
            form = {self.enc.x[b]: -float(w) for b, w in weights.items()}
            found = self.smallest(query, form, _weighed(weights))
            assert found is not None
            judged = found[1]
            for b in window:
                value = float(judged.mask >> b & 1)
                chosen += int(value)
                query = query.fix(self.enc.x[b], value, _holds_bit(b, value))
        return judged

    def k_best(self, query: Query, k: int) -> list[Judged]:
        """The k packages of least rank key among the query's, best first."""
        out: list[Judged] = []
        while len(out) < k:
            found = self.best(query)
            if found is None:
                break
            out.append(found)
            query = self.exclude(query, found.mask)
        return out


def _passes(k: int) -> Callable[[Judged], bool]:
    """Exact check: the package passes test k (rules, then constraints)."""
    return lambda j: j.ok[k]


def _below(exact: Callable[[Judged], int], value: int) -> Callable[[Judged], bool]:
    """Exact check: the form's value is below `value`."""
    return lambda j: exact(j) < value


def _weighed(weights: dict[int, int]) -> Callable[[Judged], int]:
    """Exact value of minus the weighted options of a package (bit -> weight)."""
    return lambda j: -sum(w for b, w in weights.items() if j.mask >> b & 1)


def _holds_bit(bit: int, value: float) -> Callable[[Judged], bool]:
    """Exact check: the package has option `bit` exactly when value is 1."""
    return lambda j: (j.mask >> bit & 1) == value
