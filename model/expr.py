"""The scenario expression language (EXPR): parse, render, inspect and evaluate.

Expressions state conditions on a package: option ids and tags (true when the package holds
the option, or some option with the tag), ``true``, ``false``, ``not``, ``and``, ``or``,
``->`` (implies), ``<->`` (iff), parentheses, and comparisons of a metric or of
``count(NAMES)`` with a number. They are parsed by an LALR grammar (``expr.lark``) into a
small tree of frozen dataclasses, never evaluated as Python.

Choices made here:

* ``<->`` does not chain: ``a <-> b <-> c`` is rejected (it would be a parity test), write
  parentheses. ``and``/``or`` are left-associative, ``->`` right-associative.
* A number on the left of a comparison (``0.6 <= deterrence``) is rejected with a message
  that shows the flipped form (``deterrence >= 0.6``); there is one way to write it.
* Offsets are 0-based character offsets into the parsed text. A node's offset is its first
  character; parentheses around a node belong to the enclosing node, so in ``(a or b) and c``
  the ``and`` starts at 0 and the ``or`` at 1. A syntax error at the end of the text points
  at ``len(text)``.
* ``offset`` takes part in equality; compare trees with ``strip_offsets`` when positions do
  not matter. It defaults to 0 so trees are easy to build by hand.
* Trees deeper than ``MAX_DEPTH`` are rejected, so that every recursive walk here is safe;
  long chains of ``or`` are better written with ``count(...) >= 1``.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple, TypeAlias, assert_never

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import GuaranteesError

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "Binary",
    "BinaryOp",
    "Compare",
    "CompareOp",
    "Const",
    "Count",
    "Expr",
    "ExprSyntaxError",
    "Metric",
    "Not",
    "Quantity",
    "Ref",
    "evaluate",
    "metrics",
    "parse",
    "refs",
    "render",
    "strip_offsets",
]

BinaryOp: TypeAlias = Literal["and", "or", "->", "<->"]
CompareOp: TypeAlias = Literal["<=", "<", ">=", ">", "==", "!="]

#: Deepest tree `parse` accepts; keeps recursion in render/evaluate far from Python's limit.
MAX_DEPTH = 100

#: Words that cannot be option ids, tags or metric names.
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "count"})


@dataclass(frozen=True, slots=True)
class Const:
    """The constant ``true`` or ``false``."""

    value: bool
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Ref:
    """A bare option id or tag: true when the package contains it."""

    name: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Not:
    """Logical negation."""

    operand: Expr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary connective: ``and``, ``or``, ``->`` (implies) or ``<->`` (iff)."""

    op: BinaryOp
    left: Expr
    right: Expr
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric name on the left of a comparison."""

    name: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Count:
    """``count(NAMES)``: how many options of the package match any of the names."""

    names: tuple[Ref, ...]
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison of a metric or a count with a number."""

    left: Quantity
    op: CompareOp
    value: float
    offset: int = 0


Expr: TypeAlias = Const | Ref | Not | Binary | Compare
Quantity: TypeAlias = Metric | Count


class ExprSyntaxError(GuaranteesError, ValueError):
    """An expression that does not parse; ``offset`` is 0-based into the text."""

    def __init__(self, message: str, offset: int) -> None:
        """Keep the message and the offset apart, for the caller to place in its file."""
        super().__init__(message)
        self.message = message
        self.offset = offset


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
    """Read a NUMBER token, refusing values too large to be finite floats."""
    value = float(token)
    if not math.isfinite(value):
        raise ExprSyntaxError(f"number '{token}' is out of range", _at(token))
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
        grammar = resources.files(__package__ or "guarantees.model").joinpath("expr.lark")
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


def parse(text: str) -> Expr:
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


# --------------------------------------------------------------------------- rendering

_PRECEDENCE: dict[BinaryOp, int] = {"<->": 1, "->": 2, "or": 3, "and": 4}
_NOT_PRECEDENCE = 5
_ATOM_PRECEDENCE = 6


def _precedence(expr: Expr) -> int:
    """Binding strength of the node's top operator (higher binds tighter)."""
    if isinstance(expr, Binary):
        return _PRECEDENCE[expr.op]
    return _NOT_PRECEDENCE if isinstance(expr, Not) else _ATOM_PRECEDENCE


