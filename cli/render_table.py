"""Lay a report out as rich renderables for the terminal (the default view).

Every cell is a `Text`, never markup, so that brackets in a note or a name are shown as they
are. Layout depends only on the console width, so output is stable under a fixed width.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from guarantees.cli.report import Report, Section, Table


def report_renderables(report: Report) -> list[RenderableType]:
    """The title, the facts, then each section, as one list of renderables."""
    out: list[RenderableType] = [Text(report.title, style="bold")]
    out += [Text(fact) for fact in report.facts]
    for section in report.sections:
        out += [Text(), section_renderable(section)]
    return out


def section_renderable(section: Section) -> RenderableType:
    """A section: its title, paragraphs, table and notes, kept together."""
    parts: list[RenderableType] = [Text(section.title, style="bold underline")]
    parts += [Text(line) for line in section.text]
    if section.table is not None and section.table.rows:
        parts.append(table_renderable(section.table))
    parts += [Text(line, style="dim") for line in section.notes]
    return Group(*parts)


def table_renderable(table: Table) -> RichTable:
    """A simple-headed table; numbers right-aligned and never wrapped."""
    rich_table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in table.columns:
        rich_table.add_column(
            column.header,
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            overflow="fold",
        )
    for row in table.rows:
        rich_table.add_row(*(Text(cell) for cell in row))
    return rich_table
