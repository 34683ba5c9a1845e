"""The stability report as plain data: equilibria, the acceptable deals that hold or not and
why, and the paths from the status quo (laid out by render_table / render_markdown)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from guarantees.cli.report import Column, Report, Section, Table
from guarantees.model.errors import GuaranteesError
from guarantees.model.format.schema import Scenario
from guarantees.model.stability.analysis import (
    Defection,
    Package,
    Route,
    Stability,
    StateReport,
    analyse,
)
from guarantees.model.stability.build import moves_at_most

T = TypeVar("T")

#: What the stability section says of a package that breaks a rule.
NOT_A_STATE = "The package breaks a rule: it is not a state of the conflict."
NAMES = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ"}
WHY = {
    "nash": "a unilateral improvement: Nash asks for no more",
    "gmr": "the others' harshest answer, {sanction}, still leaves {actor} better off",
    "smr": "after the others' harshest answer, {sanction}, {actor} can still move to better",
    "seq": "the harshest answer the others gain by, {sanction}, still leaves {actor} better off",
}
NO_ANSWER = {
    "gmr": "the others cannot move after it",
    "smr": "the others cannot move after it",
    "seq": "no other actor gains by any move after it",
}


def package_text(package: Package) -> str:
    """A package as its option ids, or 'nothing'."""
    return ", ".join(package) if package else "(nothing)"


def why_text(defection: Defection) -> str:
    """Why no sanction deters a defection, in words."""
    if defection.concept != "nash" and defection.sanction is None:
        return NO_ANSWER[defection.concept]
    sanction = package_text(defection.sanction) if defection.sanction is not None else ""
    return WHY[defection.concept].format(actor=defection.actor, sanction=f"[{sanction}]")


def stability_report(file: str, scenario: Scenario, result: Stability, top: int) -> Report:
    """Equilibria, acceptable packages with their defections, and the status quo."""
    facts = (
        f"{file}: {scenario.title}",
        f"{result.states} feasible packages (states); "
        + "; ".join(
            _maker_fact(scenario, d.id, d.controls, d.preference) for d in result.decision_makers
        ),
    )
    sections = [_equilibria(result, top), _acceptable(result, top), _defections(result, top)]
    sections.append(_deterred(result, top))
    sections.append(_status_quo(scenario, result, top))
    return Report(f"Stability: {scenario.id}", facts, tuple(sections))


def _maker_fact(scenario: Scenario, actor: str, controls: tuple[str, ...], form: str | None) -> str:
    what = ", ".join(controls) if controls else "no option"
    preference = f"ranks by {form}" if form else "states no preference (indifferent)"
    return f"{scenario.actors[actor].name} controls {what}, {preference}"


def _equilibria(result: Stability, top: int) -> Section:
    rows = []
    for concept, packages in result.equilibria.items():
        shown = "\n".join(package_text(p) for p in packages[:top])
        more = len(packages) - top
        rows.append(
            (NAMES[concept], str(len(packages)), shown + (f"\n... {more} more" if more > 0 else ""))
        )
    table = Table(
        (Column("concept"), Column("equilibria", numeric=True), Column("packages")), tuple(rows)
    )
    notes = (
        ()
        if result.has_preferences
        else ("No actor states a preference: every package is trivially stable.",)
    )
    return Section("Equilibria", table=table, notes=notes)


def _mark(state: StateReport) -> tuple[str, ...]:
    return tuple("yes" if state.equilibrium[c] else "no" for c in NAMES)


def _acceptable(result: Stability, top: int) -> Section:
    rows = tuple(
        (
            package_text(s.package),
            *_mark(s),
            ", ".join(dict.fromkeys(d.actor for d in s.defections)),
        )
        for s in result.acceptable[:top]
    )
    columns = (
        Column("package"),
        *(Column(n) for n in NAMES.values()),
        Column("would defect (some concept)"),
    )
    text = () if result.acceptable else ("No package is acceptable to every actor.",)
    notes = _more(len(result.acceptable), top, "acceptable packages")
    return Section("Acceptable packages: do they hold?", text, Table(columns, rows), notes)


def _defections(result: Stability, top: int) -> Section:
    rows = []
    for state in result.acceptable[:top]:
        for d in state.defections:
            rows.append(
                (
                    package_text(state.package),
                    NAMES[d.concept],
                    d.actor,
                    package_text(d.to),
                    why_text(d),
                )
            )
    columns = (
        Column("package"),
        Column("concept"),
        Column("actor"),
        Column("moves to"),
        Column("why no sanction deters it"),
    )
    if not result.acceptable:
        text: tuple[str, ...] = ("No acceptable package to examine.",)
    else:
        text = () if rows else ("Every acceptable package shown holds under every concept.",)
    return Section("Who would defect, and why", text, Table(columns, tuple(rows)))


def _deterred(result: Stability, top: int) -> Section:
    """Moves an actor would gain by, but for the others' answer: what holds a deal together."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for state in result.acceptable[:top]:
        for d in state.deterred:
            answer = package_text(d.sanction) if d.sanction is not None else ""
            key = (package_text(state.package), d.actor, package_text(d.to), answer)
            rows.setdefault(key, []).append(NAMES[d.concept])
    columns = (
        Column("package"),
        Column("actor"),
        Column("tempted to move to"),
        Column("deterred by the answer"),
        Column("under"),
    )
    table = Table(columns, tuple((*key, ", ".join(c)) for key, c in rows.items()))
    text = (
        "Improvements an actor has from an acceptable package but would lose by, given the "
        "others' answer (the answer a concept counts: any moves for GMR and SMR, moves the "
        "others gain by for SEQ).",
    )
    if not result.acceptable:
        text = ("No acceptable package to examine.",)
    elif not rows:
        text = ("No actor is held back from an acceptable package shown by a threat alone.",)
    return Section("What holds them: deterred moves", text, table)


