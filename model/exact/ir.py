"""Tests on packages as bit masks: the compiled form of rules, constraints and conditions.

A package is an integer whose bit j says whether internal option j is in it. Every rule and
constraint compiles to a small tree of these nodes. `partial` fixes the high bits of a chunk
of packages (its prefix), leaving a residual test on the low bits that is the same for many
prefixes and so can be evaluated once and cached; `vector` evaluates a residual on arrays.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .values import Q

Bools = NDArray[np.bool_]
Ints = NDArray[np.uint64]
Floats = NDArray[np.float64]

COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


@dataclass(frozen=True, slots=True)
class Has:
    """Some option of `mask` is in the package."""

    mask: int


@dataclass(frozen=True, slots=True)
class CountCmp:
    """The number of options of `mask` in the package, compared with `k`."""

    mask: int
    op: str
    k: float


@dataclass(frozen=True, slots=True)
class MetricCmp:
    """A metric's value compared with a number, both on the grid (see values.q)."""

    metric: int
    op: str
    grid: int  # the number on the metric's grid (values.grid_number)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Iff:
    left: Node
    right: Node


Node = Const | Has | CountCmp | MetricCmp | Not | All | Any_ | Iff
TRUE, FALSE = Const(True), Const(False)


def negate(node: Node) -> Node:
    """`not node`, folding constants and double negation."""
    if isinstance(node, Const):
        return Const(not node.value)
    if isinstance(node, Not):
        return node.operand
    return Not(node)


#: The comparison that holds exactly when `op` does not (on the grid, and as value intervals).
FLIP = {"<=": ">", "<": ">=", ">=": "<", ">": "<=", "==": "!=", "!=": "=="}


def inward(node: Node) -> Node:
    """The same test with negations moved onto metric comparisons (De Morgan), where they
    become the opposite comparison: one pass over a table instead of a comparison and a `not`.
    Parts without a metric are left as they are."""
    if not has_metric(node):
        return node
    match node:
        case Not(MetricCmp(metric, op, grid)):
            return MetricCmp(metric, FLIP[op], grid)
        case Not(Not(operand)):
            return inward(operand)
        case Not(All(items)):
            return Any_(tuple(inward(negate(i)) for i in items))
        case Not(Any_(items)):
            return All(tuple(inward(negate(i)) for i in items))
        case All(items):
            return All(tuple(inward(i) for i in items))
        case Any_(items):
            return Any_(tuple(inward(i) for i in items))
        case _:
            return node


def all_of(items: tuple[Node, ...]) -> Node:
    """Conjunction, folding constants."""
    kept = tuple(i for i in items if i != TRUE)
    if FALSE in kept:
        return FALSE
    return kept[0] if len(kept) == 1 else (All(kept) if kept else TRUE)


def any_of(items: tuple[Node, ...]) -> Node:
    """Disjunction, folding constants."""
    kept = tuple(i for i in items if i != FALSE)
    if TRUE in kept:
        return TRUE
    return kept[0] if len(kept) == 1 else (Any_(kept) if kept else FALSE)


def iff(left: Node, right: Node) -> Node:
    """Equivalence, folding constants."""
    if isinstance(left, Const):
        return right if left.value else negate(right)
    if isinstance(right, Const):
        return left if right.value else negate(left)
    return Iff(left, right)


def partial(node: Node, prefix: int, low_mask: int) -> Node:
    """The residual of `node` once the high bits are fixed to `prefix` (low bits still free)."""
    match node:
        case Has(mask):
            if mask & ~low_mask & prefix:
                return TRUE
            return Has(mask & low_mask) if mask & low_mask else FALSE
        case CountCmp(mask, op, k):
            k_low = k - (mask & ~low_mask & prefix).bit_count()
            return _count_residual(mask & low_mask, op, k_low)
        case Not(operand):
            return negate(partial(operand, prefix, low_mask))
        case All(items):
            return all_of(tuple(partial(i, prefix, low_mask) for i in items))
        case Any_(items):
            return any_of(tuple(partial(i, prefix, low_mask) for i in items))
        case Iff(left, right):
            return iff(partial(left, prefix, low_mask), partial(right, prefix, low_mask))
        case _:
            return node


def _count_residual(mask: int, op: str, k: float) -> Node:
    """A count test on the low bits, decided outright when no count could change it."""
    compare = COMPARE[op]
    outcomes = {bool(compare(c, k)) for c in range(mask.bit_count() + 1)}
    if len(outcomes) == 1:
        return Const(outcomes.pop())
    return CountCmp(mask, op, k)


def has_metric(node: Node) -> bool:
    """Whether evaluating the node needs metric values."""
    match node:
        case MetricCmp():
            return True
        case Not(operand):
            return has_metric(operand)
        case All(items) | Any_(items):
            return any(has_metric(i) for i in items)
        case Iff(left, right):
            return has_metric(left) or has_metric(right)
        case _:
            return False


MetricTest = Callable[[MetricCmp], Bools]


def vector(node: Node, packages: Ints, metric: MetricTest | None = None) -> Bools:
    """Evaluate `node` for every package in the array; `metric` answers metric comparisons."""
    match node:
        case Const(value):
            return np.full(packages.shape, value)
        case Has(mask):
            hit: Bools = (packages & np.uint64(mask)) != 0
            return hit
        case CountCmp(mask, op, k):
            counts = np.bitwise_count(packages & np.uint64(mask))
            return np.asarray(COMPARE[op](counts, k), dtype=np.bool_)
        case MetricCmp():
            if metric is None:
                raise ValueError("a metric comparison needs metric values")
            return metric(node)
        case Not(operand):
            return ~vector(operand, packages, metric)
        case All(items):
            return _fold(np.logical_and, items, packages, metric)
        case Any_(items):
            return _fold(np.logical_or, items, packages, metric)
        case Iff(left, right):
            return np.equal(vector(left, packages, metric), vector(right, packages, metric))
    raise TypeError(f"not a test node: {node!r}")


def _fold(
    combine: np.ufunc, items: tuple[Node, ...], packages: Ints, metric: MetricTest | None
) -> Bools:
    """Combine the items' outcomes; shapes broadcast (a test on packages meets one on
    packages and draws in the robustness pass)."""
    out: Bools = vector(items[0], packages, metric)
    for item in items[1:]:
        other = vector(item, packages, metric)
        if other.shape == out.shape:
            combine(out, other, out=out)
        else:
            out = combine(out, other)
    return out


def q_compare(q_values: Q, op: str, grid: int) -> Bools:
    """Values on the grid compared with a number on the same grid."""
    return np.asarray(COMPARE[op](q_values, grid), dtype=np.bool_)
