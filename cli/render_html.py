"""Lay a report out as HTML: sections with headings, paragraphs, tables and notes.

The same plain-data `Report` sections as the terminal and Markdown views (cli/report.py).
Every piece of text is escaped here, so a scenario's own words (a note with `<`, a title with
`&`) are shown as written and can never become markup.
"""

from __future__ import annotations

import re
from html import escape

from guarantees.cli.report import Section, Table


def text(value: str) -> str:
    """Text escaped for HTML, line breaks kept as `<br>`."""
    return "<br>".join(escape(line, quote=True) for line in value.split("\n"))


def anchor(title: str) -> str:
    """An id for a heading: `Trade-offs` -> `trade-offs`."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"


def section_html(section: Section, *, level: int = 2) -> str:
    """A `<section>`: heading, paragraphs, the table (when it has rows), notes."""
    parts = [f'<section id="{anchor(section.title)}">']
    parts.append(f"<h{level}>{text(section.title)}</h{level}>")
    parts += [f"<p>{text(line)}</p>" for line in section.text]
    if section.table is not None and section.table.rows:
        parts.append(table_html(section.table))
    parts += [f'<p class="note">{text(line)}</p>' for line in section.notes]
    parts.append("</section>")
    return "\n".join(parts)


def table_html(table: Table) -> str:
    """A table; numeric columns right-aligned (class `num`)."""
    classes = [' class="num"' if c.numeric else "" for c in table.columns]
    head = "".join(
        f"<th{cls}>{text(c.header)}</th>" for c, cls in zip(table.columns, classes, strict=True)
    )
    rows = "\n".join(
        "<tr>"
        + "".join(f"<td{cls}>{text(cell)}</td>" for cell, cls in zip(row, classes, strict=True))
        + "</tr>"
        for row in table.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
