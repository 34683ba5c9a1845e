"""Lay a report out as rich renderables for the terminal (the default view).

Every piece of text is a `Text` made by `_text`, never markup, so that brackets in a note or
a name are shown as they are, and with its control characters escaped (cli/escape.py), so
that a scenario cannot act on the terminal. Layout depends only on the console width, so
output is stable under a fixed width.

Width policy: a word (anything between spaces: an option id, a constraint label, a number)
is never broken. Lines wrap only at spaces, so a list of ids wraps between its items. A
table gets columns at least as wide as their longest word; when even that does not fit the
width, the table changes its layout instead (`stacked`): each row becomes a short block, its
one-word cells on a first line (`deterrence: 0.968   acceptable: no`) and each longer cell
below it, labelled by its column and indented.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from guarantees.cli.escape import safe_text
from guarantees.cli.report import Report, Section, Table

#: Columns of a side-by-side table are separated by this many spaces.
GAP = 3
#: Indent of the labelled cells of a row in the stacked layout.
INDENT = 2


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


def table_renderable(table: Table) -> FittedTable:
    """A table laid out for the width it is printed at (see the module docstring)."""
    return FittedTable(table)


class FittedTable:
    """A table that picks its layout when it is printed, from the width it is given."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> Iterator[RenderableType]:
        widths = column_widths(self.table, options.max_width)
        if widths is None:
            yield stacked(self.table)
        else:
            yield side_by_side(self.table, widths)


def natural_width(text: str) -> int:
    """The width of a cell on one line per line break: the longest of its lines."""
    return max((cell_len(safe_text(line)) for line in text.split("\n")), default=0)


def longest_word(text: str) -> int:
    """The width of the longest word of a cell: the narrowest a column can be."""
    return max((cell_len(safe_text(word)) for word in text.split()), default=0)


def column_widths(table: Table, width: int) -> list[int] | None:
    """Each column's width so that the table fits `width` without breaking a word, or None
    when it cannot. Space beyond the columns' longest words goes to those that need it."""
    cells = [[c.header, *(row[i] for row in table.rows)] for i, c in enumerate(table.columns)]
    natural = [max(natural_width(cell) for cell in column) for column in cells]
    least = [
        natural[i] if c.numeric else max(longest_word(cell) for cell in cells[i])
        for i, c in enumerate(table.columns)
    ]
    room = width - GAP * (len(cells) - 1)
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    return _share(least, natural, room)


def _share(least: list[int], natural: list[int], room: int) -> list[int]:
    """Widen columns from `least` towards `natural` to use up `room`: the columns that want
    least first, each in full while it wants at most half of what is left (so that a short
    column is never wrapped to feed a long one), then the narrowest column a step at a time."""
    widths = list(least)
    spare = room - sum(widths)
    wants = sorted(
        (n - w, i) for i, (n, w) in enumerate(zip(natural, widths, strict=True)) if n > w
    )
    while wants and wants[0][0] * 2 <= spare:
        want, i = wants.pop(0)
        widths[i] += want
        spare -= want
    rest = [i for _, i in wants]
    for _ in range(spare):
        i = min(rest, key=lambda k: (widths[k], k))
        widths[i] += 1
        if widths[i] == natural[i]:
            rest.remove(i)
        if not rest:
            break
    return widths


def side_by_side(table: Table, widths: list[int]) -> RichTable:
    """The usual table: simple header, numbers right-aligned, every column its given width."""
    rich_table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column, width in zip(table.columns, widths, strict=True):
        rich_table.add_column(
            _text(column.header),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            overflow="fold",
            width=width,
        )
    for row in table.rows:
        rich_table.add_row(*(_text(cell) for cell in row))
    return rich_table


def stacked(table: Table) -> Group:
    """The narrow layout: per row, its one-word cells as `header: value` on one line, then
    each longer cell labelled and indented; rows apart by a blank line."""
    short = [
        c.numeric or all(len(row[i].split()) <= 1 for row in table.rows)
        for i, c in enumerate(table.columns)
    ]
    blocks: list[RenderableType] = []
    for n, row in enumerate(table.rows):
        if n:
            blocks.append(Text())
        head = [
            f"{c.header}: {cell}"
            for c, cell, s in zip(table.columns, row, short, strict=True)
            if s and cell
        ]
        if head:
            blocks.append(_text("   ".join(head)))
        for column, cell, is_short in zip(table.columns, row, short, strict=True):
            if not is_short and cell:
                blocks.append(_labelled(column.header, cell))
    return Group(*blocks)


def _labelled(header: str, cell: str) -> RenderableType:
    """`header: cell` indented; a cell of several lines under its header, indented more."""
    if "\n" not in cell:
        return Padding(_text(f"{header}: {cell}"), (0, 0, 0, INDENT))
    lines = Padding(_text(cell), (0, 0, 0, 2 * INDENT))
    return Group(Padding(_text(f"{header}:"), (0, 0, 0, INDENT)), lines)


def _text(value: str, *, style: str = "") -> Text:
    """Literal text (no markup), its control characters escaped."""
    return Text(safe_text(value), style=style)
