"""The stability report as plain data: equilibria, the acceptable deals that hold or not and
why, and the paths from the status quo (laid out by render_table / render_markdown)."""

from __future__ import annotations

from guarantees.cli.report import Column, Report, Section, Table
from guarantees.model.format.schema import Scenario
from guarantees.model.stability.analysis import (
    Defection,
    Package,
    Route,
    Stability,
    StateReport,
)

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
    if not rows:
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
