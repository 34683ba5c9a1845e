"""Cross-checks between the parts of a scenario: every name refers to something declared.

Runs on the parts whose shape is valid (options, actors, rules, ... keyed by their id or list
index), so a fault in one part does not hide a misspelt reference in another. What a scenario
declares is read from the raw document, so a part that failed its own checks is still known
by its id; a section that is absent or not a mapping makes its names unknowable, and the
references to them are then not checked rather than all reported.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import Loc
from . import expr
from .diagnostics import Finding, Suggester, hint, in_field, subject, where
from .schema import (
    DEFAULT_METRICS,
    Actor,
    Bound,
    Constraint,
    Expression,
    Interaction,
    Metric,
    Option,
    Rule,
    Tradeoff,
)
from .uncertain import LARGEST, RANGE_RULE, Uncertain, parse_uncertain

_RESERVED = ", ".join(sorted(expr.KEYWORDS))
_CONSTRAINT: TypeAdapter[Constraint] = TypeAdapter(Constraint)
_EXPRESSION: TypeAdapter[expr.Expr] = TypeAdapter(Expression)


def _keys(data: Mapping[str, Any], section: str, default: Iterable[str] = ()) -> set[str] | None:
    """The ids declared in a section: its keys, `default` when absent, None when unreadable."""
    if section not in data:
        return set(default)
    raw = data[section]
    return {str(key) for key in raw} if isinstance(raw, dict) else None


def _raw_tags(option: Any) -> set[str]:
    """The tags written in a raw option, however malformed the option is otherwise."""
    tags = option.get("tags") if isinstance(option, dict) else None
    tags = [tags] if isinstance(tags, str) else tags
    return {tag for tag in tags if isinstance(tag, str)} if isinstance(tags, list) else set()


class Context:
    """What a scenario declares, for looking names up (None: the section is unreadable)."""

    def __init__(
        self, parts: Mapping[str, Any], data: Mapping[str, Any], suggester: Suggester
    ) -> None:
        self.data = data
        self.suggester = suggester
        self.metrics: dict[str, Metric] = dict(DEFAULT_METRICS)
        if "metrics" in data:
            self.metrics = parts.get("metrics") or {}
        self.options: dict[str, Option] = parts.get("options") or {}
        self.actors: dict[str, Actor] = parts.get("actors") or {}
        self.metric_names = _keys(data, "metrics", DEFAULT_METRICS)
        self.option_ids = _keys(data, "options") if "options" in data else None
        self.actor_ids = _keys(data, "actors") if "actors" in data else None
        self.source_ids = _keys(data, "sources")
        raw_options = data.get("options")
        self.tags = set()
        if isinstance(raw_options, dict):
            self.tags = set().union(*(_raw_tags(o) for o in raw_options.values()))
        self.names = None if self.option_ids is None else self.option_ids | self.tags

    def item_loc(self, loc: Loc, index: int) -> Loc:
        """The path of item `index` of a name list, or of the scalar when one name was given."""
        node: Any = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return loc
        return (*loc, index) if isinstance(node, list) else loc

    def unknown_name(self, name: str, loc: Loc, *, options_only: bool = False) -> Iterator[Finding]:
        """A finding if `name` is not an option (or a tag, where tags are allowed)."""
        known = self.option_ids if options_only else self.names
        if known is None or name in known:
            return
        what = "option" if options_only else "option or tag"
        kind = "options" if options_only else "names"
        extra = self._kind_hint(name, options_only=options_only) or self.suggestion(
            name, known, kind
        )
        yield Finding(loc, f"unknown {what} '{name}' in {in_field(loc)}{extra}")

    def suggestion(self, name: str, known: Collection[str], kind: str) -> str:
        """` (did you mean 'x'?)` for a name of this kind, within the file's fuzzy budget."""
        return hint(self.suggester.nearest(name, known, kind=kind))

    def _kind_hint(self, name: str, *, options_only: bool) -> str:
        """Say what a name is when it is declared as something else."""
        if options_only and name in self.tags:
            return f" ('{name}' is a tag; only option ids are allowed here)"
        if self.metric_names is not None and name in self.metric_names:
            return f" ('{name}' is a metric; compare it with a number, e.g. '{name} >= 0.5')"
        if self.actor_ids is not None and name in self.actor_ids:
            return f" ('{name}' is an actor, not an option)"
        return ""

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
        known = self.metric_names
        if known is None or name in known:
            return
        extra = self.suggestion(name, known, "metrics")
        if not extra and self.names is not None and name in self.names:
            extra = f" ('{name}' is an option or tag; count it with 'count({name}) >= 1')"
        if not extra:
            extra = f" (declared metrics: {', '.join(sorted(known)) or 'none'})"
        message = f"unknown metric '{name}' in {in_field(loc)}{extra}"
        yield Finding(loc, message, key=key, offset=offset)

    def actor(self, name: str, loc: Loc) -> Iterator[Finding]:
        """A finding if `name` is not a declared actor."""
        known = self.actor_ids
        if known is not None and name not in known:
            near = self.suggestion(name, known, "actors")
            yield Finding(loc, f"unknown actor '{name}' in {in_field(loc)}{near}")

    def source(self, name: str | None, loc: Loc) -> Iterator[Finding]:
        """A finding if a cited source is not in the scenario's `sources:`."""
        known = self.source_ids
        if name is None or known is None or name in known:
            return
        extra = self.suggestion(name, known, "sources") or " (declare it under 'sources:')"
        yield Finding(loc, f"unknown source '{name}' cited by {where(loc)}{extra}")

    def expression(self, tree: expr.Expr, loc: Loc) -> Iterator[Finding]:
        """Every reference in an expression, pointing at the offending word."""
        for ref in expr.refs(tree):
            for finding in self.unknown_name(ref.name, loc):
                yield Finding(loc, finding.message, offset=ref.offset)
        for metric in expr.metrics(tree):
            yield from self.metric(metric.name, loc, offset=metric.offset)


