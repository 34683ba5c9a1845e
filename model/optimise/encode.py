"""A compiled scenario as MILP rows: every test tree reified into an indicator binary.

Variables: one binary per option (internal bit order, as in model/exact), one per interaction
(the linearised product of its options), and one indicator per sub-test, equal to 1 exactly
when the test holds for a 0/1 package. Metric comparisons go on the grid of
docs/explanation/semantics.md:

* a `sum` is an integer form sum(q(t) / G * x) with G the gcd of its terms' grid values, so a
  bound is an integer threshold and the row has half a unit of room on either side;
* a `noisy_or` is compared through its log form, sum(log(1 - t) * x) <= log(1 - theta), where
  theta is the least value that reaches the grid point; rows get LOG_MARGIN of room on both
  sides, and packages that close to a threshold are decided by the exact check (search.py);
* `max` and `min` comparisons are logical: some (or no) term beyond the bound is present.
"""

from __future__ import annotations

import math
from functools import reduce

import numpy as np

from ..exact import ir
from ..exact.compile import CompiledScenario
from ..exact.values import CUT, SCALE, CMetric
from .solver import Model, Row

#: Log forms are written in millionths, so that HiGHS's absolute feasibility tolerance (1e-7)
#: is 1e-13 in log(1 - v): well inside LOG_MARGIN.
LOG_SCALE = 1e3
#: Room left on both sides of a threshold in log form, in log(1 - v) (times LOG_SCALE in rows).
LOG_MARGIN = 1e-11
#: log(1 - t) is clamped here: below it 1 - v < 1e-13 and v is 1 on the grid anyway.
LOG_FLOOR = -30.0