def _route_text(route: Route) -> str:
    if route.steps is None:
        return "out of reach by unilateral improvements"
    if not route.steps:
        return "the status quo itself"
    return "\n".join(
        f"{s.actor}: {package_text(s.before)} -> {package_text(s.after)}" for s in route.steps
    )


def _status_quo(scenario: Scenario, result: Stability, top: int) -> Section:
    if scenario.status_quo is None:
        return Section("Status quo", ("The scenario names no status quo.",))
    if result.status_quo is None:
        return Section(
            "Status quo",
            (
                f"The status quo [{package_text(scenario.status_quo)}] is not feasible: "
                "it breaks a rule.",
            ),
        )
    quo = result.status_quo
    held = [NAMES[c] for c, ok in quo.state.equilibrium.items() if ok]
    text = (
        f"The status quo [{package_text(quo.state.package)}] is an equilibrium under "
        + (", ".join(held) if held else "no concept")
        + ".",
        "Shortest paths of unilateral improvements from it to each equilibrium:",
    )
    rows = tuple(
        (
            package_text(r.to),
            ", ".join(NAMES[c] for c in r.concepts),
            "-" if r.steps is None else str(len(r.steps)),
            _route_text(r),
        )
        for r in quo.routes[:top]
    )
    columns = (
        Column("equilibrium"),
        Column("under"),
        Column("moves", numeric=True),
        Column("path"),
    )
    return Section(
        "Status quo", text, Table(columns, rows), _more(len(quo.routes), top, "equilibria")
    )


def _more(count: int, top: int, what: str) -> tuple[str, ...]:
    return (
        (f"{count - top} more {what} not shown (--top, or --format json for all).",)
        if count > top
        else ()
    )


#: The short section of evaluate, explain and report runs the analysis only up to this many
#: moves (a bound, before anything is built): about a second; beyond, it points to the command.
SUMMARY_MOVES = 1 << 22
_MORE = "guarantees stability FILE tells who would defect, why, and what holds each deal."


def _summary_analysis(scenario: Scenario) -> Stability | str | None:
    """The analysis for a short section; a sentence when it is not run; None without
    preferences (then there is no section at all)."""
    return summary_gate(scenario, analyse)


def summary_gate(scenario: Scenario, run: Callable[[Scenario], T]) -> T | str | None:
    """`run(scenario)` for a short section (the analysis or part of it); a sentence when it
    is not run; None without preferences."""
    if not any(actor.preference for actor in scenario.actors.values()):
        return None
    if moves_at_most(scenario) > SUMMARY_MOVES:
        return "Not analysed here (a large conflict): run guarantees stability FILE."
    try:
        return run(scenario)
    except GuaranteesError as error:
        return f"Not analysed: {error}."


def stability_summary(scenario: Scenario, top: int) -> Section | None:
    """The short stability section of `evaluate` and `report` (None: no actor has
    preferences): equilibria per concept, and whether the acceptable packages hold."""
    result = _summary_analysis(scenario)
    if not isinstance(result, Stability):
        return None if result is None else Section("Stability", (result,))
    counts = ", ".join(f"{NAMES[c]} {len(ps)}" for c, ps in result.equilibria.items())
    text = [f"Equilibria among the {result.states} feasible packages: {counts}."]
    if result.acceptable:
        held = ", ".join(
            f"{NAMES[c]} {sum(s.equilibrium[c] for s in result.acceptable)}" for c in NAMES
        )
        text.append(f"Of the {len(result.acceptable)} acceptable packages, equilibria: {held}.")
    section = _acceptable(result, top)
    notes = section.notes + (_MORE,)
    return Section("Stability", tuple(text), section.table if result.acceptable else None, notes)


def package_stability(scenario: Scenario, options: Sequence[str]) -> Section | None:
    """The short stability section of `explain`: whether this package holds, who would leave
    it and what holds the others back (None: no actor has preferences)."""
    result = _summary_analysis(scenario)
    if not isinstance(result, Stability):
        return None if result is None else Section("Stability", (result,))
    state = result.report_of(options)
    if state is None:
        return Section("Stability", (NOT_A_STATE,))
    text = (equilibrium_text(state.equilibrium),)
    rows = [
        (NAMES[d.concept], d.actor, package_text(d.to), "no", why_text(d)) for d in state.defections
    ]
    rows += [
        (NAMES[d.concept], d.actor, package_text(d.to), "yes", _deterrent_text(d))
        for d in state.deterred
    ]
    columns = (
        Column("concept"),
        Column("actor"),
        Column("improves by moving to"),
        Column("deterred"),
        Column("why"),
    )
    return Section("Stability", text, Table(columns, tuple(rows)), (_MORE,))


def equilibrium_text(equilibrium: dict[str, bool]) -> str:
    """Under which concepts a package is an equilibrium: `An equilibrium under Nash, GMR.`"""
    held = [NAMES[c] for c, ok in equilibrium.items() if ok]
    return "An equilibrium under " + (", ".join(held) if held else "no concept") + "."


def _deterrent_text(move: Defection) -> str:
    """Why a deterred move is a losing one."""
    answer = package_text(move.sanction) if move.sanction is not None else ""
    return f"the others' answer, [{answer}], leaves {move.actor} no better off"
