"""The briefing of `guarantees brief`: one actor's page for a role-play seminar, as a `Report`.

A group that plays a government reads, in the words the other reports use: its position in
plain words, each of its constraints with the note and source it rests on, the packages it is
alone in rejecting (and which of its constraints each fails), the smallest concessions that
relax one of its constraints, its preferences, and how it stands in the way across the
scenario's uncertain values. Computed in model/briefing/; only laid out here.
"""

from __future__ import annotations

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
    source_text,
    tie_ranks,
)
from guarantees.cli.report_explain import constraint_text
from guarantees.model.briefing.brief import Brief
from guarantees.model.exact.results import Concession, Evaluation, Failure, Package
from guarantees.model.format import expr
from guarantees.model.format.schema import Bound, Constraint, Scenario
from guarantees.model.robustness.results import ActorChance, Robustness

#: Rows of the list of packages an actor alone rejects (each row may group several).
DEFAULT_TOP = 10


def brief_report(
    file: str,
    scenario: Scenario,
    result: Evaluation,
    brief: Brief,
    *,
    top: int = DEFAULT_TOP,
    robustness: Robustness | None = None,
    robustness_note: str | None = None,
) -> Report:
    """Every section of one actor's briefing."""
    sections = [
        _position(scenario, brief),
        _constraints(scenario, brief),
        _alone(scenario, result, brief, top),
        _concessions(scenario, result, brief, top),
        _preferences(scenario, brief),
    ]
    if robustness is not None or robustness_note is not None:
        sections.append(_robustness(brief, robustness, robustness_note))
    sections.append(_sources(scenario, brief))
    return Report(f"Briefing: {brief.name}", _facts(file, scenario, result, brief), tuple(sections))


def _facts(file: str, scenario: Scenario, result: Evaluation, brief: Brief) -> tuple[str, ...]:
    """Who, in which scenario, and the actor's counts in the words of `evaluate`."""
    b = brief.blocks
    c = result.counts
    return (
        f"Actor {brief.actor} in {scenario.id} ({file}): {scenario.title}",
        f"{c.feasible} feasible packages, {c.acceptable} acceptable to every actor. "
        f"{brief.actor} rejects {b.rejects} (any constraint), blocks {b.blocks} (a veto, demand "
        f"or condition), and is alone in rejecting {b.sole}.",
    )


def _position(scenario: Scenario, brief: Brief) -> Section:
    """What the actor requires, vetoes and demands, and its limits, in plain words."""
    declared = scenario.actors[brief.actor]
    if declared.constraints:
        lines = [f"{brief.name} accepts a package only if all of these hold:"]
        lines += [f"- {_says(scenario, c)}" for c in declared.constraints]
    else:
        lines = [f"{brief.name} states no constraint: it accepts every feasible package."]
    if brief.provides:
        lines.append(f"It provides: {', '.join(brief.provides)}.")
    if brief.controls:
        lines.append(f"It controls (can add or withdraw alone): {', '.join(brief.controls)}.")
    if declared.note:
        lines.append(f"The scenario says: {' '.join(declared.note.split())}")
    return Section("Position", tuple(lines))


def _says(scenario: Scenario, constraint: Constraint) -> str:
    """One constraint as a sentence: `Rejects any package with nato_membership.`"""
    kind = constraint.kind
    if kind == "limit":
        assert constraint.limit is not None
        return "; ".join(_limit(scenario, m, b) for m, b in constraint.limit.items()) + "."
    if kind == "condition":
        assert constraint.condition is not None
        return f"The package must satisfy: {expr.render(constraint.condition)}."
    names = ", ".join(_named(scenario, n) for n in getattr(constraint, kind))
    if kind == "veto":
        return f"Rejects any package with {names}."
    if kind == "demand":
        return f"Requires every one of: {names}."
    return f"Requires at least one of: {names}."


def _named(scenario: Scenario, name: str) -> str:
    """An option id as it is; a tag with the options that carry it."""
    members = scenario.tags.get(name)
    return f"{name} (tag: {', '.join(members)})" if members else name


def _limit(scenario: Scenario, metric: str, bound: Bound) -> str:
    """`escalation at most 0.35 (best guess; uncertain: [0.25, 0.45]); escalation: Risk ...`."""
    parts = []
    for side, value in (("at least", bound.min), ("at most", bound.max)):
        if value is not None:
            spread = f" (best guess; uncertain: {value})" if value.is_uncertain else ""
            parts.append(f"{side} {number(value.best)}{spread}")
    unit = scenario.metrics[metric].unit
    label = scenario.metrics[metric].label
    about = f"; {metric}: {label}" if label else ""
    return f"{metric} {' and '.join(parts)}{f' {unit}' if unit else ''}{about}"


