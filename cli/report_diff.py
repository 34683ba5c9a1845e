"""The report of `guarantees diff`: what changed between two variants, as plain data.

First the inputs (every change, never cut), then the outcomes: the counts, the packages that
became or stopped being acceptable (and minimal), the frontier, the trade-offs, the blocks
and the concessions. Lists of packages are cut to their top entries; long texts (notes,
summaries) are cut in this view and whole in the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

from guarantees.cli.report import (
    Column,
    Report,
    Section,
    Table,
    metric_number,
    miss_text,
    number,
    package_text,
    plural,
    shown,
    shown_packages,
    tied_groups,
)
from guarantees.model.comparison.diff import PackageChanges, ScenarioDiff
from guarantees.model.comparison.inputs import Change
from guarantees.model.exact.results import ActorBlocks, Concession, Failure, Package
from guarantees.model.format.schema import Scenario

#: Longest text shown in a cell of this view (JSON has every text whole).
CELL = 100

#: How a list's changes are said: (joined, left, row label joined, row label left).
Words = tuple[str, str, str, str]
_ACCEPTABLE: Words = ("became acceptable", "stopped being acceptable", "now", "no longer")
_MINIMAL: Words = ("became minimal", "stopped being minimal", "now", "no longer")
_FRONTIER: Words = ("joined the frontier", "left the frontier", "joined", "left")


def diff_report(
    files: tuple[str, str], scenarios: tuple[Scenario, Scenario], result: ScenarioDiff, top: int
) -> Report:
    """Every section of the diff view, package lists limited to `top` entries."""
    old, new = result.old, result.new
    facts: tuple[str, ...] = (
        f"old: {old.scenario_id} ({files[0]})",
        f"new: {new.scenario_id} ({files[1]})",
    )
    if old.scenario_hash == new.scenario_hash:
        facts += ("The two files hold the same scenario: nothing changed.",)
    out = result.outcomes
    sections = (
        _inputs(result.inputs),
        _counts(result),
        _packages("Acceptable packages", _ACCEPTABLE, scenarios, out.acceptable, top),
        _packages("Minimal forms", _MINIMAL, scenarios, out.minimal, top),
        _packages(
            "Frontier", _FRONTIER, scenarios, out.frontier, top, counts=_frontier_counts(result)
        ),
        _tradeoffs(scenarios, result, top),
        _blocks(result),
        _concessions(scenarios, result, top),
    )
    return Report(f"Changes from {old.scenario_id} to {new.scenario_id}", facts, sections)


def cut(text: str | None, width: int = CELL) -> str:
    """A text on one line, cut with an ellipsis when longer than `width`."""
    if text is None:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _where(change: Change) -> str:
    """`options us_backstop: deterrence`, `scenario: title`."""
    head = f"{change.section} {change.item}".strip()
    return f"{head}: {change.field}" if change.field else head


def _inputs(changes: tuple[Change, ...]) -> Section:
    """Every change in the inputs, in file order."""
    if not changes:
        return Section("Inputs", ("The inputs are the same.",))
    columns = (Column("change"), Column("where"), Column("old"), Column("new"))
    rows = tuple((c.change, _where(c), cut(c.old), cut(c.new)) for c in changes)
    text = f"{plural(len(changes), 'change')} in the inputs (long texts cut; JSON has them whole)."
    return Section("Inputs", (text,), Table(columns, rows))


def _counts(result: ScenarioDiff) -> Section:
    """Sizes and the number of acceptable packages, old and new."""
    columns = (
        Column("count"),
        Column("old", numeric=True),
        Column("new", numeric=True),
        Column("change", numeric=True),
    )
    rows = tuple(
        (c.name, str(c.old), str(c.new), f"{c.new - c.old:+d}" if c.new != c.old else "")
        for c in result.outcomes.counts
    )
    return Section("Counts", (), Table(columns, rows))


def _package_rows(
    scenario: Scenario, packages: Sequence[Package], label: str, top: int
) -> tuple[list[tuple[str, ...]], int]:
    """Rows of packages: the change, options, benefit and risk (the variant's own values);
    packages tied on both axes that differ only by options to no effect are one row. Also:
    how many packages the rows hold."""
    benefit, risk = scenario.tradeoff.benefit, scenario.tradeoff.risk
    groups = tied_groups(scenario, packages, limit=top)[:top]
    rows: list[tuple[str, ...]] = [
        (
            label,
            group.text,
            metric_number(scenario, benefit, p.metrics[benefit], unit=False),
            metric_number(scenario, risk, p.metrics[risk], unit=False),
        )
        for p, group in groups
    ]
    return rows, sum(g.size for _, g in groups)


def _frontier_counts(result: ScenarioDiff) -> str:
    """`The frontier: 72 points (144 packages) before, 65 points (130 packages) now.`: in
    points first, as `evaluate` counts it."""
    old, new = result.old.frontier, result.new.frontier
    before = f"{plural(len(old), 'point')} ({plural(len(old.packages), 'package')})"
    after = f"{plural(len(new), 'point')} ({plural(len(new.packages), 'package')})"
    return f"The frontier: {before} before, {after} now."


def _packages(
    title: str,
    words: Words,
    scenarios: tuple[Scenario, Scenario],
    changes: PackageChanges,
    top: int,
    *,
    counts: str | None = None,
) -> Section:
    """Packages that joined or left a list, with the values of the variant they are in;
    `counts`, a sentence giving the list's sizes (default: `(3 before, 3 now)` in packages)."""
    gained, lost = len(changes.gained), len(changes.lost)
    if not gained and not lost:
        none = f"No change ({changes.old_count} before, {changes.new_count} now)."
        return Section(title, (f"No change. {counts}" if counts else none,))
    text = f"{plural(gained, 'package')} {words[0]}; {plural(lost, 'package')} {words[1]}"
    text += f". {counts}" if counts else f" ({changes.old_count} before, {changes.new_count} now)."
    columns = (
        Column("change"),
        Column("package"),
        Column(scenarios[1].tradeoff.benefit, numeric=True),
        Column(scenarios[1].tradeoff.risk, numeric=True),
    )
    rows, shown_gained = _package_rows(scenarios[1], changes.gained, words[2], top)
    lost_rows, shown_lost = _package_rows(scenarios[0], changes.lost, words[3], top)
    notes = shown_packages(gained, shown_gained, f"packages that {words[0]}")
    notes += shown_packages(lost, shown_lost, f"packages that {words[1]}")
    return Section(title, (text,), Table(columns, tuple(rows + lost_rows)), notes)


def _limits(scenario: Scenario, failures: tuple[Failure, ...] | None) -> str:
    """Each failed limit and its misses, or a dash when the package is no trade-off there."""
    if failures is None:
        return "-"
    return "\n".join(
        f"{f.constraint.label}: {'; '.join(miss_text(scenario, m) for m in f.misses)}"
        for f in failures
    )


def _tradeoffs(scenarios: tuple[Scenario, Scenario], result: ScenarioDiff, top: int) -> Section:
    """Trade-offs that appeared, went, or now fail other limits or by other amounts."""
    changes = result.outcomes.tradeoffs
    counts = f"({len(result.old.tradeoffs)} before, {len(result.new.tradeoffs)} now)"
    if not changes:
        return Section("Trade-offs", (f"The trade-offs are the same {counts}.",))
    columns = (Column("change"), Column("package"), Column("old"), Column("new"))
    rows = tuple(
        (
            "added" if t.old is None else "removed" if t.new is None else "changed",
            package_text(t.options),
            _limits(scenarios[0], t.old),
            _limits(scenarios[1], t.new),
        )
        for t in changes[:top]
    )
    text = f"{plural(len(changes), 'trade-off')} added, removed or changed {counts}."
    return Section("Trade-offs", (text,), Table(columns, rows), shown(len(changes), top, "changes"))


def _blocks(result: ScenarioDiff) -> Section:
    """Actors whose counts changed, old -> new, and who most often is the only actor in the
    way (the JSON's `sole_blockers`)."""
    old, new = result.outcomes.sole_blockers
    most = " and ".join(old) or "nobody"
    most += " (before and now)" if old == new else f" before, {' and '.join(new) or 'nobody'} now"
    note = f"Most often the only actor in the way: {most}."
    changes = result.outcomes.blocks
    if not changes:
        return Section("Blocks", ("No actor's counts changed.",), None, (note,))
    columns = (
        Column("actor"),
        Column("rejects", numeric=True),
        Column("blocks", numeric=True),
        Column("alone", numeric=True),
    )

    rows = tuple(
        (b.actor, *(_pair(b.old, b.new, count) for count in ("rejects", "blocks", "sole")))
        for b in changes
    )
    text = (
        "Actors whose counts changed (old -> new): feasible packages rejected, blocked, and "
        "rejected by this actor alone."
    )
    return Section("Blocks", (text,), Table(columns, rows), (note,))


def _pair(old: ActorBlocks | None, new: ActorBlocks | None, count: str) -> str:
    """`12 -> 30`; a dash for an actor missing from a variant."""
    before = "-" if old is None else str(getattr(old, count))
    after = "-" if new is None else str(getattr(new, count))
    return f"{before} -> {after}"


def _opens(concession: Concession | None) -> str:
    """`a, b (shift 0.076)`, or a dash."""
    if concession is None:
        return "-"
    shift = number(concession.shift, fixed=True)
    return f"{package_text(concession.package.options)} (shift {shift})"


def _concessions(scenarios: tuple[Scenario, Scenario], result: ScenarioDiff, top: int) -> Section:
    """Concessions that appeared, went, or open another package."""
    changes = result.outcomes.concessions
    if not changes:
        return Section("Concessions", ("The concessions are the same.",))
    columns = (Column("change"), Column("relax"), Column("opens before"), Column("opens now"))
    rows = tuple(
        (
            "added" if c.old is None else "removed" if c.new is None else "changed",
            "\n".join(c.constraints),
            _opens(c.old),
            _opens(c.new),
        )
        for c in changes[:top]
    )
    text = f"{plural(len(changes), 'concession')} added, removed or changed."
    return Section(
        "Concessions", (text,), Table(columns, rows), shown(len(changes), top, "changes")
    )
