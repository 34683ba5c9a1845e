"""The robustness report as a `Report`: the table and Markdown views lay it out.

Shares are printed only as precisely as the draws allow: whole percents, with one decimal
when the 95% interval is narrower than a percent, and a note when it is wider than five
points (more draws needed for what is printed).
"""

from __future__ import annotations

import math

from guarantees.cli.report import Column, Report, Section, Table, package_text, shown
from guarantees.model.comparison.chances import ChancesDiff
from guarantees.model.robustness.prim import Rule
from guarantees.model.robustness.results import (
    Z95,
    Estimate,
    PackageRobustness,
    Robustness,
    Summary,
)


def digits(estimates: list[Estimate]) -> int:
    """Decimals of a percent that every one of the estimates supports (0 or 1)."""
    narrow = all((e.interval[1] - e.interval[0]) / 2 < 0.005 for e in estimates)
    return 1 if estimates and narrow else 0


def percent(estimate: Estimate, places: int | None = None) -> str:
    """A share of draws as a percent, with no more digits than its interval supports;
    none and all of the draws said as 0% and 100%."""
    if estimate.hits in (0, estimate.draws):
        return "0%" if estimate.hits == 0 else "100%"
    shown = digits([estimate]) if places is None else places
    return f"{100 * estimate.share:.{shown}f}%"


def _bound(share: float) -> str:
    """An end of an interval: one decimal of a percent, two significant digits below 1%."""
    value = 100 * share
    if value in (0, 100):
        return f"{value:.0f}%"
    return f"{value:.2g}%" if value < 1 else f"{value:.1f}%"


def interval_text(estimate: Estimate) -> str:
    low, high = estimate.interval
    return f"95% interval {_bound(low)} to {_bound(high)}"


def summary_section(summary: Summary | None, note: str | None) -> Section:
    """The short robustness section of `evaluate`: the same words as `robustness` uses."""
    if summary is None:
        return Section("Robustness", (note or "",))
    deal = summary.deal
    lines = [
        f"Across {summary.samples} draws of its {summary.uncertain} uncertain values (seed "
        f"{summary.seed}), a package acceptable to every actor exists in {percent(deal)} of "
        f"the draws ({interval_text(deal)}).",
    ]
    if summary.most_robust is not None:
        best = summary.most_robust
        lines.append(
            f"Most robust package: {package_text(best.options)} (acceptable in "
            f"{percent(best.chance)})."
        )
    if summary.top_driver is not None:
        driver = summary.top_driver
        lines.append(
            f"First driver: {driver.name} (KS {driver.ks:.2f}, a deal when {driver.direction})."
        )
    if deal.coarse:
        lines.append(f"Too few draws for whole percents: try --samples {4 * summary.samples}.")
    lines.append("guarantees robustness says more: who blocks, concessions, when a deal exists.")
    return Section("Robustness", tuple(lines))


def package_section(chance: PackageRobustness | None, note: str | None) -> Section:
    """How often the explained package is acceptable across the draws, and who rejects it."""
    if chance is None:
        return Section("Robustness", (note or "",))
    draws = chance.acceptable.draws
    lines = [
        f"Across {draws} draws of the uncertain values, this package is acceptable to every "
        f"actor in {percent(chance.acceptable)} of them ({interval_text(chance.acceptable)}); "
        f"it keeps every rule in {percent(chance.feasible)}.",
    ]
    against = [(a, e) for a, e in chance.rejected_by if e.hits]
    if against:
        shown = ", ".join(
            f"{a} ({percent(e)})" for a, e in sorted(against, key=lambda x: -x[1].hits)
        )
        lines.append(f"Rejected in some draws by: {shown}.")
        lines.append(f"Most often in the way: {', '.join(chance.most_often_against)}.")
    return Section("Robustness", tuple(lines))


