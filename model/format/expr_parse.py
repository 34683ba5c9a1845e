"""Parsing of the expression language: the LALR grammar (expr.lark) and error wording.

Kept apart from expr.py (the tree and what is done with it) so that lark loads only when an
expression is parsed, and each module stays small. Use `expr.parse`.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .expr import (
    KEYWORDS,
    MAX_DEPTH,
    Binary,
    BinaryOp,
    Compare,
    CompareOp,
    Const,
    Count,
    Expr,
    ExprSyntaxError,
    Metric,
    Not,
    Quantity,
    Ref,
    render,
)
from .uncertain import RANGE_RULE, in_range

# --------------------------------------------------------------------------- parsing

_BINARY_OPS: dict[str, BinaryOp] = {"and": "and", "or": "or", "->": "->", "<->": "<->"}
_COMPARE_OPS: dict[str, CompareOp] = {
    "<=": "<=",
    "<": "<",
    ">=": ">=",
    ">": ">",
    "==": "==",
    "!=": "!=",
}
_FLIPPED: dict[CompareOp, CompareOp] = {
    "<=": ">=",
    "<": ">",
    ">=": "<=",
    ">": "<",
    "==": "==",
    "!=": "!=",
}


def _at(token: Token) -> int:
    """Offset of a token (lark types it as optional; the basic lexer always sets it)."""
    return token.start_pos or 0


class _Part(NamedTuple):
    """A parsed subexpression with where its text starts (parentheses included)."""

    expr: Expr
    start: int
    depth: int


def _part(expr: Expr, depth: int) -> _Part:
    """Wrap a new node, refusing trees deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise ExprSyntaxError(
            f"expression is nested too deeply (more than {MAX_DEPTH} levels)", expr.offset
        )
    return _Part(expr, expr.offset, depth)


def _number(token: Token) -> float:
    """Read a NUMBER token, refusing values outside the range every number keeps to."""
    value = float(token)
    if not in_range(value):
        raise ExprSyntaxError(f"number '{token}' is out of range: {RANGE_RULE}", _at(token))
    return value


@v_args(inline=True)
class _Builder(Transformer[Token, _Part]):
    """Builds the tree while the LALR parser reduces (no recursion, offsets from tokens)."""

    def _binary(self, left: _Part, op: Token, right: _Part) -> _Part:
        """Any of the four connectives; the node starts where its left operand's text does."""
        node = Binary(_BINARY_OPS[str(op)], left.expr, right.expr, left.start)
        return _part(node, 1 + max(left.depth, right.depth))

    iff = implies = disj = conj = _binary

    def not_(self, keyword: Token, operand: _Part) -> _Part:
        """'not X', starting at the keyword."""
        return _part(Not(operand.expr, _at(keyword)), operand.depth + 1)

    def const(self, token: Token) -> _Part:
        """'true' or 'false'."""
        return _part(Const(str(token) == "true", _at(token)), 1)

    def ref(self, token: Token) -> _Part:
        """A bare name in boolean position: an option or a tag."""
        return _part(Ref(str(token), _at(token)), 1)

    def group(self, lpar: Token, inner: _Part, _rpar: Token) -> _Part:
        """Parentheses make no node but widen the text span of what they hold."""
        return _Part(inner.expr, _at(lpar), inner.depth)

    def metric(self, token: Token) -> Metric:
        """A name on the left of a comparison."""
        return Metric(str(token), _at(token))

    def count(self, keyword: Token, _lpar: Token, names: list[Ref] | None, rpar: Token) -> Count:
        """count(NAMES); the grammar allows none so that the error can say so."""
        if not names:
            raise ExprSyntaxError("count(...) needs at least one name", _at(rpar))
        return Count(tuple(names), _at(keyword))

    def names(self, *tokens: Token) -> list[Ref]:
        """The names inside count(...), without the commas."""
        return [Ref(str(t), _at(t)) for t in tokens if t.type == "NAME"]

    def compare(self, left: Quantity, op: Token, number: Token) -> _Part:
        """'METRIC OP NUMBER' or 'count(...) OP NUMBER'."""
        node = Compare(left, _COMPARE_OPS[str(op)], _number(number), left.offset)
        return _part(node, 1)

    def flipped(self, number: Token, op: Token, right: Quantity) -> _Part:
        """'NUMBER OP METRIC': refused, with the comparison written the right way round."""
        fixed = Compare(right, _FLIPPED[_COMPARE_OPS[str(op)]], _number(number))
        what = "the metric" if isinstance(right, Metric) else "count(...)"
        raise ExprSyntaxError(f"put {what} on the left: '{render(fixed)}'", _at(number))


def _grammar_text() -> str:
    """The grammar shipped as package data next to this module."""
    try:
        grammar = resources.files(__package__ or "guarantees.model.format").joinpath("expr.lark")
        return grammar.read_text(encoding="utf-8")
    except NotADirectoryError:
        # Python 3.11 cannot read resources of a namespace package that setuptools'
        # editable finder extends with a path hook; the file is then next to this one.
        return Path(__file__).with_name("expr.lark").read_text(encoding="utf-8")