class Encoding:
    """The MILP of one compiled scenario; indicators are made on demand and shared."""

    def __init__(self, compiled: CompiledScenario, model: Model | None = None) -> None:
        self.c = compiled
        self.model = model or Model()
        self.x = [self.model.var() for _ in range(compiled.n)]
        self._presence = {v: 1 << b for b, v in enumerate(self.x)}  # variable -> options
        self.true = self.model.var(1.0, 1.0)
        self.false = self.model.var(0.0, 0.0)
        self._nodes: dict[ir.Node, int] = {}
        self._logic: dict[tuple[str, tuple[int, ...]], int] = {}
        self._atoms: dict[tuple[int, int], int] = {}
        self._inter: dict[int, int] = {}
        self._counts: dict[tuple[int, ...], list[int]] = {}
        self.tests = [self.node(t.ok) for t in compiled.rules + compiled.constraints]
        self.shift_objective: Row | None = None  # made once by analyses.shift_rows

    # ------------------------------------------------------------------ logic

    def node(self, node: ir.Node) -> int:
        """The indicator of a test tree (cached: equal subtrees share one variable)."""
        if node not in self._nodes:
            self._nodes[node] = self._build(node)
        return self._nodes[node]

    def _build(self, node: ir.Node) -> int:
        match node:
            case ir.Const(value):
                return self.true if value else self.false
            case ir.Has(mask):
                return self.any(self.bits(mask))
            case ir.CountCmp(mask, op, k):
                return self._count(self.bits(mask), op, k)
            case ir.MetricCmp(metric, op, grid):
                return self.compare(metric, op, grid)
            case ir.Not(operand):
                return self.neg(self.node(operand))
            case ir.All(items):
                return self.all([self.node(i) for i in items])
            case ir.Any_(items):
                return self.any([self.node(i) for i in items])
            case ir.Iff(left, right):
                return self.iff(self.node(left), self.node(right))
        raise TypeError(f"not a test node: {node!r}")

    def bits(self, mask: int) -> list[int]:
        """The option variables of an internal mask."""
        return [self.x[b] for b in range(self.c.n) if mask >> b & 1]

    def neg(self, v: int) -> int:
        """1 - v."""
        if v in (self.true, self.false):
            return self.false if v == self.true else self.true
        key = ("not", (v,))
        if key not in self._logic:
            z = self.model.var()
            self.model.row({z: 1.0, v: 1.0}, 1.0, 1.0)
            self._logic[key] = z
        return self._logic[key]

    def all(self, vs: list[int]) -> int:
        """The conjunction of indicators."""
        return self.neg(self.any([self.neg(v) for v in vs]))

    def any(self, vs: list[int]) -> int:
        """The disjunction of indicators."""
        kept = sorted({v for v in vs if v != self.false})
        if self.true in kept:
            return self.true
        if not kept:
            return self.false
        if len(kept) == 1:
            return kept[0]
        key = ("or", tuple(kept))
        if key not in self._logic:
            z = self.model.var()
            for v in kept:
                self.model.row({z: 1.0, v: -1.0}, 0.0)  # z >= v
            self.model.row({z: 1.0, **dict.fromkeys(kept, -1.0)}, upper=0.0)  # z <= sum
            self._logic[key] = z
        return self._logic[key]

    def iff(self, a: int, b: int) -> int:
        """1 when a and b agree."""
        if a == b:  # `x <-> x`: its rows would add one variable's coefficients twice
            return self.true
        key = ("iff", (a, b))
        if key not in self._logic:
            z = self.model.var()
            m = self.model
            m.row({z: 1.0, a: 1.0, b: 1.0}, 1.0)  # z >= 1 - a - b
            m.row({z: 1.0, a: -1.0, b: -1.0}, -1.0)  # z >= a + b - 1
            m.row({z: 1.0, a: 1.0, b: -1.0}, upper=1.0)  # z <= 1 - a + b
            m.row({z: 1.0, a: -1.0, b: 1.0}, upper=1.0)  # z <= 1 + a - b
            self._logic[key] = z
        return self._logic[key]

    def present(self, var: int, mask: int) -> bool:
        """Whether an option or interaction variable is 1 for the package `mask`."""
        need = self._presence[var]
        return mask & need == need

    def support(self, node: ir.Node) -> frozenset[int]:
        """The option and interaction variables a test's outcome depends on."""
        match node:
            case ir.Has(mask) | ir.CountCmp(mask, _, _):
                return frozenset(self.bits(mask))
            case ir.MetricCmp(metric, _, _):
                return frozenset(v for v, _ in self.terms(metric))
            case ir.Not(operand):
                return self.support(operand)
            case ir.All(items) | ir.Any_(items):
                return frozenset().union(*(self.support(i) for i in items))
            case ir.Iff(left, right):
                return self.support(left) | self.support(right)
        return frozenset()

    def interaction(self, mask: int) -> int:
        """The product of the options of an interaction: 1 when all are in the package."""
        if mask not in self._inter:
            members = self.bits(mask)
            z = self.model.var()
            for v in members:
                self.model.row({z: 1.0, v: -1.0}, upper=0.0)
            self.model.row({z: 1.0, **dict.fromkeys(members, -1.0)}, 1.0 - len(members))
            self._inter[mask] = z
            self._presence[z] = mask
        return self._inter[mask]

    def count_is(self, bits: tuple[int, ...], k: int) -> int:
        """An indicator that is 1 exactly when k of the options `bits` are in the package
        (one binary per possible count of the group, made once per group)."""
        if bits not in self._counts:
            ones = [self.model.var() for _ in range(len(bits) + 1)]
            self.model.row(dict.fromkeys(ones, 1.0), 1.0, 1.0)
            row: Row = {u: float(i) for i, u in enumerate(ones) if i}
            row.update(dict.fromkeys((self.x[b] for b in bits), -1.0))
            self.model.row(row, 0.0, 0.0)
            self._counts[bits] = ones
        return self._counts[bits][k]

    def profiles(self, metrics: list[int] | None = None) -> list[tuple[object, ...]]:
        """Per option (internal bit): what checks can tell of it. Options of equal profile
        are interchangeable: swapping them changes no metric value (up to the order of the
        factors of a product) and no test. By default every metric and every name a rule or
        constraint reads; given `metrics`, only their terms. Options in an interaction get
        a profile of their own."""
        chosen = range(len(self.c.metrics)) if metrics is None else metrics
        masks = [] if metrics is not None else sorted(_masks(self.c))
        linked = self.c.n - self.c.interaction_bits
        return [
            (b,)
            if b >= linked
            else (
                *(repr(float(self.c.metrics[m].terms[b])) for m in chosen),
                *(mask >> b & 1 for mask in masks),
            )
            for b in range(self.c.n)
        ]

    # ------------------------------------------------------------ linear atoms

    def at_least(self, form: Row, threshold: float, margin: float) -> int:
        """An indicator z with z = 1 => form >= threshold - margin, z = 0 => form <=
        threshold + margin (one of the two holds for every package)."""
        low = sum(min(a, 0.0) for a in form.values())
        high = sum(max(a, 0.0) for a in form.values())
        if low >= threshold + margin:
            return self.true
        if high < threshold - margin:
            return self.false
        z = self.model.var()
        self.model.row({**form, z: low - (threshold - margin)}, low)
        self.model.row({**form, z: threshold + margin - high}, upper=threshold + margin)
        return z

    def _count(self, vs: list[int], op: str, k: float) -> int:
        """A count of options compared with a number, as integer thresholds."""
        form = dict.fromkeys(vs, 1.0)

        def ge(c: int) -> int:
            return self.at_least(form, c - 0.5, 0.0)

        if op in {"==", "!="}:
            same = self.all([ge(int(k)), self.neg(ge(int(k) + 1))]) if k == int(k) else self.false
            return same if op == "==" else self.neg(same)
        return {
            ">=": lambda: ge(math.ceil(k)),
            ">": lambda: ge(math.floor(k) + 1),
            "<=": lambda: self.neg(ge(math.floor(k) + 1)),
            "<": lambda: self.neg(ge(math.ceil(k))),
        }[op]()

    # ----------------------------------------------------------------- metrics

    def terms(self, metric: int) -> list[tuple[int, float | int]]:
        """(presence variable, term as combined) of every option and interaction."""
        m = self.c.metrics[metric]
        out: list[tuple[int, float | int]] = [
            (self.x[b], m.term(b)) for b in range(self.c.n) if not np.isnan(m.terms[b])
        ]
        out += [(self.interaction(mask), t) for mask, t in m.interactions]
        return out

    def compare(self, metric: int, op: str, g: int) -> int:
        """A metric's grid value compared with grid number g."""
        ge = self.at_least_grid
        if op in {"==", "!="}:
            same = self.all([ge(metric, g), self.neg(ge(metric, g + 1))])
            return same if op == "==" else self.neg(same)
        return {
            ">=": lambda: ge(metric, g),
            ">": lambda: ge(metric, g + 1),
            "<=": lambda: self.neg(ge(metric, g + 1)),
            "<": lambda: self.neg(ge(metric, g)),
        }[op]()

    def at_least_grid(self, metric: int, g: int) -> int:
        """1 exactly when the package's value of the metric is g or more on the grid."""
        key = (metric, g)
        if key not in self._atoms:
            self._atoms[key] = self._at_least_grid(self.c.metrics[metric], metric, g)
        return self._atoms[key]

    def _at_least_grid(self, m: CMetric, metric: int, g: int) -> int:
        if m.combine in ("sum", "noisy_or"):
            row = self.threshold(metric, g)
            return row if isinstance(row, int) else self.at_least(*row)
        terms = self.terms(metric)
        present = self.any([v for v, _ in terms])
        if m.combine == "max":
            reach = [v for v, t in terms if t >= g]
            return self.any([*reach, self.neg(present) if g <= 0 else self.false])
        below = [v for v, t in terms if t < g]
        return self.all([*(self.neg(v) for v in below), present if g > 0 else self.true])

    def threshold(self, metric: int, g: int) -> tuple[Row, float, float] | int:
        """For a sum or noisy-or: (form, t, margin) such that the value is g or more on the
        grid exactly when form >= t (up to the margin), or a constant indicator."""
        if self.c.metrics[metric].combine == "sum":
            form, unit = self.sum_form(metric)
            if not form:
                return self.true if g <= 0 else self.false
            return form, math.ceil(g / unit) - 0.5, 0.0
        theta = (g - CUT) / SCALE
        if theta <= 0:
            return self.true
        if theta >= 1:
            return self.false
        form = {v: -a for v, a in self.log_form(metric).items()}
        return form, -math.log1p(-theta) * LOG_SCALE, LOG_MARGIN * LOG_SCALE

    def sum_form(self, metric: int) -> tuple[Row, int]:
        """A sum metric as integer coefficients over presence variables, and their unit."""
        terms = [(v, int(t)) for v, t in self.terms(metric) if int(t) != 0]
        unit = reduce(math.gcd, (abs(t) for _, t in terms), 0) or 1
        form: Row = {}
        for v, t in terms:
            form[v] = form.get(v, 0.0) + t // unit
        return form, unit

    def log_form(self, metric: int) -> Row:
        """A noisy-or metric's log(1 - v) times LOG_SCALE as a linear form (each term's log
        clamped at LOG_FLOOR)."""
        form: Row = {}
        for v, t in self.terms(metric):
            a = LOG_FLOOR if t >= 1 else max(math.log1p(-float(t)), LOG_FLOOR)
            if a != 0.0:
                form[v] = form.get(v, 0.0) + a * LOG_SCALE
        return form


def _masks(c: CompiledScenario) -> set[int]:
    """Every option mask a rule or constraint reads."""
    out: set[int] = set()

    def walk(node: ir.Node) -> None:
        match node:
            case ir.Has(mask) | ir.CountCmp(mask, _, _):
                out.add(mask)
            case ir.Not(operand):
                walk(operand)
            case ir.All(items) | ir.Any_(items):
                for item in items:
                    walk(item)
            case ir.Iff(left, right):
                walk(left)
                walk(right)

    for test in c.rules + c.constraints:
        walk(test.ok)
    return out
