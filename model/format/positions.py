"""Where a character of a string value is written in the file, whatever the YAML style.

A problem inside an expression has an offset into the string YAML read; the message needs the
line and column in the file. The two differ wherever YAML rewrites what is written: a line
break folded to a space (plain, quoted and `>` scalars), blank lines, trailing blanks and
indentation dropped, escapes in double quotes (`\\t`, `\\x41`, an escaped line break) and
doubled quotes in single quotes. Rather than re-implement each style's folding, the string's
visible characters (all but spacing) are matched, in order, with the characters the source
writes: spacing is all that folding adds or removes, so the match is exact in every style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .yamlio import Pos

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
#: Characters of a value that folding or indentation may make from, or drop into, spacing.
_SPACING = frozenset(" \t\n\r")
#: Double-quoted escapes of one character (YAML 1.2, section 5.7), and of hex digits.
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v"}
_ESCAPES |= {"f": "\f", "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028"}
_ESCAPES |= {"P": "\u2029"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def split_lines(text: str) -> list[str]:
    """The file's lines, as YAML breaks them: split once per file, whatever the findings."""
    return _LINE_BREAK.split(text)


def inside_string(rows: list[str], start: Pos, value: str, offset: int) -> Pos:
    """Where character `offset` of `value`, a string whose first character is at `start`, is.

    `rows` is the file's text split by `split_lines`. A visible character is found where the
    source writes it (at the backslash of an escape); spacing, or the end of the value, is
    placed just after the visible character before it.
    """
    before = sum(1 for char in value[:offset] if char not in _SPACING)
    on_visible = offset < len(value) and value[offset] not in _SPACING
    last: tuple[Pos, int] | None = None
    for count, (pos, width) in enumerate(_visible(rows, start)):
        if count == before:
            if on_visible:
                return pos
            break
        last = pos, width
    if last is None:
        return start
    pos, width = last
    return Pos(pos.line, pos.col + width)


def _visible(rows: list[str], start: Pos) -> Iterator[tuple[Pos, int]]:
    """Each visible character the source writes from start on: its position and width."""
    line, col = start.line, start.col
    row = rows[line - 1] if line <= len(rows) else ""
    quote = row[col - 2] if 2 <= col <= len(row) + 1 and row[col - 2] in "\"'" else ""
    while True:
        if col > len(row):
            if line >= len(rows):
                return
            line, col, row = line + 1, 1, rows[line]
            continue
        width, visible = _written(row, col, quote)
        if visible:
            yield Pos(line, col), width
        col += width


def _written(row: str, col: int, quote: str) -> tuple[int, bool]:
    """How many source characters at col make one character (or none), and if it is visible."""
    char = row[col - 1]
    if char in " \t":
        return 1, False
    if quote == "'" and row[col - 1 : col + 1] == "''":
        return 2, True
    if quote != '"' or char != "\\":
        return 1, True
    code = row[col : col + 1]
    if not code:  # an escaped line break: nothing, and the next line's indentation is dropped
        return 1, False
    digits = _HEX_DIGITS.get(code, 0)
    try:
        made = chr(int(row[col + 1 : col + 1 + digits], 16)) if digits else _ESCAPES.get(code, code)
    except ValueError:  # not a valid escape (YAML refuses it): count it as one character
        made = code
    return 2 + digits, made not in _SPACING