@functools.cache
def _parser() -> Lark:
    """Build the LALR parser once, on first use."""
    return Lark(
        _grammar_text(),
        parser="lalr",
        lexer="basic",
        transformer=_Builder(),
        maybe_placeholders=True,
    )


def parse_text(text: str) -> Expr:
    """Parse expression text into a tree; raise ExprSyntaxError pointing at the bad token."""
    try:
        part = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    assert isinstance(part, _Part)
    return part.expr


# ---------------------------------------------------------------------- error wording

_OPERAND = "an option, tag, 'not', 'true', 'false', 'count(' or '('"
_OPERATORS = {"AND": "'and'", "OR": "'or'", "IMPLIES": "'->'", "IFF": "'<->'"}
_OTHERS = {
    "NAME": "an option or tag name",
    "NUMBER": "a number",
    "COMMA": "','",
    "RPAR": "')'",
    "LPAR": "'('",
}
_LOGIC_HINT = " (use 'and', 'or', 'not', '->')"
_UNCHAINED = {
    "IFF": "'<->' cannot be chained; add parentheses",
    "CMP": "comparisons cannot be chained; join them with 'and'",
}
_CHAR_HINTS = {
    "&": _LOGIC_HINT,
    "|": _LOGIC_HINT,
    "!": _LOGIC_HINT,
    "~": _LOGIC_HINT,
    "=": " (use '==' to compare)",
    "'": " (names are not quoted)",
    '"': " (names are not quoted)",
}


def _syntax_error(text: str, exc: UnexpectedInput) -> ExprSyntaxError:
    """Turn any lark error into a one-line ExprSyntaxError."""
    if isinstance(exc, UnexpectedCharacters):
        return _character_error(text, exc.pos_in_stream or 0)
    if isinstance(exc, UnexpectedToken):
        # accepts() is exact where LALR's merged states over-approximate; lark leaves it untyped.
        accepted: set[str] = exc.interactive_parser.accepts()  # type: ignore[no-untyped-call]
        expected = accepted or set(exc.expected)
        if exc.token.type == "$END":
            return _end_error(text, exc.token, expected)
        return _token_error(text, exc.token, expected)
    # lark's LALR parser raises only the two errors above; anything else points at the end.
    return ExprSyntaxError("invalid expression", len(text))


def _character_error(text: str, offset: int) -> ExprSyntaxError:
    """A character no token starts with, with a hint for the usual suspects."""
    char = text[offset]
    hint = _CHAR_HINTS.get(char, "")
    if char.isupper():
        hint = " (names are lowercase)"
    elif char == "-":
        hint = " (use '->' for implies; write negative numbers without a space)"
    return ExprSyntaxError(f"unexpected character {char!r}{hint}", offset)


def _end_error(text: str, last: Token, expected: set[str]) -> ExprSyntaxError:
    """The text ended too early."""
    end = len(text)
    if not text.strip():
        return ExprSyntaxError(f"empty expression; expected {_OPERAND}", end)
    if "RPAR" in expected and "COMMA" not in expected:
        return ExprSyntaxError("missing ')'", end)
    if expected == {"CMP"}:
        return ExprSyntaxError(_needs_comparison(text), end)
    after = text[_at(last) : last.end_pos or _at(last)]  # lark's $END borrows the last token's span
    return ExprSyntaxError(f"expected {_expected(expected)} after '{after}'", end)


def _token_error(text: str, token: Token, expected: set[str]) -> ExprSyntaxError:
    """A token the grammar does not allow where it stands."""
    offset, shown = _at(token), f"'{token}'"
    if expected == {"CMP"}:
        return ExprSyntaxError(_needs_comparison(text[:offset]), offset)
    if "NOT" not in expected and token.type in _UNCHAINED:
        return ExprSyntaxError(_UNCHAINED[token.type], offset)
    if token.type == "RPAR" and "$END" in expected:
        return ExprSyntaxError("unmatched ')'", offset)
    message = f"unexpected {shown}; expected {_expected(expected)}"
    if str(token) in KEYWORDS and "NAME" in expected and "NOT" not in expected:
        message += f" ({shown} is a reserved word)"
    return ExprSyntaxError(message, offset)


def _needs_comparison(before: str) -> str:
    """Message for a count(...) or a number left without its comparison."""
    if before.rstrip().endswith(")"):
        return "count(...) must be compared with a number, e.g. 'count(a, b) >= 1'"
    return "a number can only stand on the right of a comparison, e.g. 'deterrence >= 0.6'"


def _expected(expected: set[str]) -> str:
    """Say in words which tokens would have been accepted."""
    if "NOT" in expected:
        return _OPERAND
    if "NAME" in expected:
        return "a metric or 'count('" if "COUNT" in expected else _OTHERS["NAME"]
    items = []
    operators = [shown for kind, shown in _OPERATORS.items() if kind in expected]
    if operators:
        items.append(f"an operator ({', '.join(operators)})")
    items += [shown for kind, shown in _OTHERS.items() if kind in expected]
    if not items:
        return "the end of the expression"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