def check(
    parts: Mapping[str, Any], data: Mapping[str, Any], *, suggester: Suggester | None = None
) -> Iterator[Finding]:
    """Every cross-reference problem among the parts of a scenario whose shape is valid."""
    ctx = Context(parts, data, suggester or Suggester())
    yield from _check_tradeoff(ctx, parts)
    yield from _check_reserved(ctx)
    for option_id, option in ctx.options.items():
        yield from _check_option(ctx, option_id, option)
    for index, interaction in _indexed(parts.get("interactions")).items():
        loc: Loc = ("interactions", index)
        yield from ctx.names_at(interaction.all_of, (*loc, "all_of"), options_only=True)
        yield from _check_values(ctx, interaction.values, loc)
        yield from ctx.source(interaction.source, (*loc, "source"))
    yield from _check_sums(ctx, _indexed(parts.get("interactions")).values())
    rules = _indexed(parts.get("rules"))
    for index, rule in rules.items():
        yield from _check_rule(ctx, rule, ("rules", index))
    yield from _duplicate_ids({i: r.id for i, r in rules.items()}, ("rules",), "rule", "")
    status_quo = parts.get("status_quo") or ()
    yield from ctx.names_at(status_quo, ("status_quo",), options_only=True)
    for actor_id, actor in ctx.actors.items():
        yield from _check_actor(ctx, actor_id, actor)
    raw_options = data.get("options")
    for option_id, raw in raw_options.items() if isinstance(raw_options, dict) else ():
        if option_id not in ctx.options and isinstance(raw, dict):
            yield from _check_values(ctx, _salvaged_values(raw), ("options", option_id))
    raw_actors = data.get("actors")
    for actor_id, raw in raw_actors.items() if isinstance(raw_actors, dict) else ():
        if actor_id not in ctx.actors and isinstance(raw, dict):
            yield from _check_salvaged(ctx, ("actors", actor_id), raw)


def _check_sums(ctx: Context, interactions: Iterable[Interaction]) -> Iterator[Finding]:
    """A sum's values may not add up beyond LARGEST: its grid values would not stay exact."""
    for name, metric in ctx.metrics.items():
        if metric.combine != "sum":
            continue
        parts = [*ctx.options.values(), *interactions]
        total = sum(_magnitude(p.values[name]) for p in parts if name in p.values)
        if total > LARGEST:
            yield Finding(
                ("metrics", name),
                f"metric '{name}' adds up to as much as {total:.10g} over all options and "
                f"interactions, out of range: {RANGE_RULE}",
                key=True,
            )


def _magnitude(value: Uncertain) -> float:
    """The largest size a value can take (its best guess when its support is unbounded)."""
    low, high = value.support
    return max(abs(low), abs(high)) if math.isfinite(low - high) else abs(value.best)


def _indexed(items: Any) -> dict[int, Any]:
    """A list section's valid entries by index, however the section was validated."""
    if isinstance(items, dict):
        return items
    return dict(enumerate(items or ()))


