"""The report of `guarantees evaluate` for one scenario, as plain data for any renderer.

Short and readable: the counts, then the acceptable packages (and their minimal forms), the
frontier, the trade-offs, who blocks, and the concessions, each list cut to its top entries.
"""

from __future__ import annotations

from collections.abc import Sequence

from guarantees.cli.report import (
    Column,
    Report,
    Section,
    Table,
    metric_header,
    metric_number,
    miss_text,
    number,
    package_text,
    plural,
    shown,
)
from guarantees.model.exact.results import Evaluation, Failure, FrontierPoint, Package
from guarantees.model.format.schema import Scenario


def evaluation_report(
    file: str, scenario: Scenario, result: Evaluation, top: int, *, tied: int | None = None
) -> Report:
    """Every section of the evaluate view, each list limited to `top` entries, and the
    packages tied at each frontier point to `tied` (default: `top`)."""
    sections = [_acceptable(scenario, result, top)]
    if result.acceptable:
        sections.append(_minimal(scenario, result, top))
    sections += [
        _frontier(scenario, result, top, top if tied is None else tied),
        _tradeoffs(scenario, result, top),
        _blocks(result),
        _concessions(scenario, result, top),
    ]
    return Report(result.title, _facts(file, result), tuple(sections))


def _facts(file: str, result: Evaluation) -> tuple[str, ...]:
    """Identity and the counts: how big the problem is and how many packages pass."""
    c = result.counts
    return (
        f"{result.scenario_id} ({file})",
        f"{plural(c.options, 'option')}, {plural(c.actors, 'actor')}: "
        f"{plural(c.packages, 'package')}, {c.feasible} feasible, {c.acceptable} acceptable",
    )


def _axes(scenario: Scenario, result: Evaluation) -> str:
    """`deterrence (higher is better), then escalation (lower is better)`."""
    benefit, risk = scenario.metrics[result.benefit], scenario.metrics[result.risk]
    return (
        f"{result.benefit} ({benefit.better} is better), "
        f"then {result.risk} ({risk.better} is better)"
    )


def _package_table(
    scenario: Scenario, result: Evaluation, packages: Sequence[Package], top: int
) -> Table:
    """Ranked packages: position, options, benefit and risk."""
    columns = (
        Column("#", numeric=True),
        Column("package"),
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
    )
    rows = tuple(
        (
            str(rank),
            package_text(p.options),
            metric_number(scenario, result.benefit, p.metrics[result.benefit], unit=False),
            metric_number(scenario, result.risk, p.metrics[result.risk], unit=False),
        )
        for rank, p in enumerate(packages[:top], start=1)
    )
    return Table(columns, rows)


def _acceptable(scenario: Scenario, result: Evaluation, top: int) -> Section:
    """The acceptable packages, or a plain statement that there is none, and why not."""
    title = "Acceptable packages"
    count = len(result.acceptable)
    if result.counts.feasible == 0:
        return Section(title, ("No package keeps every rule, so no package is acceptable.",))
    if count == 0:
        hint = " The concessions below say what would open one." if result.concessions else ""
        return Section(title, (f"No package is acceptable to every actor.{hint}",))
    text = (
        f"{plural(count, 'package')} acceptable to every actor, "
        f"best first by {_axes(scenario, result)}."
    )
    table = _package_table(scenario, result, result.acceptable, top)
    return Section(title, (text,), table, shown(count, top, "acceptable packages"))


def _minimal(scenario: Scenario, result: Evaluation, top: int) -> Section:
    """Acceptable packages with no acceptable proper subset: the cores of an agreement."""
    count = len(result.minimal)
    text = f"{plural(count, 'acceptable package')} with no acceptable proper subset."
    table = _package_table(scenario, result, result.minimal, top)
    return Section("Minimal forms", (text,), table, shown(count, top, "minimal forms"))


def _frontier(scenario: Scenario, result: Evaluation, top: int, tied: int) -> Section:
    """Non-dominated (benefit, risk) points, best benefit first: a row per package (at most
    `tied` per point, then a row for the rest), the point's values on the first."""
    count = len(result.frontier)
    columns = (
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
        Column("packages"),
        Column("acceptable"),
    )
    rows = tuple(
        row for point in result.frontier[:top] for row in _point_rows(scenario, result, point, tied)
    )
    text = (
        f"{plural(count, 'point')} where no feasible package does better on both "
        f"{result.benefit} and {result.risk}."
    )
    return Section("Frontier", (text,), Table(columns, rows), shown(count, top, "points"))


