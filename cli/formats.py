"""Output formats of the commands that report results (evaluate, explain)."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """How a report is written: a terminal table, one JSON document, or Markdown."""

    table = "table"
    json = "json"
    markdown = "markdown"


class Engine(StrEnum):
    """Which engine answers `evaluate`: chosen by size, or forced."""

    auto = "auto"
    enumerate = "enumerate"
    optimise = "optimise"


class CompareFormat(StrEnum):
    """How `compare` writes its table: the formats above, and CSV for a spreadsheet."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