def _check_tradeoff(ctx: Context, parts: Mapping[str, Any]) -> Iterator[Finding]:
    """The trade-off axes must be declared metrics; a default axis is named as such."""
    raw = ctx.data.get("tradeoff")
    tradeoff = parts.get("tradeoff") if "tradeoff" in ctx.data else Tradeoff()
    if tradeoff is None or ctx.metric_names is None:
        return
    written = raw if isinstance(raw, dict) else {}
    defaults = []
    for axis in ("benefit", "risk"):
        name = getattr(tradeoff, axis)
        if axis in written:
            yield from ctx.metric(name, ("tradeoff", axis))
        elif name not in ctx.metric_names:
            defaults.append(f"{axis} '{name}'")
    if defaults:
        loc: Loc = ("tradeoff",) if "tradeoff" in ctx.data else ("metrics",)
        verb = "are not declared metrics" if len(defaults) > 1 else "is not a declared metric"
        yield Finding(
            loc,
            f"the default trade-off {' and '.join(defaults)} {verb}: "
            "write 'tradeoff: {benefit: METRIC, risk: METRIC}' with metrics declared under "
            "'metrics:'",
            key=True,
        )


def _check_reserved(ctx: Context) -> Iterator[Finding]:
    """Option ids, tags and metrics must not be words of the expression language."""
    for section in ("options", "metrics"):
        raw = ctx.data.get(section)
        for name in raw if isinstance(raw, dict) else ():
            if name in expr.KEYWORDS:
                what = section[:-1]
                yield Finding(
                    (section, name),
                    f"{what} id '{name}' is a reserved word of the expression language "
                    f"({_RESERVED}): choose another",
                    key=True,
                )
    for option_id, option in ctx.options.items():
        for i, tag in enumerate(option.tags):
            if tag in expr.KEYWORDS:
                yield Finding(
                    ctx.item_loc(("options", option_id, "tags"), i),
                    f"tag '{tag}' of option '{option_id}' is a reserved word of the expression "
                    f"language ({_RESERVED}): choose another",
                )


def _check_option(ctx: Context, option_id: str, option: Option) -> Iterator[Finding]:
    """Tags that collide with ids, actors, sources and metric values of one option."""
    loc: Loc = ("options", option_id)
    for i, tag in enumerate(option.tags):
        if ctx.option_ids is not None and tag in ctx.option_ids:
            yield Finding(
                ctx.item_loc((*loc, "tags"), i),
                f"tag '{tag}' of option '{option_id}' collides with the option id '{tag}' "
                "(ids and tags share one namespace: rename the tag)",
            )
    for i, actor in enumerate(option.provided_by):
        yield from ctx.actor(actor, ctx.item_loc((*loc, "provided_by"), i))
    if option.controlled_by is not None:
        yield from ctx.actor(option.controlled_by, (*loc, "controlled_by"))
    elif option.one_way is not None:
        yield Finding(
            (*loc, "one_way"),
            f"option '{option_id}' is one-way but controlled by no actor: "
            "say who takes or drops it with 'controlled_by:'",
            key=True,
        )
    yield from ctx.source(option.source, (*loc, "source"))
    yield from _check_values(ctx, option.values, loc)


def _check_values(ctx: Context, values: Mapping[str, Uncertain], loc: Loc) -> Iterator[Finding]:
    """Metric values must lie in their metric's domain."""
    for name, value in values.items():
        metric = ctx.metrics.get(name)
        if metric is not None:
            yield from _in_domain(metric, value, (*loc, name), why="as a noisy-or probability")