def _wrapped(expr: Expr, parens: bool) -> str:
    """Render a subexpression, in parentheses when asked."""
    return f"({render(expr)})" if parens else render(expr)


def _render_number(value: float) -> str:
    """Integers without a decimal point, everything else as Python's shortest repr."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _render_quantity(quantity: Quantity) -> str:
    """Render the left side of a comparison."""
    if isinstance(quantity, Metric):
        return quantity.name
    return f"count({', '.join(ref.name for ref in quantity.names)})"


def render(expr: Expr) -> str:
    """Canonical text with minimal parentheses, such that parse(render(e)) equals e."""
    match expr:
        case Const(value=value):
            return "true" if value else "false"
        case Ref(name=name):
            return name
        case Not(operand=operand):
            return "not " + _wrapped(operand, _precedence(operand) < _NOT_PRECEDENCE)
        case Binary(op=op, left=left, right=right):
            level, left_level, right_level = _PRECEDENCE[op], _precedence(left), _precedence(right)
            left_parens = left_level < level or (left_level == level and op in ("->", "<->"))
            right_parens = right_level < level or (right_level == level and op != "->")
            return f"{_wrapped(left, left_parens)} {op} {_wrapped(right, right_parens)}"
        case Compare(left=left, op=op, value=value):
            return f"{_render_quantity(left)} {op} {_render_number(value)}"
        case _:
            assert_never(expr)


# ------------------------------------------------------------------------- inspection


def refs(expr: Expr) -> Iterator[Ref]:
    """Every option or tag reference in source order, including the names inside count()."""
    match expr:
        case Ref():
            yield expr
        case Not(operand=operand):
            yield from refs(operand)
        case Binary(left=left, right=right):
            yield from refs(left)
            yield from refs(right)
        case Compare(left=Count(names=names)):
            yield from names
        case _:
            pass


def metrics(expr: Expr) -> Iterator[Metric]:
    """Every metric reference (left side of a comparison) in source order."""
    match expr:
        case Not(operand=operand):
            yield from metrics(operand)
        case Binary(left=left, right=right):
            yield from metrics(left)
            yield from metrics(right)
        case Compare(left=Metric() as metric):
            yield metric
        case _:
            pass


def strip_offsets(expr: Expr) -> Expr:
    """The same tree with every offset 0, to compare trees regardless of positions."""
    match expr:
        case Const() | Ref():
            return replace(expr, offset=0)
        case Not(operand=operand):
            return Not(strip_offsets(operand))
        case Binary(op=op, left=left, right=right):
            return Binary(op, strip_offsets(left), strip_offsets(right))
        case Compare(left=Metric(name=name), op=op, value=value):
            return Compare(Metric(name), op, value)
        case Compare(left=Count(names=names), op=op, value=value):
            return Compare(Count(tuple(Ref(ref.name) for ref in names)), op, value)
        case _:
            raise TypeError(f"not an expression: {expr!r}")


# ------------------------------------------------------------------------- evaluation

_COMPARE: dict[CompareOp, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


def evaluate(
    expr: Expr,
    *,
    has: Callable[[str], bool],
    metric: Callable[[str], float],
    count: Callable[[tuple[str, ...]], int],
) -> bool:
    """Truth of the expression for one package, given how to look up names and metrics.

    Plain Python, one package at a time: the reference semantics that the vectorised
    compiler is tested against, and what `explain` uses.
    """

    def walk(node: Expr) -> bool:
        """Evaluate one node."""
        match node:
            case Const(value=value):
                return value
            case Ref(name=name):
                return bool(has(name))
            case Not(operand=operand):
                return not walk(operand)
            case Binary(op=op, left=left, right=right):
                return _connect(op, walk(left), lambda: walk(right))
            case Compare(left=left, op=op, value=value):
                if isinstance(left, Metric):
                    return _COMPARE[op](metric(left.name), value)
                return _COMPARE[op](count(tuple(ref.name for ref in left.names)), value)
            case _:
                assert_never(node)

    return walk(expr)


def _connect(op: BinaryOp, left: bool, right: Callable[[], bool]) -> bool:
    """Apply a connective, evaluating the right side only when it matters."""
    if op == "and":
        return left and right()
    if op == "or":
        return left or right()
    if op == "->":
        return (not left) or right()
    return left == right()
