"""The report of `guarantees explain`: one package's metrics, rules and every actor's verdict.

Each failed constraint is shown with what it says (read back from the scenario), for a
limit each bound missed and by how much, and its note and source, so that a reader can see
why without opening the file.
"""

from __future__ import annotations

from guarantees.cli.report import (
    Column,
    Report,
    Section,
    Table,
    metric_number,
    miss_text,
    package_text,
    plural,
    source_text,
)
from guarantees.model.exact.results import ConstraintRef, Explanation, Failure
from guarantees.model.format import expr
from guarantees.model.format.schema import Bound, Constraint, Rule, Scenario


def explanation_report(file: str, scenario: Scenario, result: Explanation) -> Report:
    """Metrics, feasibility and verdicts of the explained package."""
    options = result.package.options
    size = f" ({plural(len(options), 'option')})" if options else ""
    facts = (f"{result.scenario_id} ({file})", f"Package: {package_text(options)}{size}")
    sections: tuple[Section, ...] = (
        _metrics(scenario, result),
        _rules(scenario, result),
        _verdicts(result),
    )
    failures = tuple(f for v in result.verdicts for f in v.failures)
    if failures:
        sections += (_failures(scenario, failures),)
    return Report(scenario.title, facts, sections)


def _metrics(scenario: Scenario, result: Explanation) -> Section:
    """The package's value for each metric, with its unit and (if labelled) what it means."""
    metrics = result.package.metrics
    labels = [scenario.metrics[name].label or "" for name in metrics]
    columns: tuple[Column, ...] = (
        Column("metric"),
        Column("value", numeric=True),
        Column("meaning"),
    )
    rows: tuple[tuple[str, ...], ...] = tuple(
        (name, metric_number(scenario, name, value), label)
        for (name, value), label in zip(metrics.items(), labels, strict=True)
    )
    if not any(labels):
        columns, rows = columns[:2], tuple(row[:2] for row in rows)
    return Section("Metrics", (), Table(columns, rows))


def _rules(scenario: Scenario, result: Explanation) -> Section:
    """Whether the package keeps every rule, and each rule it breaks."""
    if result.feasible:
        return Section("Rules", (rules_text(0),))
    text = rules_text(len(result.broken_rules))
    return Section("Rules", (text,), _failure_table(scenario, result.broken_rules))


def rules_text(broken: int) -> str:
    """Whether a package is on the table, by how many rules it breaks."""
    if not broken:
        return "The package keeps every rule: it is on the table."
    return f"The package breaks {plural(broken, 'rule')}: it is not on the table."


def _verdicts(result: Explanation) -> Section:
    """Every actor's verdict, in file order."""
    columns = (Column("actor"), Column("name"), Column("verdict"), Column("fails", numeric=True))
    rows = tuple(
        (v.actor, v.name, verdict_word(v.accepts), str(len(v.failures))) for v in result.verdicts
    )
    rejecting = [v.actor for v in result.verdicts if not v.accepts]
    text = verdicts_text(rejecting, len(result.verdicts), acceptable=result.acceptable)
    return Section("Verdicts", (text,), Table(columns, rows))


def verdicts_text(rejecting: list[str], actors: int, *, acceptable: bool) -> str:
    """Who rejects a package (of how many actors), and whether it is acceptable."""
    if not rejecting:
        text = "Every actor accepts the package."
    else:
        names = ", ".join(rejecting)
        text = f"Rejected by {len(rejecting)} of {actors} actors: {names}."
    return text + (" The package is acceptable." if acceptable else "")


def verdict_word(accepts: bool) -> str:
    """An actor's verdict on a package, in one word."""
    return "accepts" if accepts else "rejects"


def _failures(scenario: Scenario, failures: tuple[Failure, ...]) -> Section:
    """Each constraint an actor holds against the package."""
    return Section("Failed constraints", (), _failure_table(scenario, failures))


def _failure_table(scenario: Scenario, failures: tuple[Failure, ...]) -> Table:
    """Label and kind of each failed constraint or rule; what fails, its note and source."""
    columns = (Column("constraint"), Column("kind"), Column("why"))
    rows = tuple((f.constraint.label, f.constraint.kind, _details(scenario, f)) for f in failures)
    return Table(columns, rows)


def _details(scenario: Scenario, failure: Failure) -> str:
    """What fails, then `note: ...` and `source: ...` lines when the constraint has them."""
    lines = [_what_fails(scenario, failure)]
    if failure.constraint.note:
        lines.append(f"note: {failure.constraint.note}")
    if failure.constraint.source:
        lines.append(f"source: {source_text(scenario, failure.constraint.source)}")
    return "\n".join(lines)


def _what_fails(scenario: Scenario, failure: Failure) -> str:
    """For a limit, each bound missed; otherwise what the constraint says."""
    if failure.misses:
        return "\n".join(miss_text(scenario, m) for m in failure.misses)
    return constraint_text(constraint_entry(scenario, failure.constraint))


def constraint_entry(scenario: Scenario, ref: ConstraintRef) -> Constraint | Rule:
    """The rule or actor constraint a reference points to."""
    if ref.actor is None:
        return scenario.rules[ref.index]
    return scenario.actors[ref.actor].constraints[ref.index]


def constraint_text(entry: Constraint | Rule) -> str:
    """What a rule or a constraint says, in the file's own terms: `veto: a, b`."""
    kind = entry.kind
    value = getattr(entry, kind)
    if isinstance(value, expr.Expr):
        return f"{kind}: {expr.render(value)}"
    if isinstance(value, tuple):
        return f"{kind}: {', '.join(value)}"
    if kind == "requires":
        return "; ".join(f"{a} requires {', '.join(bs)}" for a, bs in value.items())
    return "limit: " + "; ".join(_bound_text(m, b) for m, b in value.items())


def _bound_text(metric: str, bound: Bound) -> str:
    """`escalation max 0.4`, `deterrence min 0.5 max 0.9`."""
    parts = [metric]
    if bound.min is not None:
        parts.append(f"min {bound.min}")
    if bound.max is not None:
        parts.append(f"max {bound.max}")
    return " ".join(parts)
