"""A brute-force reference evaluator, written for clarity rather than speed.

It implements `docs/explanation/semantics.md` literally, one package at a time, in plain
Python: a package is a frozenset of option ids, every metric is combined by its definition,
every comparison goes through `q`. The property tests compare the vectorised solver with it:

    solver_view(evaluate(scenario)) == reference_evaluate(scenario)

It deliberately imports nothing from the solver (no `compile`, `solve`, `evaluate` modules):
only the validated scenario types, the expression evaluator and the result types.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

from guarantees.model.exact.results import (
    BoundMiss,
    ConstraintRef,
    Evaluation,
    Explanation,
    Package,
)
from guarantees.model.format import expr
from guarantees.model.format.schema import Constraint, Rule, Scenario

Pkg = frozenset[str]

__all__ = [
    "Failure",
    "Miss",
    "Pkg",
    "acceptable",
    "all_packages",
    "broken_rules",
    "count",
    "explanation_details",
    "explanation_verdicts",
    "failures",
    "feasible",
    "matches",
    "metric_grid",
    "metric_value",
    "options_tuple",
    "q",
    "q_written",
    "rank_key",
    "reference_blockers",
    "reference_details",
    "reference_evaluate",
    "reference_verdicts",
    "solver_view",
]


# --------------------------------------------------------------------------- tolerance


def q(x: float) -> int:
    """The one tolerance: a number on the 1e-9 grid, cut at 0.5 + 2^-12 (semantics.md).

    In floating point, for the values noisy-or computes (and the numbers compared with them).
    From 2^52 grid steps on, a float holds whole numbers only: it is its own grid point.
    """
    scaled = x * 1e9
    return int(scaled) if abs(scaled) >= 2.0**52 else math.floor(scaled + (0.5 + 2.0**-12))


def q_written(x: float) -> int:
    """The same cut, exactly, for a number as written (its shortest decimal form).

    Sums, maxima and minima combine the written numbers on the grid (semantics.md).
    """
    exact = Fraction(Decimal(repr(float(x))))
    return math.floor(exact * 10**9 + Fraction(1, 2) + Fraction(1, 4096))


def number_grid(scenario: Scenario, metric: str, x: float) -> int:
    """A written number (a limit's bound, a number in an expression) on a metric's grid."""
    return q(x) if scenario.metrics[metric].combine == "noisy_or" else q_written(x)


class _Quantised:
    """A metric value that compares with plain numbers on its grid (for expression evaluation).

    `expr.evaluate` compares `metric(name)` with the number written in the expression using
    the ordinary operators; wrapping the value makes `v >= x` mean `grid(v) >= grid(x)`.
    """

    def __init__(self, scenario: Scenario, metric: str, grid: int) -> None:
        self.to_grid = lambda x: number_grid(scenario, metric, x)
        self.grid = grid

    def __lt__(self, other: float) -> bool:
        return self.grid < self.to_grid(other)

    def __le__(self, other: float) -> bool:
        return self.grid <= self.to_grid(other)

    def __gt__(self, other: float) -> bool:
        return self.grid > self.to_grid(other)

    def __ge__(self, other: float) -> bool:
        return self.grid >= self.to_grid(other)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, int | float) and self.grid == self.to_grid(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]


# ------------------------------------------------------------------ packages and names


def option_ids(scenario: Scenario) -> list[str]:
    """The options in file order."""
    return list(scenario.options)


def all_packages(scenario: Scenario) -> Iterator[Pkg]:
    """Every subset of the options (2^n of them), smallest first."""
    ids = option_ids(scenario)
    for size in range(len(ids) + 1):
        for chosen in combinations(ids, size):
            yield frozenset(chosen)


def options_tuple(scenario: Scenario, package: Pkg) -> tuple[str, ...]:
    """A package's option ids in file order (how the solver reports them)."""
    return tuple(o for o in scenario.options if o in package)


def option_matches(scenario: Scenario, option_id: str, name: str) -> bool:
    """Whether NAME is this option's id or one of its tags."""
    return name == option_id or name in scenario.options[option_id].tags


def matches(scenario: Scenario, package: Pkg, name: str) -> bool:
    """A NAME matches a package when some option in it is called so or carries the tag."""
    return any(option_matches(scenario, o, name) for o in package)


def count(scenario: Scenario, package: Pkg, names: tuple[str, ...]) -> int:
    """How many options of the package match any of the names (an option counts once)."""
    return sum(1 for o in package if any(option_matches(scenario, o, n) for n in names))


# ----------------------------------------------------------------------------- metrics


def metric_terms(scenario: Scenario, package: Pkg, metric: str) -> list[float]:
    """Best guesses of the options' values, then of the interactions that apply."""
    terms = [
        scenario.options[o].values[metric].best
        for o in scenario.options
        if o in package and metric in scenario.options[o].values
    ]
    terms += [
        interaction.values[metric].best
        for interaction in scenario.interactions
        if set(interaction.all_of) <= package and metric in interaction.values
    ]
    return terms


def metric_grid(scenario: Scenario, package: Pkg, metric: str) -> int:
    """A package's value for a metric on the grid, by its combine rule; 0 with no terms.

    Noisy-or is computed in floating point and then put on the grid; sum, max and min combine
    the terms' grid values (each written number exactly as written), in whole numbers.
    """
    terms = metric_terms(scenario, package, metric)
    if not terms:
        return 0
    combine = scenario.metrics[metric].combine
    if combine == "noisy_or":
        return q(1.0 - math.prod(1.0 - t for t in terms))
    grid = [q_written(t) for t in terms]
    if combine == "sum":
        return sum(grid)
    if combine == "max":
        return max(grid)
    assert combine == "min"
    return min(grid)


def metric_value(scenario: Scenario, package: Pkg, metric: str) -> float:
    """A package's value for a metric as reported: its grid value / 1e9."""
    return metric_grid(scenario, package, metric) / 1e9


def holds(scenario: Scenario, package: Pkg, condition: expr.Expr) -> bool:
    """Truth of an expression for a package, through `expr.evaluate` and q-comparisons."""
    return expr.evaluate(
        condition,
        has=lambda name: matches(scenario, package, name),
        metric=lambda name: _Quantised(scenario, name, metric_grid(scenario, package, name)),  # type: ignore[arg-type,return-value]
        count=lambda names: count(scenario, package, names),
    )


# ----------------------------------------------------------------- rules and verdicts


def rule_kept(scenario: Scenario, package: Pkg, rule: Rule) -> bool:
    """Whether a package keeps one rule."""
    hit = lambda name: matches(scenario, package, name)  # noqa: E731
    if rule.requires is not None:
        return all(all(hit(b) for b in needed) for a, needed in rule.requires.items() if hit(a))
    if rule.excludes is not None:
        return sum(hit(n) for n in rule.excludes) <= 1
    if rule.one_of is not None:
        return sum(hit(n) for n in rule.one_of) == 1
    assert rule.condition is not None
    return holds(scenario, package, rule.condition)


def rule_label(scenario: Scenario, index: int) -> str:
    """`rule.id` or `rule#N` (1-based)."""
    rule = scenario.rules[index]
    return f"rule.{rule.id}" if rule.id else f"rule#{index + 1}"


def broken_rules(scenario: Scenario, package: Pkg) -> list[str]:
    """Labels of the rules a package breaks, in file order."""
    return [
        rule_label(scenario, i)
        for i, rule in enumerate(scenario.rules)
        if not rule_kept(scenario, package, rule)
    ]


def feasible(scenario: Scenario, package: Pkg) -> bool:
    """A package is feasible when it keeps every rule."""
    return not broken_rules(scenario, package)


@dataclass(frozen=True)
class Miss:
    """A limit bound a package fails: metric, side ('min'/'max'), bound and value on the grid."""

    metric: str
    side: str
    q_bound: int
    q_value: int

    @property
    def shortfall(self) -> float:
        """How far the bound would have to move: q(X) - q(v) for a min, q(v) - q(Y) for a max."""
        gap = self.q_bound - self.q_value
        return (gap if self.side == "min" else -gap) / 1e9


@dataclass(frozen=True)
class Failure:
    """One failed actor constraint: who, which (position and label), kind, and misses."""

    actor: str
    actor_index: int
    index: int
    label: str
    kind: str
    misses: tuple[Miss, ...] = ()

    @property
    def position(self) -> tuple[int, int]:
        """Where the constraint is written: (actor position, constraint position)."""
        return (self.actor_index, self.index)


def constraint_label(actor: str, index: int, constraint: Constraint) -> str:
    """`actor.id`, or `actor#N` (1-based) for a constraint without an id."""
    return f"{actor}.{constraint.id}" if constraint.id else f"{actor}#{index + 1}"


def limit_misses(scenario: Scenario, package: Pkg, constraint: Constraint) -> tuple[Miss, ...]:
    """The bounds of a limit the package misses: metrics in written order, min before max."""
    assert constraint.limit is not None
    out = []
    for metric, bound in constraint.limit.items():
        value = metric_grid(scenario, package, metric)
        for side, written in (("min", bound.min), ("max", bound.max)):
            if written is None:
                continue
            grid = number_grid(scenario, metric, written.best)
            if (value < grid) if side == "min" else (value > grid):
                out.append(Miss(metric, side, grid, value))
    return tuple(out)


def constraint_fails(
    scenario: Scenario, package: Pkg, constraint: Constraint
) -> tuple[bool, tuple[Miss, ...]]:
    """Whether a package fails one constraint, and for a limit the bounds it misses."""
    hit = lambda name: matches(scenario, package, name)  # noqa: E731
    kind = constraint.kind
    if kind == "veto":
        return any(hit(n) for n in constraint.veto or ()), ()
    if kind == "demand":
        return not all(hit(n) for n in constraint.demand or ()), ()
    if kind == "demand_any":
        return not any(hit(n) for n in constraint.demand_any or ()), ()
    if kind == "condition":
        assert constraint.condition is not None
        return not holds(scenario, package, constraint.condition), ()
    misses = limit_misses(scenario, package, constraint)
    return bool(misses), misses


def failures(scenario: Scenario, package: Pkg) -> list[Failure]:
    """Every actor constraint the package fails: actors in file order, constraints in order."""
    out = []
    for actor_index, (actor_id, actor) in enumerate(scenario.actors.items()):
        for index, constraint in enumerate(actor.constraints):
            failed, misses = constraint_fails(scenario, package, constraint)
            if failed:
                label = constraint_label(actor_id, index, constraint)
                out.append(Failure(actor_id, actor_index, index, label, constraint.kind, misses))
    return out


def acceptable(scenario: Scenario, package: Pkg) -> bool:
    """Feasible and no actor fails it."""
    return feasible(scenario, package) and not failures(scenario, package)


def reference_verdicts(scenario: Scenario, package: Pkg) -> dict[str | None, list[str]]:
    """Labels of the broken rules (key None) and of each actor's failed constraints.

    Every actor has a key (an empty list when the actor accepts); so does None.
    """
    verdicts: dict[str | None, list[str]] = {None: broken_rules(scenario, package)}
    for actor_id in scenario.actors:
        verdicts[actor_id] = []
    for failure in failures(scenario, package):
        verdicts[failure.actor].append(failure.label)
    return verdicts


def reference_details(
    scenario: Scenario, package: Pkg
) -> list[tuple[str, list[tuple[str, str, int, int]]]]:
    """Every failure of a package, broken rules first: (label, [(metric, side, q(bound),
    q(value)), ...]) with the misses of a limit (none for other kinds)."""
    out: list[tuple[str, list[tuple[str, str, int, int]]]] = [
        (label, []) for label in broken_rules(scenario, package)
    ]
    out += [
        (f.label, [(m.metric, m.side, m.q_bound, m.q_value) for m in f.misses])
        for f in failures(scenario, package)
    ]
    return out


# ------------------------------------------------------------------------------ orders


def rank_key(scenario: Scenario, package: Pkg) -> tuple[int, int, int, tuple[int, ...]]:
    """Better benefit, better risk, fewer options, then sorted option positions."""
    benefit, risk = scenario.tradeoff.benefit, scenario.tradeoff.risk
    qb = metric_grid(scenario, package, benefit)
    qr = metric_grid(scenario, package, risk)
    key_b = -qb if scenario.metrics[benefit].better == "higher" else qb
    key_r = -qr if scenario.metrics[risk].better == "higher" else qr
    positions = tuple(sorted(i for i, o in enumerate(scenario.options) if o in package))
    return (key_b, key_r, len(package), positions)


def oriented(scenario: Scenario, package: Pkg) -> tuple[int, int]:
    """(benefit, risk) as q values oriented so that larger is better on both."""
    key_b, key_r, _, _ = rank_key(scenario, package)
    return (-key_b, -key_r)


def dominates(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """a is at least as good as b on both axes and strictly better on one."""
    return a[0] >= b[0] and a[1] >= b[1] and a != b


# ----------------------------------------------------------------------------- reports


def reference_evaluate(scenario: Scenario) -> dict[str, Any]:
    """Every report of `evaluate`, as plain comparable data (see `solver_view`)."""
    ids = option_ids(scenario)
    packages = list(all_packages(scenario))
    fea = [p for p in packages if feasible(scenario, p)]
    fails = {p: failures(scenario, p) for p in fea}
    rank = lambda p: rank_key(scenario, p)  # noqa: E731
    as_tuple = lambda p: options_tuple(scenario, p)  # noqa: E731
    benefit, risk = scenario.tradeoff.benefit, scenario.tradeoff.risk

    ok = sorted((p for p in fea if not fails[p]), key=rank)
    ok_set = set(ok)
    minimal = [p for p in ok if not any(other < p for other in ok_set)]

    # Frontier: feasible, not dominated; packages with equal q values form one point.
    orient = {p: oriented(scenario, p) for p in fea}
    values = set(orient.values())  # the distinct (benefit, risk) pairs of feasible packages
    front = [p for p in fea if not any(dominates(v, orient[p]) for v in values)]
    points: dict[tuple[int, int], list[Pkg]] = {}
    for p in sorted(front, key=rank):
        points.setdefault(orient[p], []).append(p)
    ordered_points = sorted(points.items(), key=lambda item: -item[0][0])
    frontier = [
        (
            metric_grid(scenario, members[0], benefit),
            metric_grid(scenario, members[0], risk),
            [(as_tuple(p), p in ok_set) for p in members],
        )
        for _, members in ordered_points
    ]
    frontier_order = [p for _, members in ordered_points for p in members]

    tradeoffs = [
        (
            as_tuple(p),
            [
                (
                    f.label,
                    [(m.metric, m.side, m.q_bound, m.q_value) for m in f.misses],
                )
                for f in fails[p]
            ],
        )
        for p in frontier_order
        if fails[p] and all(f.kind == "limit" for f in fails[p])
    ]

    # Blocks and constraint counts, over feasible packages.
    blocks = []
    for actor_id in scenario.actors:
        rejects = sum(1 for p in fea if any(f.actor == actor_id for f in fails[p]))
        blocking = sum(
            1 for p in fea if any(f.actor == actor_id and f.kind != "limit" for f in fails[p])
        )
        sole = sum(1 for p in fea if fails[p] and {f.actor for f in fails[p]} == {actor_id})
        blocks.append((actor_id, rejects, blocking, sole))
    top = max((b[3] for b in blocks), default=0)
    sole_blockers = [b[0] for b in blocks if top > 0 and b[3] == top]

    counts_per_constraint = []
    for actor_id, actor in scenario.actors.items():
        for index, constraint in enumerate(actor.constraints):
            label = constraint_label(actor_id, index, constraint)
            n = sum(1 for p in fea if any(f.label == label for f in fails[p]))
            counts_per_constraint.append((label, n))

    concessions = _concessions(scenario, fea, fails)

    shown = ok + front + [c[3] for c in concessions]
    package_metrics = {
        as_tuple(p): {m: metric_grid(scenario, p, m) for m in scenario.metrics} for p in shown
    }

    return {
        "counts": {
            "options": len(ids),
            "actors": len(scenario.actors),
            "packages": 2 ** len(ids),
            "feasible": len(fea),
            "acceptable": len(ok),
            "held_back": sum(
                1 for p in fea if fails[p] and all(f.kind == "limit" for f in fails[p])
            ),
        },
        "acceptable": [as_tuple(p) for p in ok],
        "minimal": [as_tuple(p) for p in minimal],
        "frontier": frontier,
        "tradeoffs": tradeoffs,
        "blocks": blocks,
        "sole_blockers": sole_blockers,
        "constraint_fails": counts_per_constraint,
        "concessions": [(c[0], as_tuple(c[3]), c[2]) for c in concessions],
        "package_metrics": package_metrics,
    }


def reference_blockers(scenario: Scenario) -> list[tuple[str, tuple[str, ...] | None, bool]]:
    """Per actor in file order: the best package (by rank key) that keeps every rule and that
    every other actor accepts, or None, and whether this actor fails any constraint on it."""
    fea = [p for p in all_packages(scenario) if feasible(scenario, p)]
    fails = {p: failures(scenario, p) for p in fea}
    out: list[tuple[str, tuple[str, ...] | None, bool]] = []
    for actor_id in scenario.actors:
        others = [p for p in fea if all(f.actor == actor_id for f in fails[p])]
        if not others:
            out.append((actor_id, None, False))
            continue
        best = min(others, key=lambda p: rank_key(scenario, p))
        out.append((actor_id, options_tuple(scenario, best), bool(fails[best])))
    return out


def _span(scenario: Scenario, metric: str) -> float:
    """A metric's range on the table (semantics.md): the unit of concession shifts."""
    combine = scenario.metrics[metric].combine
    terms = [o.values[metric].best for o in scenario.options.values() if metric in o.values]
    terms += [x.values[metric].best for x in scenario.interactions if metric in x.values]
    if combine == "noisy_or":
        return 1.0
    grid = [q_written(t) for t in terms]  # measured on the grid, in whole steps
    steps = sum(abs(g) for g in grid) if combine == "sum" else max([0, *grid]) - min([0, *grid])
    return steps / 1e9 if steps > 0 else 1.0


def _concessions(
    scenario: Scenario, fea: list[Pkg], fails: dict[Pkg, list[Failure]]
) -> list[tuple[tuple[str, ...], tuple[tuple[int, int], ...], int, Pkg]]:
    """Minimal non-empty failure sets F(p), each with the package it opens most cheaply.

    Returns (labels by position, positions, q(shift), package), in report order.
    """
    sets: dict[frozenset[str], list[Pkg]] = {}
    position: dict[str, tuple[int, int]] = {}
    for p in fea:
        for f in fails[p]:
            position[f.label] = f.position
        if fails[p]:
            sets.setdefault(frozenset(f.label for f in fails[p]), []).append(p)
    minimal_sets = [c for c in sets if not any(other < c for other in sets)]

    spans = {name: _span(scenario, name) for name in scenario.metrics}

    def shift(p: Pkg) -> int:
        return q(sum(m.shortfall / spans[m.metric] for f in fails[p] for m in f.misses))

    out = []
    for c in minimal_sets:
        package = min(sets[c], key=lambda p: (shift(p), rank_key(scenario, p)))
        positions = tuple(sorted(position[label] for label in c))
        labels = tuple(sorted(c, key=lambda label: position[label]))
        out.append((labels, positions, shift(package), package))
    out.sort(key=lambda c: (len(c[0]), c[2], rank_key(scenario, c[3]), c[1]))
    return out


# ----------------------------------------------------------------- the solver's results


def _pkg(package: Package) -> tuple[str, ...]:
    return tuple(package.options)


def _ref_label(ref: ConstraintRef) -> str:
    return ref.label


def _miss(miss: BoundMiss) -> tuple[str, str, int, int]:
    """A solver's miss as (metric, side, bound, value) on the grid, from what it reports.

    The value is reported as grid / 1e9, read back exactly as written; the bound is the value
    moved by the gap (the shortfall in grid steps).
    """
    value = q_written(miss.value)
    bound = value + miss.gap if miss.side == "min" else value - miss.gap
    return (miss.metric, miss.side, bound, value)


def solver_view(evaluation: Evaluation) -> dict[str, Any]:
    """The solver's `Evaluation` in the exact plain shape of `reference_evaluate`."""
    shown = (
        list(evaluation.acceptable)
        + [p for point in evaluation.frontier for p in point.packages]
        + [c.package for c in evaluation.concessions]
    )
    return {
        "counts": {
            "options": evaluation.counts.options,
            "actors": evaluation.counts.actors,
            "packages": evaluation.counts.packages,
            "feasible": evaluation.counts.feasible,
            "acceptable": evaluation.counts.acceptable,
            "held_back": evaluation.counts.held_back,
        },
        "acceptable": [_pkg(p) for p in evaluation.acceptable],
        "minimal": [_pkg(p) for p in evaluation.minimal],
        "frontier": [
            (
                q_written(point.benefit),
                q_written(point.risk),
                [(_pkg(p), ok) for p, ok in zip(point.packages, point.acceptable, strict=True)],
            )
            for point in evaluation.frontier
        ],
        "tradeoffs": [
            (
                _pkg(t.package),
                [
                    (
                        _ref_label(f.constraint),
                        [_miss(m) for m in f.misses],
                    )
                    for f in t.failures
                ],
            )
            for t in evaluation.tradeoffs
        ],
        "blocks": [(b.actor, b.rejects, b.blocks, b.sole) for b in evaluation.blocks],
        "sole_blockers": list(evaluation.sole_blockers),
        "constraint_fails": [
            (_ref_label(c.constraint), c.fails) for c in evaluation.constraint_fails
        ],
        "concessions": [
            (tuple(_ref_label(r) for r in c.constraints), _pkg(c.package), q(c.shift))
            for c in evaluation.concessions
        ],
        "package_metrics": {
            _pkg(p): {m: q_written(v) for m, v in p.metrics.items()} for p in shown
        },
    }


def explanation_verdicts(explanation: Explanation) -> dict[str | None, list[str]]:
    """The solver's `Explanation` in the shape of `reference_verdicts`."""
    verdicts: dict[str | None, list[str]] = {
        None: [f.constraint.label for f in explanation.broken_rules]
    }
    for verdict in explanation.verdicts:
        verdicts[verdict.actor] = [f.constraint.label for f in verdict.failures]
    return verdicts


def explanation_details(
    explanation: Explanation,
) -> list[tuple[str, list[tuple[str, str, int, int]]]]:
    """The solver's `Explanation` in the shape of `reference_details`."""
    found = list(explanation.broken_rules) + [
        f for verdict in explanation.verdicts for f in verdict.failures
    ]
    return [(f.constraint.label, [_miss(m) for m in f.misses]) for f in found]
