"""The report of `guarantees evaluate` when the optimisation engine answered, as plain data.

It says which engine answered and what it did not compute, then the best packages, the
frontier (one package per point), the smallest concession and the blocker view.
"""

from __future__ import annotations

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
)
from guarantees.model.exact.results import Concession, Package
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise.results import (
    ABSENT,
    CONCESSIONS_CUT,
    FRONTIER_CUT,
    OptimisedEvaluation,
)


def optimised_report(
    file: str, scenario: Scenario, result: OptimisedEvaluation, top: int
) -> Report:
    """Every section of the optimisation engine's evaluate view, lists cut to `top`."""
    e = result.engine
    facts = (
        f"{result.scenario_id} ({file})",
        f"{plural(result.options, 'option')}, {plural(result.actors, 'actor')}: "
        f"2^{result.options} packages, too many to list",
        f"Answered by the optimisation engine ({e.solver}, {e.solves} solves, "
        f"{e.seconds:.1f} s); every package shown was checked exactly.",
    )
    sections = [
        _best(scenario, result, top),
        _frontier(scenario, result, top),
        _concession(scenario, result),
        _blockers(result),
        _absent(result),
    ]
    return Report(result.title, facts, tuple(s for s in sections if s is not None))


def _row(scenario: Scenario, result: OptimisedEvaluation, p: Package) -> tuple[str, str]:
    return (
        metric_number(scenario, result.benefit, p.metrics[result.benefit], unit=False),
        metric_number(scenario, result.risk, p.metrics[result.risk], unit=False),
    )


def _columns(scenario: Scenario, result: OptimisedEvaluation) -> tuple[Column, Column]:
    return (
        Column(metric_header(scenario, result.benefit), numeric=True),
        Column(metric_header(scenario, result.risk), numeric=True),
    )


def _best(scenario: Scenario, result: OptimisedEvaluation, top: int) -> Section:
    title = "Best acceptable packages"
    if not result.exists:
        return Section(title, ("No package is acceptable to every actor.",))
    columns = (Column("#", numeric=True), Column("package"), *_columns(scenario, result))
    rows = tuple(
        (str(k), package_text(p.options), *_row(scenario, result, p))
        for k, p in enumerate(result.best[:top], start=1)
    )
    text = f"The {plural(len(rows), 'best acceptable package')}, best first."
    return Section(title, (text,), Table(columns, rows))


def _frontier(scenario: Scenario, result: OptimisedEvaluation, top: int) -> Section | None:
    if result.frontier is None:
        return None
    columns = (*_columns(scenario, result), Column("first package"), Column("acceptable"))
    rows = tuple(
        (*_row(scenario, result, p.package), package_text(p.package.options), _yes(p.acceptable))
        for p in result.frontier[:top]
    )
    count = len(result.frontier)
    text = (
        f"{plural(count, 'point')} where no feasible package does better on both "
        f"{result.benefit} and {result.risk}; each with its first package by rank."
    )
    notes = (f"{top} of {count} points shown (--top).",) if count > top else ()
    if not result.frontier_complete:
        notes = (*notes, f"The search stopped after {count} points; more lie beyond.")
    return Section("Frontier", (text,), Table(columns, rows), notes)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _concession(scenario: Scenario, result: OptimisedEvaluation) -> Section | None:
    if not result.concession_searched:
        return None
    found = result.concessions or ()
    if not found:
        return Section("Smallest concession", ("No feasible package fails a constraint.",))
    columns = (Column("relax"), Column("shift", numeric=True), Column("opens"))
    rows = tuple(
        (_relax_text(scenario, c), number(c.shift, fixed=True), package_text(c.package.options))
        for c in found
    )
    text = (
        "The fewest constraints to relax, then the smallest shift, and the package it opens;"
        " then the next minimal concessions in that order."
    )
    notes = () if result.concessions_complete else (f"The first {len(found)} shown (--top).",)
    return Section("Smallest concession", (text,), Table(columns, rows), notes)


def _relax_text(scenario: Scenario, c: Concession) -> str:
    """The constraints a concession relaxes, each with the misses of its limits."""
    lines = []
    for f in c.failures:
        misses = "; ".join(miss_text(scenario, m) for m in f.misses)
        head = f"{f.constraint.label} ({f.constraint.kind})"
        lines.append(f"{head}: {misses}" if misses else head)
    return "\n".join(lines)


def _blockers(result: OptimisedEvaluation) -> Section | None:
    if result.blockers is None:
        return None
    columns = (Column("actor"), Column("blocks the others' best"), Column("their best package"))
    rows = tuple(
        (
            b.actor,
            _yes(b.blocks),
            "(none acceptable to them)"
            if b.others_best is None
            else package_text(b.others_best.options),
        )
        for b in result.blockers
    )
    text = "Per actor: whether it alone rejects the best package all the other actors accept."
    return Section("Blockers", (text,), Table(columns, rows))


def _absent(result: OptimisedEvaluation) -> Section:
    lines = tuple(f"{key}: {why}" for key, why in ABSENT.items()) + tuple(
        f"{key}: not asked for" for key in result.skipped
    )
    if not result.frontier_complete:
        lines = (*lines, f"frontier_points: {FRONTIER_CUT}")
    if not result.concessions_complete:
        lines = (*lines, f"concessions_rest: {CONCESSIONS_CUT}")
    text = "Not computed at this size (ask for the best k, the frontier or the concession):"
    return Section("Not computed", (text, *lines))