def _point_rows(
    scenario: Scenario, result: Evaluation, point: FrontierPoint, tied: int
) -> list[tuple[str, ...]]:
    """A frontier point's first `tied` packages, and a row saying how many more are tied."""
    rows: list[tuple[str, ...]] = [
        (
            "" if position else metric_number(scenario, result.benefit, point.benefit, unit=False),
            "" if position else metric_number(scenario, result.risk, point.risk, unit=False),
            package_text(package.options),
            "yes" if ok else "no",
        )
        for position, (package, ok) in enumerate(
            zip(point.packages[:tied], point.acceptable[:tied], strict=True)
        )
    ]
    more = len(point.packages) - len(rows)
    if more > 0:
        accepted = int(point.acceptable[len(rows) :].sum())
        some = "all" if accepted == more else "none" if accepted == 0 else f"{accepted} of them"
        rows.append(("", "", f"and {more} more tied here", some))
    return rows


def _limits_text(scenario: Scenario, failures: tuple[Failure, ...]) -> str:
    """Each failed constraint's label and, for a limit, each bound missed and by how much."""
    lines = []
    for failure in failures:
        head = f"{failure.constraint.label} ({failure.constraint.kind})"
        misses = [miss_text(scenario, m) for m in failure.misses]
        lines.append(f"{head}: {'; '.join(misses)}" if misses else head)
    return "\n".join(lines)


def _tradeoffs(scenario: Scenario, result: Evaluation, top: int) -> Section:
    """Frontier packages held back only by metric limits, with each shortfall."""
    count = len(result.tradeoffs)
    if count == 0:
        return Section("Trade-offs", ("No frontier package fails only on metric limits.",))
    columns = (
        Column("package"),
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
        Column("failing limits"),
    )
    rows = tuple(
        (
            package_text(t.package.options),
            metric_number(scenario, result.benefit, t.package.metrics[result.benefit], unit=False),
            metric_number(scenario, result.risk, t.package.metrics[result.risk], unit=False),
            _limits_text(scenario, t.failures),
        )
        for t in result.tradeoffs[:top]
    )
    text = f"{plural(count, 'frontier package')} that only metric limits hold back."
    return Section("Trade-offs", (text,), Table(columns, rows), shown(count, top, "trade-offs"))


def _blocks(result: Evaluation) -> Section:
    """Per actor: feasible packages rejected, blocked outright, and rejected alone."""
    columns = (
        Column("actor"),
        Column("rejects", numeric=True),
        Column("blocks", numeric=True),
        Column("alone", numeric=True),
    )
    rows = tuple((b.actor, str(b.rejects), str(b.blocks), str(b.sole)) for b in result.blocks)
    text = (
        "Feasible packages each actor rejects (any constraint), blocks (a veto, demand or "
        "condition), and is alone in rejecting."
    )
    return Section("Blocks", (text,), Table(columns, rows), (_sole_text(result),))


def _sole_text(result: Evaluation) -> str:
    """Who alone blocks the most packages, said in a sentence."""
    if not result.sole_blockers:
        return "No actor is alone in rejecting any feasible package."
    sole = {b.actor: b.sole for b in result.blocks}
    names = ", ".join(result.sole_blockers)
    count = sole[result.sole_blockers[0]]
    label = "Sole blocker" if len(result.sole_blockers) == 1 else "Sole blockers"
    return f"{label}: {names} ({plural(count, 'package')} rejected by no one else)."


def _concessions(scenario: Scenario, result: Evaluation, top: int) -> Section:
    """The smallest sets of constraints to relax, each with the package it would open."""
    count = len(result.concessions)
    if count == 0:
        reason = (
            "Every feasible package is already acceptable: there is nothing to concede."
            if result.counts.feasible
            else "No package keeps every rule, so relaxing an actor's constraint opens none."
        )
        return Section("Concessions", (reason,))
    columns = (
        Column("#", numeric=True),
        Column("relax"),
        Column("shift", numeric=True),
        Column("opens"),
    )
    rows = tuple(
        (
            str(rank),
            _limits_text(scenario, c.failures),
            number(c.shift, fixed=True),
            package_text(c.package.options),
        )
        for rank, c in enumerate(result.concessions[:top], start=1)
    )
    text = (
        "Smallest sets of constraints whose relaxation opens a package, fewest first, then "
        "by how far limits must move (shift)."
    )
    return Section("Concessions", (text,), Table(columns, rows), shown(count, top, "concessions"))