def chances_section(chances: ChancesDiff, top: int) -> Section:
    """`diff`'s robustness section: the chance of a deal and of each robust deal, both ways."""
    old, new = chances.old, chances.new
    points = 100 * chances.change
    lines = (
        f"Across {new.samples} draws of each variant's uncertain values (seed {new.seed}), a "
        f"package acceptable to every actor exists in {percent(old.deal)} of the draws before "
        f"and {percent(new.deal)} now ({points:+.0f} points; now {interval_text(new.deal)}).",
        "The packages most often acceptable in either, the largest change first:",
    )
    places = digits([e for c in chances.packages[:top] for e in (c.old, c.new)])
    rows = tuple(
        (
            percent(c.old, places),
            percent(c.new, places),
            f"{100 * c.change:+.0f}",
            package_text(c.options),
        )
        for c in chances.packages[:top]
    )
    columns = (
        Column("before", numeric=True),
        Column("now", numeric=True),
        Column("points", numeric=True),
        Column("package"),
    )
    notes = shown(len(chances.packages), top, "packages")
    return Section("Robustness", lines, Table(columns, rows) if rows else None, notes)


def robustness_report(file: str, result: Robustness, top: int) -> Report:
    """Every section of `guarantees robustness` for one file."""
    drawn = (
        f"{result.samples} draws (seed {result.seed}) of {len(result.uncertain)} uncertain "
        "values, each from its own distribution, jointly."
        if result.uncertain
        else "No value of this scenario is uncertain: every draw is its best guess, so each "
        "share below is 0% or 100%, as evaluate says."
    )
    facts = (f"{result.scenario_id} ({file})", drawn)
    sections = (
        _deal(result),
        _packages(result, top),
        _best(result, top),
        frontier_section(result, top),
        _actors(result),
        _concessions(result, top),
        _drivers(result, top),
        _rule(result),
    )
    return Report(f"Robustness: {result.title}", facts, sections)


def _deal(result: Robustness) -> Section:
    deal = result.deal
    text = [
        f"A package acceptable to every actor exists in {percent(deal)} of the draws "
        f"({deal.hits} of {deal.draws}; {interval_text(deal)})."
    ]
    if deal.coarse:
        text.append(
            f"Too few draws for whole percents (the interval is wider than 5 points): "
            f"try --samples {4 * result.samples}."
        )
    return Section("Chance of a deal", tuple(text))


def _packages(result: Robustness, top: int) -> Section:
    if not result.packages:
        return Section("Most robust packages", ("No package is acceptable in any draw.",))
    places = digits([p.chance for p in result.packages[:top]])
    rows = tuple(
        (percent(p.chance, places), package_text(p.options)) for p in result.packages[:top]
    )
    robust = len(result.robust)
    note = (
        f"{robust} package{'s' * (robust != 1)} acceptable in at least "
        f"{100 * result.threshold:g}% of the draws (--threshold P)."
    )
    return Section(
        "Most robust packages",
        ("Share of the draws in which each package is acceptable to every actor.",),
        Table((Column("chance", numeric=True), Column("package")), rows),
        (note, *shown(len(result.packages), top, "packages acceptable in some draw")),
    )


def _best(result: Robustness, top: int) -> Section:
    if not result.best:
        return Section("Best deal", ("No draw has a deal.",))
    places = digits([p.chance for p in result.best[:top]])
    rows = tuple((percent(p.chance, places), package_text(p.options)) for p in result.best[:top])
    return Section(
        "Best deal",
        ("How often each package is the best acceptable one (by the rank key).",),
        Table((Column("draws", numeric=True), Column("package")), rows),
        shown(len(result.best), top, "packages"),
    )


def frontier_section(result: Robustness, top: int) -> Section:
    """How the frontier moves: its size per draw, and the packages most often trade-offs."""
    title = "How the frontier moves"
    moved = result.frontier
    if moved is None:
        return Section(
            title,
            (
                "Not followed: this scenario has too many packages to keep each draw's "
                "frontier (see docs/explanation/robustness.md).",
            ),
        )
    least, median, most = moved.sizes
    size = (
        f"{least} points in every one"
        if least == most
        else f"{least} to {most} points (median {median:g})"
    )
    lines = [
        f"The exact frontier of each of the first {moved.draws} draws has {size}; frontier "
        "--plot and report draw them as a cloud.",
    ]
    if not moved.tradeoffs:
        lines.append("No package is a trade-off in any of these draws.")
        return Section(title, tuple(lines))
    lines.append(
        "Share of these draws in which each package is on the frontier, and a trade-off "
        "(on the frontier and held back only by limits), most often a trade-off first."
    )
    cut = moved.tradeoffs[:top]
    places = digits([p.tradeoff for p in cut])
    rows = tuple(
        (percent(p.tradeoff, places), percent(p.on_frontier, places), package_text(p.options))
        for p in cut
    )
    columns = (
        Column("trade-off", numeric=True),
        Column("frontier", numeric=True),
        Column("package"),
    )
    notes = shown(len(moved.tradeoffs), top, "packages a trade-off in some draw")
    if any(p.tradeoff.coarse for p in cut):
        half = 100 * Z95 * math.sqrt(0.25 / moved.draws)  # the widest interval's half-width
        known = (
            f"Over {moved.draws} draws these shares are known to within {half:.0f} points (95%)."
        )
        notes = (known, *notes)
    return Section(title, tuple(lines), Table(columns, rows), notes)


