"""Cross-checks between the parts of a scenario: every name refers to something declared.

Runs on the parts whose shape is valid (options, actors, rules, ... keyed by their id or list
index), so a fault in one part does not hide a misspelt reference in another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from guarantees.model import expr
from guarantees.model.diagnostics import Finding, where
from guarantees.model.errors import Loc, did_you_mean
from guarantees.model.schema import (
    DEFAULT_METRICS,
    Actor,
    Bound,
    Constraint,
    Metric,
    Option,
    Rule,
    Tradeoff,
)
from guarantees.model.uncertain import Uncertain


class Context:
    """What a scenario declares, for looking names up."""

    def __init__(self, parts: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        self.data = data
        self.metrics: dict[str, Metric] = parts.get("metrics") or dict(DEFAULT_METRICS)
        self.options: dict[str, Option] = parts.get("options") or {}
        self.actors: dict[str, Actor] = parts.get("actors") or {}
        self.sources: dict[str, str] = parts.get("sources") or {}
        self.tags = {tag for option in self.options.values() for tag in option.tags}
        raw_options = data.get("options") if isinstance(data.get("options"), dict) else {}
        self.option_ids = set(raw_options or {}) | set(self.options)
        self.names = self.option_ids | self.tags

    def item_loc(self, loc: Loc, index: int) -> Loc:
        """The path of item `index` of a name list, or of the scalar when one name was given."""
        node: Any = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return loc
        return loc + (index,) if isinstance(node, list) else loc

    def unknown_name(self, name: str, loc: Loc, *, options_only: bool = False) -> Iterator[Finding]:
        """A finding if `name` is not an option (or tag, where tags are allowed)."""
        known = self.option_ids if options_only else self.names
        if name not in known:
            what = "option" if options_only else "option or tag"
            yield Finding(
                loc, f"unknown {what} '{name}' in {where(loc)}{did_you_mean(name, known)}"
            )

    def names_at(
        self, names: Iterable[str], loc: Loc, *, options_only: bool = False
    ) -> Iterator[Finding]:
        """Check each name of a list written at `loc`."""
        for i, name in enumerate(names):
            yield from self.unknown_name(name, self.item_loc(loc, i), options_only=options_only)

    def metric(
        self, name: str, loc: Loc, *, key: bool = False, offset: int = 0
    ) -> Iterator[Finding]:
        """A finding if `name` is not a declared metric."""
        if name not in self.metrics:
            hint = did_you_mean(name, self.metrics)
            yield Finding(
                loc, f"unknown metric '{name}' in {where(loc)}{hint}", key=key, offset=offset
            )

    def actor(self, name: str, loc: Loc) -> Iterator[Finding]:
        """A finding if `name` is not a declared actor."""
        if name not in self.actors:
            yield Finding(
                loc, f"unknown actor '{name}' in {where(loc)}{did_you_mean(name, self.actors)}"
            )

    def source(self, name: str | None, loc: Loc) -> Iterator[Finding]:
        """A finding if a cited source is not in the scenario's `sources:`."""
        if name is not None and name not in self.sources:
            hint = did_you_mean(name, self.sources)
            yield Finding(
                loc, f"unknown source '{name}' in {where(loc)} (declare it under 'sources:'){hint}"
            )

    def expression(self, tree: expr.Expr, loc: Loc) -> Iterator[Finding]:
        """Every reference in an expression, pointing at the offending word."""
        for ref in expr.refs(tree):
            if ref.name not in self.names:
                hint = did_you_mean(ref.name, self.names | set(self.metrics))
                yield Finding(
                    loc,
                    f"unknown option or tag '{ref.name}' in {where(loc)}{hint}",
                    offset=ref.offset,
                )
        for metric in expr.metrics(tree):
            yield from self.metric(metric.name, loc, offset=metric.offset)


def check(parts: Mapping[str, Any], data: Mapping[str, Any]) -> Iterator[Finding]:
    """Every cross-reference problem in a scenario whose parts have a valid shape."""
    ctx = Context(parts, data)
    yield from _check_tradeoff(ctx, parts.get("tradeoff"))
    for option_id, option in ctx.options.items():
        yield from _check_option(ctx, option_id, option)
    for index, interaction in (parts.get("interactions") or {}).items():
        loc: Loc = ("interactions", index)
        yield from ctx.names_at(interaction.all_of, loc + ("all_of",), options_only=True)
        yield from _check_values(ctx, interaction.values, loc, interaction=True)
        yield from ctx.source(interaction.source, loc + ("source",))
    for index, rule in (parts.get("rules") or {}).items():
        yield from _check_rule(ctx, rule, ("rules", index))
    yield from ctx.names_at(parts.get("status_quo") or (), ("status_quo",), options_only=True)
    for actor_id, actor in ctx.actors.items():
        yield from _check_actor(ctx, actor_id, actor)


def _check_tradeoff(ctx: Context, tradeoff: Tradeoff | None) -> Iterator[Finding]:
    """The trade-off axes must be declared metrics."""
    tradeoff = tradeoff or Tradeoff()
    for axis in ("benefit", "risk"):
        loc: Loc = ("tradeoff", axis) if "tradeoff" in ctx.data else ()
        yield from ctx.metric(getattr(tradeoff, axis), loc)