def _in_domain(
    metric: Metric, value: Uncertain, loc: Loc, *, why: str, closed: bool = False
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
        yield Finding(loc, f"{subject(loc)} must lie in {interval}, {why} (got {value})")


def _check_rule(ctx: Context, rule: Rule, loc: Loc) -> Iterator[Finding]:
    """Names in a rule refer to options or tags."""
    yield from ctx.source(rule.source, (*loc, "source"))
    if rule.requires is not None:
        for name, needed in rule.requires.items():
            for finding in ctx.unknown_name(name, (*loc, "requires", name)):
                yield Finding(finding.loc, finding.message, key=True)
            yield from ctx.names_at(needed, (*loc, "requires", name))
    for kind in ("excludes", "one_of"):
        names = getattr(rule, kind)
        if names is not None:
            yield from ctx.names_at(names, (*loc, kind))
    if rule.condition is not None:
        yield from ctx.expression(rule.condition, (*loc, "condition"))


def _check_actor(ctx: Context, actor_id: str, actor: Actor) -> Iterator[Finding]:
    """Constraints, priorities and utility weights of one actor."""
    loc: Loc = ("actors", actor_id)
    yield from ctx.source(actor.source, (*loc, "source"))
    for index, constraint in enumerate(actor.constraints):
        yield from _check_constraint(ctx, constraint, (*loc, "constraints", index))
    ids = {i: c.id for i, c in enumerate(actor.constraints)}
    yield from _duplicate_ids(ids, (*loc, "constraints"), "constraint", f" in actor '{actor_id}'")
    for index, priority in enumerate(actor.priorities):
        yield from ctx.expression(priority, (*loc, "priorities", index))
    yield from _check_ranking(ctx, actor.ranking, (*loc, "ranking"))
    for name in actor.utility:
        known = (ctx.metric_names or set()) | (ctx.names or set())
        if ctx.metric_names is not None and ctx.names is not None and name not in known:
            yield Finding(
                (*loc, "utility", name),
                f"unknown metric, option or tag '{name}' in {in_field((*loc, 'utility'))}"
                f"{ctx.suggestion(name, known, 'utility')}",
                key=True,
            )


def _check_ranking(
    ctx: Context, ranking: tuple[tuple[tuple[str, ...], ...], ...], loc: Loc
) -> Iterator[Finding]:
    """Option ids of a ranking are options, and no package is ranked twice."""
    seen: dict[frozenset[str], int] = {}
    for index, entry in enumerate(ranking):
        for k, package in enumerate(entry):
            at: Loc = (*loc, index) if len(entry) == 1 else (*loc, index, "tie", k)
            for i, name in enumerate(package):
                yield from ctx.unknown_name(name, (*at, i), options_only=True)
            key = frozenset(package)
            if key in seen:
                yield Finding(
                    at,
                    f"package {list(package)} is ranked twice in actor '{loc[1]}' "
                    f"(ranking entries {seen[key] + 1} and {index + 1}): rank each once, "
                    "with {tie: [...]} for packages liked equally",
                )
            seen.setdefault(key, index)


def _check_salvaged(ctx: Context, loc: Loc, raw: Mapping[str, Any]) -> Iterator[Finding]:
    """The valid constraints and priorities of an actor that failed its own checks."""
    constraints, priorities = raw.get("constraints"), raw.get("priorities")
    for index, entry in enumerate(constraints if isinstance(constraints, list) else ()):
        constraint = _valid(_CONSTRAINT, entry)
        if constraint is not None:
            yield from _check_constraint(ctx, constraint, (*loc, "constraints", index))
    for index, entry in enumerate(priorities if isinstance(priorities, list) else ()):
        priority = _valid(_EXPRESSION, entry)
        if priority is not None:
            yield from ctx.expression(priority, (*loc, "priorities", index))


def _salvaged_values(raw: Mapping[str, Any]) -> dict[str, Uncertain]:
    """The valid uncertain values of an option that failed its own checks."""
    values = {}
    for key, value in raw.items():
        try:
            values[key] = parse_uncertain(value)
        except ValueError:
            continue
    return values


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    """The validated value, or None when it is not valid (its errors are reported elsewhere)."""
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def _duplicate_ids(
    ids: Mapping[int, str | None], loc: Loc, what: str, owner: str
) -> Iterator[Finding]:
    """An id used by two entries of one list, reported at the second."""
    seen: dict[str, int] = {}
    for index, entry_id in ids.items():
        if entry_id is None:
            continue
        if entry_id in seen:
            yield Finding(
                (*loc, index, "id"),
                f"{what} id '{entry_id}' is used twice{owner} "
                f"(first in {what} {seen[entry_id] + 1}, here in {what} {index + 1})",
            )
        seen.setdefault(entry_id, index)


def _check_constraint(ctx: Context, constraint: Constraint, loc: Loc) -> Iterator[Finding]:
    """Names, metrics and bounds of one constraint."""
    yield from ctx.source(constraint.source, (*loc, "source"))
    kind = constraint.kind
    if kind in ("veto", "demand", "demand_any"):
        yield from ctx.names_at(getattr(constraint, kind), (*loc, kind))
    elif kind == "condition" and constraint.condition is not None:
        yield from ctx.expression(constraint.condition, (*loc, "condition"))
    elif constraint.limit is not None:
        for metric, bound in constraint.limit.items():
            yield from ctx.metric(metric, (*loc, "limit", metric), key=True)
            yield from _check_bound(ctx, metric, bound, (*loc, "limit", metric))


def _check_bound(ctx: Context, metric: str, bound: Bound, loc: Loc) -> Iterator[Finding]:
    """Bounds of a noisy-or metric lie in [0, 1]."""
    spec = ctx.metrics.get(metric)
    why = f"as '{metric}' is a noisy-or probability"
    for side in ("min", "max"):
        value = getattr(bound, side)
        if spec is not None and value is not None:
            yield from _in_domain(spec, value, (*loc, side), why=why, closed=True)
