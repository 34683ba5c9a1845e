"""Lay a report out as rich renderables for the terminal (the default view).

Every piece of text is a `Text` made by `_text`, never markup, so that brackets in a note or
a name are shown as they are, and with its control characters escaped (cli/escape.py), so
that a scenario cannot act on the terminal. Layout depends only on the console width, so
output is stable under a fixed width.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from guarantees.cli.escape import safe_text
from guarantees.cli.report import Report, Section, Table


def report_renderables(report: Report) -> list[RenderableType]:
    """The title, the facts, then each section, as one list of renderables."""
    out: list[RenderableType] = [_text(report.title, style="bold")]
    out += [_text(fact) for fact in report.facts]
    for section in report.sections:
        out += [Text(), section_renderable(section)]
    return out


def section_renderable(section: Section) -> RenderableType:
    """A section: its title, paragraphs, table and notes, kept together."""
    parts: list[RenderableType] = [_text(section.title, style="bold underline")]
    parts += [_text(line) for line in section.text]
    if section.table is not None and section.table.rows:
        parts.append(table_renderable(section.table))
    parts += [_text(line, style="dim") for line in section.notes]
    return Group(*parts)


def table_renderable(table: Table) -> RichTable:
    """A simple-headed table; numbers right-aligned and never wrapped."""
    rich_table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in table.columns:
        rich_table.add_column(
            _text(column.header),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            overflow="fold",
        )
    for row in table.rows:
        rich_table.add_row(*(_text(cell) for cell in row))
    return rich_table


def _text(value: str, *, style: str = "") -> Text:
    """Literal text (no markup), its control characters escaped."""
    return Text(safe_text(value), style=style)