def _check_option(ctx: Context, option_id: str, option: Option) -> Iterator[Finding]:
    """Tags that collide with ids, actors, sources and metric values of one option."""
    loc: Loc = ("options", option_id)
    for i, tag in enumerate(option.tags):
        if tag in ctx.option_ids:
            yield Finding(
                ctx.item_loc(loc + ("tags",), i),
                f"tag '{tag}' of option '{option_id}' collides with the option id '{tag}' (ids and tags share one namespace)",
            )
    for i, actor in enumerate(option.provided_by):
        yield from ctx.actor(actor, ctx.item_loc(loc + ("provided_by",), i))
    if option.controlled_by is not None:
        yield from ctx.actor(option.controlled_by, loc + ("controlled_by",))
    yield from ctx.source(option.source, loc + ("source",))
    yield from _check_values(ctx, option.values, loc, interaction=False)


def _check_values(
    ctx: Context, values: Mapping[str, Uncertain], loc: Loc, *, interaction: bool
) -> Iterator[Finding]:
    """Metric values must lie in their metric's domain."""
    for name, value in values.items():
        metric = ctx.metrics.get(name)
        if metric is not None:
            yield from _in_domain(metric, name, value, loc + (name,))


def _in_domain(
    metric: Metric, name: str, value: Uncertain, loc: Loc, *, closed: bool = False
) -> Iterator[Finding]:
    """noisy-or values are probabilities in [0, 1) (a limit may also be 1)."""
    if metric.combine != "noisy_or":
        return
    low, high = value.support
    if value.kind in ("normal", "beta"):  # sampled values are clipped to the domain
        low = high = value.best
    top_ok = high <= 1 if closed else high < 1
    if low < 0 or not top_ok or math.isnan(low):
        interval = "[0, 1]" if closed else "[0, 1)"
        yield Finding(
            loc,
            f"'{name}' is a noisy-or probability and must lie in {interval} (got {value}) in {where(loc)}",
        )


def _check_rule(ctx: Context, rule: Rule, loc: Loc) -> Iterator[Finding]:
    """Names in a rule refer to options or tags."""
    yield from ctx.source(rule.source, loc + ("source",))
    if rule.requires is not None:
        for name, needed in rule.requires.items():
            yield from ctx.unknown_name(name, loc + ("requires", name))
            yield from ctx.names_at(needed, loc + ("requires", name))
    for kind in ("excludes", "one_of"):
        names = getattr(rule, kind)
        if names is not None:
            yield from ctx.names_at(names, loc + (kind,))
    if rule.condition is not None:
        yield from ctx.expression(rule.condition, loc + ("condition",))


def _check_actor(ctx: Context, actor_id: str, actor: Actor) -> Iterator[Finding]:
    """Constraints, priorities and utility weights of one actor."""
    loc: Loc = ("actors", actor_id)
    yield from ctx.source(actor.source, loc + ("source",))
    seen: dict[str, int] = {}
    for index, constraint in enumerate(actor.constraints):
        cloc = loc + ("constraints", index)
        yield from _check_constraint(ctx, constraint, cloc)
        if constraint.id is not None:
            if constraint.id in seen:
                yield Finding(
                    cloc + ("id",),
                    f"constraint id '{constraint.id}' is used twice in actor '{actor_id}' (first in constraint {seen[constraint.id] + 1})",
                )
            seen.setdefault(constraint.id, index)
    for index, priority in enumerate(actor.priorities):
        yield from ctx.expression(priority, loc + ("priorities", index))
    for name in actor.utility:
        if name not in ctx.metrics and name not in ctx.names:
            hint = did_you_mean(name, set(ctx.metrics) | ctx.names)
            yield Finding(
                loc + ("utility", name),
                f"unknown metric, option or tag '{name}' in the utility of actor '{actor_id}'{hint}",
                key=True,
            )


def _check_constraint(ctx: Context, constraint: Constraint, loc: Loc) -> Iterator[Finding]:
    """Names, metrics and bounds of one constraint."""
    yield from ctx.source(constraint.source, loc + ("source",))
    kind = constraint.kind
    if kind in ("veto", "demand", "demand_any"):
        yield from ctx.names_at(getattr(constraint, kind), loc + (kind,))
    elif kind == "condition" and constraint.condition is not None:
        yield from ctx.expression(constraint.condition, loc + ("condition",))
    elif constraint.limit is not None:
        for metric, bound in constraint.limit.items():
            yield from ctx.metric(metric, loc + ("limit", metric), key=True)
            yield from _check_bound(ctx, metric, bound, loc + ("limit", metric))


def _check_bound(ctx: Context, metric: str, bound: Bound, loc: Loc) -> Iterator[Finding]:
    """Bounds of a noisy-or metric lie in [0, 1]."""
    spec = ctx.metrics.get(metric)
    for side in ("min", "max"):
        value = getattr(bound, side)
        if spec is not None and value is not None:
            yield from _in_domain(spec, metric, value, loc + (side,), closed=True)