def _constraints(scenario: Scenario, brief: Brief) -> Section:
    """Each constraint: its label, kind, what it says, its note and source."""
    if not brief.constraints:
        return Section("Constraints", (f"{brief.name} has no constraint.",))
    declared = scenario.actors[brief.actor].constraints
    columns = (Column("constraint"), Column("kind"), Column("says"), Column("note and source"))
    rows = tuple(
        (ref.label, ref.kind, constraint_text(c), _cited(scenario, ref.note, ref.source))
        for ref, c in zip(brief.constraints, declared, strict=True)
    )
    return Section("Constraints", (), Table(columns, rows))


def _cited(scenario: Scenario, note: str | None, source: str | None) -> str:
    """The note, then `source: ...` as the scenario describes it."""
    lines = [" ".join(note.split())] if note else []
    if source:
        lines.append(f"source: {source_text(scenario, source)}")
    return "\n".join(lines)


def _alone(scenario: Scenario, result: Evaluation, brief: Brief, top: int) -> Section:
    """The feasible packages no other actor rejects, best first, with what this one fails."""
    title = "Packages it alone blocks"
    count = brief.blocks.sole
    if count == 0:
        return Section(
            title,
            (
                f"{brief.actor} is alone in rejecting no feasible package: wherever it says no, "
                "another actor says no too.",
            ),
        )
    benefit, risk = result.benefit, result.risk
    columns = (
        Column("#", numeric=True),
        Column("package"),
        Column(metric_header(scenario, benefit), numeric=True),
        Column(metric_header(scenario, risk), numeric=True),
        Column("fails"),
    )
    groups = _alone_groups(scenario, brief, top)
    rows = tuple(
        (
            str(rank),
            group.text,
            metric_number(scenario, benefit, p.metrics[benefit], unit=False),
            metric_number(scenario, risk, p.metrics[risk], unit=False),
            "\n".join(_failure_text(scenario, f) for f in fails),
        )
        for rank, (p, fails, group) in enumerate(groups, start=1)
    )
    text = (
        f"{plural(count, 'feasible package')} that every other actor accepts and "
        f"{brief.actor} alone rejects: it is alone in rejecting them. Best first.",
    )
    covered = sum(g.size for _, _, g in groups)
    return Section(title, text, Table(columns, rows), shown_packages(count, covered, "packages"))


Group = tuple[Package, tuple[Failure, ...], PackageGroup]


def _alone_groups(scenario: Scenario, brief: Brief, top: int) -> list[Group]:
    """The first `top` rows of the packages the actor alone rejects: packages tied on the
    axes that fail the same constraints alike, and differ only by options to no effect, are
    one row (`package_groups`), as in `evaluate`."""
    axes = (scenario.tradeoff.benefit, scenario.tradeoff.risk)
    count = min(len(brief.sole), GROUP_LIMIT)
    out: list[Group] = []
    start = 0
    while start < count and len(out) < top:
        at = _axes_of(brief.sole[start], axes)
        stop = start + 1
        while stop < count and _axes_of(brief.sole[stop], axes) == at:
            stop += 1
        alike: dict[tuple[Failure, ...], list[Package]] = {}
        for i in range(start, stop):
            alike.setdefault(brief.sole_failures[i], []).append(brief.sole[i])
        for fails, packages in alike.items():
            out += [(packages[0], fails, g) for g in package_groups(scenario, packages)]
        start = stop
    return out[:top]


def _axes_of(package: Package, axes: tuple[str, str]) -> tuple[float, float]:
    return package.metrics[axes[0]], package.metrics[axes[1]]


def _failure_text(scenario: Scenario, failure: Failure) -> str:
    """`russia.ceiling (limit): escalation 0.4 above max 0.35 by 0.05`, as evaluate says it."""
    head = f"{failure.constraint.label} ({failure.constraint.kind})"
    if not failure.misses:
        return head
    return f"{head}: {'; '.join(miss_text(scenario, m) for m in failure.misses)}"