def _actors(result: Robustness) -> Section:
    alone = digits([a.alone for a in result.actors])
    decisive = digits([a.decisive for a in result.actors])
    rows = tuple(
        (a.actor, f"{100 * a.rejects:.0f}%", percent(a.alone, alone), percent(a.decisive, decisive))
        for a in result.actors
    )
    columns = (
        Column("actor"),
        Column("rejects", numeric=True),
        Column("alone in the way", numeric=True),
        Column("decisive", numeric=True),
    )
    return Section(
        "Actors",
        (
            "rejects: share of (feasible package, draw) pairs the actor rejects; alone in the "
            "way: share of draws where it is the only actor rejecting some feasible package; "
            "decisive: the same, among the draws without a deal (it alone could open one).",
        ),
        Table(columns, rows),
    )


def _concessions(result: Robustness, top: int) -> Section:
    no_deal = result.samples - result.deal.hits
    if not result.concessions:
        return Section("Smallest concessions", ("Every draw has a deal: none is needed.",))
    rows = tuple((percent(c.chance), "\n".join(c.constraints)) for c in result.concessions[:top])
    return Section(
        "Smallest concessions",
        (
            f"Over the {no_deal} draws without a deal: how often relaxing these constraints is "
            "a smallest concession (a draw counts for each concession tied for smallest).",
        ),
        Table((Column("draws", numeric=True), Column("relax")), rows),
        shown(len(result.concessions), top, "concessions"),
    )


def _drivers(result: Robustness, top: int) -> Section:
    if not result.drivers:
        return Section("Drivers", ("Every draw has the same outcome: nothing drives it.",))
    rows = tuple(
        (f"{d.ks:.2f}", d.name, "higher" if d.direction == "higher" else "lower")
        for d in result.drivers[:top]
    )
    return Section(
        "Drivers",
        (
            "Kolmogorov-Smirnov distance between each value's draws with a deal and without "
            "(Monte Carlo filtering): 0 no effect, 1 decides alone.",
        ),
        Table((Column("KS", numeric=True), Column("value"), Column("a deal when")), rows),
        shown(len(result.drivers), top, "values"),
    )


def rule_text(rule: Rule) -> tuple[str, ...]:
    """A PRIM box in words, one restriction per line."""
    lines = [f"A deal exists in {100 * rule.density:.0f}% of the draws where"]
    for limit in rule.limits:
        if limit.low is not None and limit.high is not None:
            lines.append(f"  {limit.name} is between {limit.low:.3g} and {limit.high:.3g}")
        elif limit.low is not None:
            lines.append(f"  {limit.name} >= {limit.low:.3g}")
        else:
            lines.append(f"  {limit.name} <= {limit.high:.3g}")
    lines.append(
        f"({100 * rule.mass:.0f}% of the draws, holding {100 * rule.coverage:.0f}% of those "
        f"with a deal), and in {100 * rule.outside:.0f}% of the other draws."
    )
    return tuple(lines)


#: Fewer draws than this on either side (with a deal, without) and a rule may fit noise.
FEW = 200


def _rule(result: Robustness) -> Section:
    if result.rule is None:
        return Section("When a deal exists", ("No rule separates the draws with a deal.",))
    fewest = min(result.deal.hits, result.deal.draws - result.deal.hits)
    notes: tuple[str, ...] = ()
    if fewest < FEW:
        notes = (
            f"The rule rests on {fewest} draws on one side: with so few, a box can fit "
            "noise. Check it with more draws (--samples) or another --seed.",
        )
    return Section("When a deal exists (PRIM)", rule_text(result.rule), notes=notes)
