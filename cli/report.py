"""A report as plain data (title, facts, sections with tables), and how numbers are written.

The terminal table and the Markdown views show the same content: each command builds one
`Report`, and each renderer only lays it out. Cells are plain strings (a newline starts a
new line within a cell), so the renderers need not know about the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guarantees.model.exact.results import BoundMiss, Concession, Package
from guarantees.model.format.schema import Scenario

#: Decimal places of every number shown (values, bounds, shortfalls).
DECIMALS = 3


@dataclass(frozen=True)
class Column:
    """A table column; numeric columns are right-aligned."""

    header: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of string cells under named columns."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    """A titled part of a report: paragraphs, an optional table, then notes."""

    title: str
    text: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """What one command shows for one file."""

    title: str
    facts: tuple[str, ...]
    sections: tuple[Section, ...]


def number(value: float, *, fixed: bool = False) -> str:
    """A number to 3 decimals: all of them when fixed (probabilities), else trailing 0s cut."""
    text = f"{value:.{DECIMALS}f}".removeprefix("-" if abs(value) < 0.5e-3 else "")
    return text if fixed else text.rstrip("0").rstrip(".")


def metric_number(scenario: Scenario, metric: str, value: float, *, unit: bool = True) -> str:
    """A metric's value: 3 fixed decimals for a probability (noisy-or), with its unit if any."""
    declared = scenario.metrics.get(metric)
    probability = declared is not None and declared.combine == "noisy_or"
    text = number(value, fixed=probability)
    if unit and declared is not None and declared.unit:
        return f"{text} {declared.unit}"
    return text


def metric_header(scenario: Scenario, metric: str) -> str:
    """A column header for a metric: its name, and its unit in parentheses."""
    declared = scenario.metrics.get(metric)
    return f"{metric} ({declared.unit})" if declared is not None and declared.unit else metric


def package_text(options: Sequence[str]) -> str:
    """A package as its option ids; the empty package said in words."""
    return ", ".join(options) if options else "(no options)"


#: Packages of one list looked at for grouping (beyond, each package is shown alone).
GROUP_LIMIT = 1 << 16


@dataclass(frozen=True)
class PackageGroup:
    """Packages that differ only by options that change nothing compared: `options` plus,
    with or without, each of `free`; `size` packages in all; `flag` (acceptable) is shared."""

    options: tuple[str, ...]
    free: tuple[str, ...]
    size: int
    flag: bool = False

    @property
    def text(self) -> str:
        """`a, b (with or without c)`."""
        return group_text(self.options, self.free)


def group_text(options: Sequence[str], free: Sequence[str]) -> str:
    """A package, and the options it holds or not to the same effect, in words."""
    if not free:
        return package_text(options)
    if not options:
        return f"any combination of {', '.join(free)} (or none)"
    either = free[0] if len(free) == 1 else f"any of {', '.join(free)}"
    return f"{package_text(options)} (with or without {either})"


def package_groups(
    scenario: Scenario, packages: Sequence[Package], flags: Sequence[bool] | None = None
) -> list[PackageGroup]:
    """Packages compared as equal (tied on the axes, with the same flag) merged when they
    differ only by some options: `x` and `x, formal_recognition` become `x (with or without
    formal_recognition)` (model/exact/points.py `free_groups`). Order of first appearance."""
    from guarantees.model.exact.points import free_groups

    order = list(scenario.options)
    position = {o: i for i, o in enumerate(order)}
    flag_bit = 1 << len(order)  # never merged: no package is both acceptable and not
    marks = [bool(f) for f in flags] if flags is not None else [False] * len(packages)
    masks = [
        sum(1 << position[o] for o in p.options) | (flag_bit if f else 0)
        for p, f in zip(packages, marks, strict=True)
    ]
    out = []
    for base, free in free_groups(masks):
        held = tuple(o for i, o in enumerate(order) if base >> i & 1)
        either = tuple(o for i, o in enumerate(order) if free >> i & 1)
        out.append(PackageGroup(held, either, 1 << len(either), bool(base & flag_bit)))
    return out