def _concessions(scenario: Scenario, result: Evaluation, brief: Brief, top: int) -> Section:
    """The minimal concessions that relax one of the actor's constraints (the first `top`),
    with their rank among every concession of the scenario (1: a smallest concession)."""
    title = "Concessions asked of it"
    if not brief.concessions:
        return Section(title, (_no_concession(result, brief),))
    ranks = dict(
        zip(
            (id(c) for c in result.concessions),
            tie_ranks([concession_key(c) for c in result.concessions]),
            strict=True,
        )
    )
    columns = (
        Column("rank", numeric=True),
        Column("relax"),
        Column("shift", numeric=True),
        Column("opens"),
    )
    rows = tuple(
        (ranks[id(c)], _relax_text(scenario, c), number(c.shift, fixed=True), _opens(c))
        for c in brief.concessions[:top]
    )
    count, alone = len(brief.concessions), len(brief.alone_in)
    verb = "relaxes" if count == 1 else "relax"
    text = (
        f"{count} of the scenario's {len(result.concessions)} concessions (smallest sets of "
        f"constraints whose relaxation opens a package) {verb} a constraint of {brief.actor}; "
        f"{alone} of them {'relaxes' if alone == 1 else 'relax'} its own constraints only.",
        "rank: among every concession of the scenario, fewest constraints first, then by how "
        "far limits must move (shift); 1 is the smallest concession, and a rank with = is "
        "shared.",
    )
    return Section(
        title, text, Table(columns, rows), shown(len(brief.concessions), top, "concessions")
    )


def _no_concession(result: Evaluation, brief: Brief) -> str:
    """Why no concession involves the actor."""
    if result.counts.feasible == 0:
        return "No package keeps every rule, so relaxing a constraint opens none."
    if not result.concessions:
        return "Every feasible package is already acceptable: there is nothing to concede."
    return f"No smallest concession of the scenario relaxes a constraint of {brief.actor}."


def _relax_text(scenario: Scenario, concession: Concession) -> str:
    """Each constraint to relax, and for a limit how far the package misses it."""
    by_label = {f.constraint.label: f for f in concession.failures}
    lines = []
    for ref in concession.constraints:
        failure = by_label.get(ref.label)
        lines.append(_failure_text(scenario, failure) if failure else ref.label)
    return "\n".join(lines)


def _opens(concession: Concession) -> str:
    return package_text(concession.package.options)


def _preferences(scenario: Scenario, brief: Brief) -> Section:
    """Its priorities, utility weights or ranking, as the scenario declares them."""
    actor = scenario.actors[brief.actor]
    title = "Preferences"
    if actor.priorities:
        lines = [f"{i}. {expr.render(p)}" for i, p in enumerate(actor.priorities, start=1)]
        head = (
            f"{brief.name} ranks packages by priorities, most important first: a package is "
            "better the more important the statements it makes true (each statement outweighs "
            "all later ones together):"
        )
        return Section(title, (head, *lines))
    if actor.utility:
        rows = tuple((name, number(w)) for name, w in actor.utility.items())
        table = Table((Column("option, tag or metric"), Column("weight", numeric=True)), rows)
        head = (
            f"{brief.name} ranks packages by utility: the sum of these weights, a metric's "
            "weight times the package's value, an option's or a tag's when the package holds it."
        )
        return Section(title, (head,), table)
    if actor.ranking:
        lines = [f"{i}. {_rank_entry(e)}" for i, e in enumerate(actor.ranking, start=1)]
        return Section(title, (f"{brief.name} ranks packages, best first:", *lines))
    return Section(
        title,
        (
            f"{brief.name} declares no preference: the stability analysis treats it as "
            "indifferent between the packages it accepts.",
        ),
    )


def _rank_entry(entry: tuple[tuple[str, ...], ...]) -> str:
    """A ranking entry: a package, or packages tied."""
    return " = ".join(f"[{package_text(p)}]" for p in entry)


def _robustness(brief: Brief, found: Robustness | None, note: str | None) -> Section:
    """How the actor stands in the way across the draws, as `robustness` says it."""
    from guarantees.cli.report_robustness import interval_text, percent

    title = "Robustness"
    if found is None:
        return Section(title, (note or "",))
    chance: ActorChance = next(a for a in found.actors if a.actor == brief.actor)
    lines = (
        f"Across {found.samples} draws of the scenario's {len(found.uncertain)} uncertain "
        f"values (seed {found.seed}), a package acceptable to every actor exists in "
        f"{percent(found.deal)} of the draws ({interval_text(found.deal)}).",
        f"{brief.actor} rejects {100 * chance.rejects:.0f}% of the (feasible package, draw) "
        f"pairs; it is alone in the way (the only actor rejecting some feasible package) in "
        f"{percent(chance.alone)} of the draws ({interval_text(chance.alone)}), and decisive "
        f"(alone in the way where there is no deal) in {percent(chance.decisive)} of the draws "
        "without a deal.",
    )
    return Section(title, lines)


def _sources(scenario: Scenario, brief: Brief) -> Section:
    """The sources its constraints cite, as the scenario describes them."""
    cited = dict.fromkeys(r.source for r in brief.constraints if r.source)
    if not cited:
        return Section("Sources", ("Its constraints cite no source.",))
    rows = tuple((key, source_text(scenario, key)) for key in cited)
    return Section(
        "Sources", (), Table((Column("source"), Column("as the scenario gives it")), rows)
    )
