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
* ``offset`` says where a node was written, not what it means: it takes no part in equality
  or hashing, so the same expression written with other spacing or brackets is equal. It
  defaults to 0 so trees are easy to build by hand.
* Trees deeper than ``MAX_DEPTH`` are rejected, so that every recursive walk here is safe;
  long chains of ``or`` are better written with ``count(...) >= 1``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias, assert_never

from ..errors import GuaranteesError
from .numbers import number_text

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
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """A bare option id or tag: true when the package contains it."""

    name: str
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    """Logical negation."""

    operand: Expr
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary connective: ``and``, ``or``, ``->`` (implies) or ``<->`` (iff)."""

    op: BinaryOp
    left: Expr
    right: Expr
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric name on the left of a comparison."""

    name: str
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Count:
    """``count(NAMES)``: how many options of the package match any of the names."""

    names: tuple[Ref, ...]
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison of a metric or a count with a number."""

    left: Quantity
    op: CompareOp
    value: float
    offset: int = field(default=0, compare=False)


Expr: TypeAlias = Const | Ref | Not | Binary | Compare
Quantity: TypeAlias = Metric | Count


class ExprSyntaxError(GuaranteesError, ValueError):
    """An expression that does not parse; ``offset`` is 0-based into the text."""

    def __init__(self, message: str, offset: int) -> None:
        """Keep the message and the offset apart, for the caller to place in its file."""
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse(text: str) -> Expr:
    """Parse expression text into a tree; raise ExprSyntaxError pointing at the bad token."""
    from .expr_parse import parse_text  # lark loads only when needed

    return parse_text(text)


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
            return f"{_render_quantity(left)} {op} {number_text(value)}"
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