def tied_groups(
    scenario: Scenario, packages: Sequence[Package], limit: int | None = None
) -> list[tuple[Package, PackageGroup]]:
    """Runs of packages tied on the scenario's benefit and risk, each run's packages grouped
    (`package_groups`); with each group, a package of its run (for the values). With a
    `limit`, runs stop being read once that many groups are made (a table shows no more),
    so that a list of 60,000 acceptable packages costs what its first rows cost."""
    axes = (scenario.tradeoff.benefit, scenario.tradeoff.risk)
    out: list[tuple[Package, PackageGroup]] = []
    run: list[Package] = []
    count = min(len(packages), GROUP_LIMIT)
    for i in range(count + 1):
        package = packages[i] if i < count else None  # read lazily: lists may be views
        if run and (package is None or _at(package, axes) != _at(run[0], axes)):
            out += [(run[0], g) for g in package_groups(scenario, run)]
            run = []
            if limit is not None and len(out) >= limit:
                break
        if package is not None:
            run.append(package)
    return out


def _at(package: Package, axes: tuple[str, str]) -> tuple[float, float]:
    return package.metrics[axes[0]], package.metrics[axes[1]]


def miss_text(scenario: Scenario, miss: BoundMiss) -> str:
    """`escalation 0.480 above max 0.400 by 0.080`: value, the bound and how far it is missed.

    A miss smaller than the usual 3 decimals gets as many as it takes to show (0.3503 above
    max 0.3500 by 0.0003), so that a failing package never reads as sitting on its bound.
    """
    where = "below min" if miss.side == "min" else "above max"
    digits = _visible_digits(miss.shortfall)
    if digits > DECIMALS:
        unit = scenario.metrics[miss.metric].unit if miss.metric in scenario.metrics else None
        value, bound, short = (f"{x:.{digits}f}" for x in (miss.value, miss.bound, miss.shortfall))
        short += f" {unit}" if unit else ""
    else:
        value = metric_number(scenario, miss.metric, miss.value, unit=False)
        bound = metric_number(scenario, miss.metric, miss.bound, unit=False)
        short = metric_number(scenario, miss.metric, miss.shortfall)
    return f"{miss.metric} {value} {where} {bound} by {short}"


def _visible_digits(shortfall: float) -> int:
    """Decimals needed for a positive shortfall not to print as zero (3 at least, 9 at most)."""
    digits = DECIMALS
    while digits < 9 and round(abs(shortfall), digits) == 0:
        digits += 1
    return digits


def source_text(scenario: Scenario, source: str | None) -> str:
    """A constraint's source as the scenario describes it under `sources:`."""
    if source is None:
        return ""
    return scenario.sources.get(source, source)


def plural(count: int, noun: str) -> str:
    """`1 package`, `3 packages`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def shown(count: int, top: int | None, noun: str) -> tuple[str, ...]:
    """The note under a list cut to its top entries, or nothing when all are shown."""
    if top is None or count <= top:
        return ()
    return (f"Showing {top} of {count} {noun} (--top N to show more).",)


def shown_packages(count: int, covered: int, noun: str) -> tuple[str, ...]:
    """The note under a list of packages whose rows may each hold several (grouped)."""
    if covered >= count:
        return ()
    return (f"Showing {covered} of {count} {noun} (--top N to show more).",)


def concession_key(concession: Concession) -> tuple[int, float]:
    """What ranks concessions: fewest constraints, then the smallest shift."""
    return len(concession.constraints), concession.shift


def smallest_concessions(concessions: Sequence[Concession]) -> tuple[Concession, ...]:
    """Every concession tied with the first (as few constraints, the same shift)."""
    if not concessions:
        return ()
    first = concession_key(concessions[0])
    return tuple(c for c in concessions if concession_key(c) == first)


def tie_ranks(keys: Sequence[object]) -> list[str]:
    """Ranks of sorted keys, equal keys sharing a rank marked `=` (`1=`, `1=`, `3`)."""
    ranks = []
    for i, key in enumerate(keys):
        first = next(j for j in range(i + 1) if keys[j] == key)
        tied = keys.count(key) > 1
        ranks.append(f"{first + 1}{'=' if tied else ''}")
    return ranks


def with_section(report: Report, section: Section | None) -> Report:
    """The report with one more section at the end (the same report when there is none)."""
    if section is None:
        return report
    return Report(report.title, report.facts, (*report.sections, section))
