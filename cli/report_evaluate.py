"""The report of `guarantees evaluate` for one scenario, as plain data for any renderer.

Short and readable: the counts, then the acceptable packages (and their minimal forms), the
frontier, the trade-offs, who blocks, and the concessions, each list cut to its top entries.
"""

from __future__ import annotations

from collections.abc import Sequence

from guarantees.cli.report import (
    GROUP_LIMIT,
    Column,
    PackageGroup,
    Report,
    Section,
    Table,
    concession_key,
    metric_header,
    metric_number,
    miss_text,
    number,
    package_groups,
    package_text,
    plural,
    shown,
    shown_packages,
    smallest_concessions,
    tie_ranks,
    tied_groups,
)
from guarantees.cli.report_robustness import summary_section
from guarantees.model.exact.results import (
    Evaluation,
    Failure,
    FrontierPoint,
    Package,
    TradeOff,
)
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.results import Summary


def evaluation_report(
    file: str,
    scenario: Scenario,
    result: Evaluation,
    top: int,
    *,
    tied: int | None = None,
    summary: Summary | None = None,
    summary_note: str | None = None,
) -> Report:
    """Every section of the evaluate view, each list limited to `top` entries, and the
    packages tied at each frontier point to `tied` (default: `top`); the robustness section
    when it was computed (or the note that says why not)."""
    sections = [_acceptable(scenario, result, top)]
    if result.acceptable:
        sections.append(_minimal(scenario, result, top))
    sections += [
        _frontier(scenario, result, top, top if tied is None else tied),
        _tradeoffs(scenario, result, top),
        _blocks(result),
        _concessions(scenario, result, top),
    ]
    if summary is not None or summary_note is not None:
        sections.append(summary_section(summary, summary_note))
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
) -> tuple[Table, int]:
    """Ranked packages: position, options, benefit and risk; packages tied on both axes
    that differ only by options to no effect are one row. Also: how many packages are shown."""
    columns = (
        Column("#", numeric=True),
        Column("package"),
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
    )
    groups = tied_groups(scenario, packages, limit=top)[:top]
    rows = tuple(
        (
            str(rank),
            group.text,
            metric_number(scenario, result.benefit, p.metrics[result.benefit], unit=False),
            metric_number(scenario, result.risk, p.metrics[result.risk], unit=False),
        )
        for rank, (p, group) in enumerate(groups, start=1)
    )
    return Table(columns, rows), sum(g.size for _, g in groups)


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
    table, covered = _package_table(scenario, result, result.acceptable, top)
    return Section(title, (text,), table, shown_packages(count, covered, "acceptable packages"))


def _minimal(scenario: Scenario, result: Evaluation, top: int) -> Section:
    """Acceptable packages with no acceptable proper subset: the cores of an agreement."""
    count = len(result.minimal)
    text = f"{plural(count, 'acceptable package')} with no acceptable proper subset."
    table, covered = _package_table(scenario, result, result.minimal, top)
    return Section("Minimal forms", (text,), table, shown_packages(count, covered, "minimal forms"))


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
    packages = len(result.frontier.packages)
    text = (
        f"{plural(count, 'point')} ({plural(packages, 'package')}) where no feasible package "
        f"does better on both {result.benefit} and {result.risk}."
    )
    return Section("Frontier", (text,), Table(columns, rows), shown(count, top, "points"))


