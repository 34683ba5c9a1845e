"""A report as plain data (title, facts, sections with tables), and how numbers are written.

The terminal table and the Markdown views show the same content: each command builds one
`Report`, and each renderer only lays it out. Cells are plain strings (a newline starts a
new line within a cell), so the renderers need not know about the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guarantees.model.exact.results import BoundMiss
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
