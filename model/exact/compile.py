"""Compile a validated scenario once into masks, metric terms and test trees.

Options get internal bit positions: options that take part in interactions go to the high
bits, so that when packages are enumerated in chunks that share their high bits (a prefix),
every interaction is decided by the prefix alone and metric values split into a low part
(tabulated once) combined with a per-prefix constant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..format import expr
from ..format.schema import Constraint, Rule, Scenario
from . import ir
from .results import ConstraintRef
from .values import (
    CMetric,
    Floats,
    Ints,
    Q,
    exact_grid,
    grid_number,
    metric_span,
    q_exact,
)

HARD_KINDS = frozenset({"veto", "demand", "demand_any", "condition"})


@dataclass(frozen=True, slots=True)
class Test:
    """One rule or constraint: the package passes when `ok` holds."""

    ref: ConstraintRef
    ok: ir.Node
    actor: int | None  # index into CompiledScenario.actors; None for a rule
    #: limit bounds: (metric, "min" or "max", value as written, value on the metric's grid)
    bounds: tuple[tuple[int, str, float, int], ...] = ()

    @property
    def hard(self) -> bool:
        """Vetoes, demands and conditions block; limits are matters of degree."""
        return self.ref.kind in HARD_KINDS


@dataclass(frozen=True, slots=True)
class CompiledScenario:
    """A scenario as arrays and masks, in internal bit order (see `perm`)."""

    scenario: Scenario
    options: tuple[str, ...]  # in file order
    perm: tuple[int, ...]  # internal bit j holds the option at file position perm[j]
    names: dict[str, int]  # option id or tag -> internal mask
    metrics: tuple[CMetric, ...]
    metric_index: dict[str, int]
    benefit: int
    risk: int
    rules: tuple[Test, ...]
    constraints: tuple[Test, ...]
    actors: tuple[str, ...]
    interaction_bits: int  # how many high bits hold interaction options

    @property
    def n(self) -> int:
        return len(self.options)

    def to_file_order(self, masks: Ints) -> Ints:
        """Internal masks -> masks whose bit i is the option at file position i."""
        out = np.zeros_like(masks)
        for bit, position in enumerate(self.perm):
            out |= ((masks >> np.uint64(bit)) & np.uint64(1)) << np.uint64(position)
        return out

    def internal_mask(self, option_ids: tuple[str, ...] | list[str]) -> int:
        """The internal mask of a package given by option ids."""
        mask = 0
        for option_id in option_ids:
            mask |= self.names[option_id]
        return mask

    def option_ids(self, mask: int) -> tuple[str, ...]:
        """The options of an internal mask, in file order."""
        positions = sorted(self.perm[bit] for bit in range(self.n) if mask >> bit & 1)
        return tuple(self.options[p] for p in positions)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario (pure; the same scenario always gives the same arrays)."""
    options = tuple(scenario.options)
    perm = _internal_order(scenario)
    bit_of = {options[p]: bit for bit, p in enumerate(perm)}
    names = {option_id: 1 << bit_of[option_id] for option_id in options}
    for tag, members in scenario.tags.items():
        names[tag] = _union(bit_of[m] for m in members)
    metric_index = {name: i for i, name in enumerate(scenario.metrics)}
    metrics = tuple(_metric(scenario, name, bit_of, len(options)) for name in scenario.metrics)
    actors = tuple(scenario.actors)
    builder = _Builder(names, metric_index, tuple(m.combine for m in metrics))
    rules = tuple(builder.rule(i, rule) for i, rule in enumerate(scenario.rules))
    constraints = tuple(
        builder.constraint(a, actor_id, i, c)
        for a, (actor_id, actor) in enumerate(scenario.actors.items())
        for i, c in enumerate(actor.constraints)
    )
    in_interactions = {m for inter in scenario.interactions for m in inter.all_of}
    return CompiledScenario(
        scenario=scenario,
        options=options,
        perm=perm,
        names=names,
        metrics=metrics,
        metric_index=metric_index,
        benefit=metric_index[scenario.tradeoff.benefit],
        risk=metric_index[scenario.tradeoff.risk],
        rules=rules,
        constraints=constraints,
        actors=actors,
        interaction_bits=len(in_interactions),
    )


def _internal_order(scenario: Scenario) -> tuple[int, ...]:
    """File positions in internal bit order: options in interactions last (high bits)."""
    members = {m for inter in scenario.interactions for m in inter.all_of}
    options = list(scenario.options)
    plain = [i for i, o in enumerate(options) if o not in members]
    linked = [i for i, o in enumerate(options) if o in members]
    return tuple(plain + linked)


def _union(bits: Iterable[int]) -> int:
    """The mask of some bit positions, each counted once however often it is named."""
    mask = 0
    for bit in bits:
        mask |= 1 << bit
    return mask