def _point_rows(
    scenario: Scenario, result: Evaluation, point: FrontierPoint, tied: int
) -> list[tuple[str, ...]]:
    """A frontier point's first `tied` groups of packages, and a row saying how many more
    packages are tied there."""
    groups = package_groups(
        scenario, point.packages[:GROUP_LIMIT], point.acceptable[:GROUP_LIMIT].tolist()
    )
    rows: list[tuple[str, ...]] = [
        (
            "" if position else metric_number(scenario, result.benefit, point.benefit, unit=False),
            "" if position else metric_number(scenario, result.risk, point.risk, unit=False),
            group.text,
            "yes" if group.flag else "no",
        )
        for position, group in enumerate(groups[:tied])
    ]
    covered = sum(g.size for g in groups[:tied])
    more = len(point.packages) - covered
    if more > 0:
        accepted = int(point.acceptable.sum()) - sum(g.size for g in groups[:tied] if g.flag)
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
    """Trade-offs: frontier packages held back only by metric limits, with each shortfall
    (packages tied on the axes and failing alike, differing only by options to no effect,
    are one row)."""
    count = len(result.tradeoffs)
    held = _held_back_text(result)
    if count == 0:
        return Section("Trade-offs", ("No frontier package is held back only by limits.", *held))
    columns = (
        Column("package"),
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
        Column("failing limits"),
    )
    groups = _tradeoff_groups(scenario, result)[:top]
    rows = tuple(
        (
            group.text,
            metric_number(scenario, result.benefit, t.package.metrics[result.benefit], unit=False),
            metric_number(scenario, result.risk, t.package.metrics[result.risk], unit=False),
            _limits_text(scenario, t.failures),
        )
        for t, group in groups
    )
    text = (
        f"{plural(count, 'trade-off')}: frontier packages held back only by metric limits "
        "(no veto, demand or condition)."
    )
    notes = shown_packages(count, sum(g.size for _, g in groups), "trade-offs")
    return Section("Trade-offs", (text, *held), Table(columns, rows), notes)


def _held_back_text(result: Evaluation) -> tuple[str, ...]:
    """The larger set the trade-offs belong to, by its own name (the picture's triangles)."""
    held = result.counts.held_back
    if held == 0:
        return ()
    return (
        f"{plural(held, 'package')} held back by limits in all (failing only metric limits, "
        "on the frontier or not).",
    )


def _tradeoff_groups(scenario: Scenario, result: Evaluation) -> list[tuple[TradeOff, PackageGroup]]:
    """Runs of trade-offs at one point failing the same limits alike, each run grouped."""
    out: list[tuple[TradeOff, PackageGroup]] = []
    run: list[TradeOff] = []
    for item in [*result.tradeoffs[:GROUP_LIMIT], None]:
        if run and (item is None or _tradeoff_key(result, item) != _tradeoff_key(result, run[0])):
            out += [(run[0], g) for g in package_groups(scenario, [t.package for t in run])]
            run = []
        if item is not None:
            run.append(item)
    return out


def _tradeoff_key(result: Evaluation, item: TradeOff) -> tuple[object, ...]:
    return (
        item.package.metrics[result.benefit],
        item.package.metrics[result.risk],
        repr([f.to_json() for f in item.failures]),
    )


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
        "condition), and is alone in rejecting (no other actor rejects them)."
    )
    return Section("Blocks", (text,), Table(columns, rows), alone_notes(result))


def alone_notes(result: Evaluation) -> tuple[str, ...]:
    """Every actor alone in rejecting some package, and who most often is the only one in
    the way (the JSON's `sole_blockers`), said in sentences."""
    alone = sorted((b for b in result.blocks if b.sole), key=lambda b: -b.sole)
    if not alone:
        return ("No actor is alone in rejecting any feasible package.",)
    names = ", ".join(f"{b.actor} ({b.sole})" for b in alone)
    if len(alone) == 1:
        return (f"Alone in rejecting some packages: {names}; no other actor ever is.",)
    most = " and ".join(result.sole_blockers)
    tie = " (tied)" if len(result.sole_blockers) > 1 else ""
    return (
        f"Alone in rejecting some packages: {names}.",
        f"Most often the only actor in the way: {most}{tie}.",
    )


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
    cut = result.concessions[: max(top, len(smallest_concessions(result.concessions)))]
    ranks = tie_ranks([concession_key(c) for c in cut])
    rows = tuple(
        (
            rank,
            _limits_text(scenario, c.failures),
            number(c.shift, fixed=True),
            package_text(c.package.options),
        )
        for rank, c in zip(ranks, cut, strict=True)
    )
    text = (
        "Smallest sets of constraints whose relaxation opens a package, fewest first, then "
        "by how far limits must move (shift)."
    )
    notes = shown(count, len(cut), "concessions")
    if any(rank.endswith("=") for rank in ranks):
        notes = (
            "A rank with = is shared: those concessions are equally small, and the scenario "
            "does not say which side should give way.",
            *notes,
        )
    return Section("Concessions", (text,), Table(columns, rows), notes)
