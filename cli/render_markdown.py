"""Lay a report out as Markdown: headings, paragraphs and pipe tables (GitHub flavour).

The same content as the terminal view, for pasting into notes, issues or a course page.
Every piece of text passes through `_inline`, which escapes control characters (cli/escape.py)
as well as what Markdown would read as markup.
"""

from __future__ import annotations

from guarantees.cli.escape import safe_text
from guarantees.cli.report import Report, Section, Table


def report_markdown(report: Report) -> str:
    """The whole report: `#` title, facts as a list, `##` sections; ends with a newline."""
    blocks = [f"# {_inline(report.title)}", "\n".join(f"- {_inline(f)}" for f in report.facts)]
    blocks += [section_markdown(section) for section in report.sections]
    return "\n\n".join(blocks) + "\n"


def section_markdown(section: Section) -> str:
    """A `##` heading, paragraphs, the table and notes (notes in italics)."""
    blocks = [f"## {_inline(section.title)}"]
    blocks += [_inline(line) for line in section.text]
    if section.table is not None and section.table.rows:
        blocks.append(table_markdown(section.table))
    blocks += [f"*{_inline(line)}*" for line in section.notes]
    return "\n\n".join(blocks)


def table_markdown(table: Table) -> str:
    """A pipe table; numeric columns right-aligned, line breaks in cells as `<br>`."""
    header = "| " + " | ".join(_cell(c.header) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|"
    rows = ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join([header, rule, *rows])


def _cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks kept as `<br>`."""
    return "<br>".join(_inline(line) for line in text.split("\n")).replace("|", "\\|")


def _inline(text: str) -> str:
    """Text on one line: control characters escaped, and what would start emphasis, code or
    HTML (not `_` in ids)."""
    text = safe_text(text)
    for char in ("\\", "*", "`", "<"):
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