def _metric(scenario: Scenario, name: str, bit_of: dict[str, int], n: int) -> CMetric:
    """One metric's terms per internal option (NaN: gives none) and per interaction."""
    spec = scenario.metrics[name]
    terms: Floats = np.full(n, np.nan)
    units: Q = np.zeros(n, dtype=np.int64)
    for option_id, option in scenario.options.items():
        if name in option.values:
            best = option.values[name].best
            terms[bit_of[option_id]] = best
            units[bit_of[option_id]] = grid_number(spec.combine, best)
    written = [
        (_union(bit_of[m] for m in inter.all_of), inter.values[name].best)
        for inter in scenario.interactions
        if name in inter.values
    ]
    exact = exact_grid(spec.combine)
    interactions = tuple((mask, q_exact(t) if exact else t) for mask, t in written)
    on_grid = [int(units[bit]) for bit in range(n) if not np.isnan(terms[bit])]
    on_grid += [int(t) for _, t in interactions] if exact else []
    span = metric_span(spec.combine, on_grid)
    return CMetric(name, spec.combine, spec.better == "higher", terms, interactions, units, span)


@dataclass(frozen=True, slots=True)
class _Builder:
    """Turns rules, constraints and expressions into test trees over masks."""

    names: dict[str, int]
    metric_index: dict[str, int]
    combines: tuple[str, ...]  # per metric index: how its terms combine

    def union(self, names: tuple[str, ...]) -> int:
        mask = 0
        for name in names:
            mask |= self.names[name]
        return mask

    def expression(self, tree: expr.Expr) -> ir.Node:
        """An expression as a test tree."""
        match tree:
            case expr.Const(value):
                return ir.Const(value)
            case expr.Ref(name):
                return ir.Has(self.names[name])
            case expr.Not(operand):
                return ir.negate(self.expression(operand))
            case expr.Binary(op, left, right):
                a, b = self.expression(left), self.expression(right)
                if op == "and":
                    return ir.all_of((a, b))
                if op == "or":
                    return ir.any_of((a, b))
                if op == "->":
                    return ir.any_of((ir.negate(a), b))
                return ir.iff(a, b)
            case expr.Compare(expr.Count(refs), op, value):
                return ir.CountCmp(self.union(tuple(r.name for r in refs)), op, value)
            case expr.Compare(expr.Metric(name), op, value):
                metric = self.metric_index[name]
                return ir.MetricCmp(metric, op, grid_number(self.combines[metric], value))
        raise TypeError(f"not an expression: {tree!r}")

    def at_most_one(self, names: tuple[str, ...]) -> ir.Node:
        """At most one of the names matches (a tag matches once, however many options)."""
        if self.union(names).bit_count() == len(names) and all(
            self.names[n].bit_count() == 1 for n in names
        ):  # distinct single options: counting options is counting names
            return ir.CountCmp(self.union(names), "<=", 1)
        pairs = (
            ir.negate(ir.all_of((ir.Has(self.names[a]), ir.Has(self.names[b]))))
            for a, b in combinations(names, 2)
        )
        return ir.all_of(tuple(pairs))

    def rule(self, index: int, rule: Rule) -> Test:
        """A rule as a test on feasibility."""
        ref = ConstraintRef(None, index, rule.kind, rule.id, rule.note, rule.source)
        if rule.requires is not None:
            ok = ir.all_of(
                tuple(
                    ir.any_of((ir.negate(ir.Has(self.names[a])), self._all(needed)))
                    for a, needed in rule.requires.items()
                )
            )
        elif rule.excludes is not None:
            ok = self.at_most_one(rule.excludes)
        elif rule.one_of is not None:
            ok = ir.all_of((ir.Has(self.union(rule.one_of)), self.at_most_one(rule.one_of)))
        else:
            assert rule.condition is not None
            ok = self.expression(rule.condition)
        return Test(ref, ok, None)

    def _all(self, names: tuple[str, ...]) -> ir.Node:
        return ir.all_of(tuple(ir.Has(self.names[n]) for n in names))

    def constraint(self, actor: int, actor_id: str, index: int, c: Constraint) -> Test:
        """An actor's constraint as a test on acceptance."""
        ref = ConstraintRef(actor_id, index, c.kind, c.id, c.note, c.source)
        bounds: list[tuple[int, str, float, int]] = []
        if c.veto is not None:
            ok = ir.negate(ir.Has(self.union(c.veto)))
        elif c.demand is not None:
            ok = self._all(c.demand)
        elif c.demand_any is not None:
            ok = ir.Has(self.union(c.demand_any))
        elif c.condition is not None:
            ok = self.expression(c.condition)
        else:
            assert c.limit is not None
            for metric, bound in c.limit.items():
                m = self.metric_index[metric]
                for side, value in (("min", bound.min), ("max", bound.max)):
                    if value is not None:
                        grid = grid_number(self.combines[m], value.best)
                        bounds.append((m, side, value.best, grid))
            ok = ir.all_of(
                tuple(
                    ir.MetricCmp(m, ">=" if side == "min" else "<=", g) for m, side, _, g in bounds
                )
            )
        return Test(ref, ok, actor, tuple(bounds))


def expression_node(compiled: CompiledScenario, tree: expr.Expr) -> ir.Node:
    """An expression of the scenario (a priority, say) as a test tree over internal masks."""
    combines = tuple(m.combine for m in compiled.metrics)
    return _Builder(compiled.names, compiled.metric_index, combines).expression(tree)
