"""Exact enumeration of every package, in chunks of fixed size.

Packages are integers. A chunk holds the 2^L packages sharing their high bits (the prefix).
A metric's value is a per-prefix constant merged into a table of the low bits computed once.
Each rule or constraint reduces, given the prefix, to a residual test on the low bits that many
prefixes share, so its table is computed once and cached. Memory is bounded by the chunk size
whatever the number of packages.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantees.model import ir
from guarantees.model.compile import CompiledScenario, Test
from guarantees.model.values import SCALE, Floats, Ints, add_term, finish, merge, partials

Bools = NDArray[np.bool_]
Index = NDArray[np.intp]
Q = NDArray[np.int64]
LOW_BITS = 16
CACHE_TABLES = 16
Q_LOWEST = np.iinfo(np.int64).min
Progress = Callable[[int, int], None]


@dataclass
class Chunk:
    """The packages of one prefix, with their rule and constraint outcomes."""

    packages: Ints  # internal masks
    feasible: Bools
    words: list[Ints]  # failed-constraint bit sets, 64 constraints per word
    value: Callable[[int], Floats]  # metric index -> values of every package of the chunk


class Enumerator:
    """Walks the packages of a compiled scenario chunk by chunk."""

    def __init__(self, compiled: CompiledScenario, *, low_bits: int = LOW_BITS) -> None:
        self.c = compiled
        self.low = min(compiled.n, low_bits)
        self.low_mask = (1 << self.low) - 1
        self.chunks = 1 << (compiled.n - self.low)
        self.idx: Ints = np.arange(1 << self.low, dtype=np.uint64)
        self.n_words = max(1, -(-len(compiled.constraints) // 64))
        self.tests: tuple[Test, ...] = compiled.rules + compiled.constraints
        self.n_rules = len(compiled.rules)
        self.low_partials = [
            partials(m, self.idx, bits=range(self.low), interactions=self._side(m, low=True))
            for m in compiled.metrics
        ]
        self.spanning = [self._spanning(m) for m in range(len(compiled.metrics))]
        self._residuals: list[dict[int, ir.Node]] = [{} for _ in self.tests]
        self._high_masks = [_high_mask(t.ok, self.low_mask) for t in self.tests]
        self._tables: OrderedDict[tuple[ir.Node | None, ...], tuple[Bools, list[Ints]]] = (
            OrderedDict()
        )
        self._order = None if any(self.spanning) else self._frontier_order()

    def _side(self, metric: object, *, low: bool) -> list[tuple[int, float]]:
        """Interactions wholly among the low (or wholly among the high) options."""
        assert hasattr(metric, "interactions")
        inside = self.low_mask if low else ~self.low_mask
        return [(m, t) for m, t in metric.interactions if m & ~inside == 0]

    def _spanning(self, metric: int) -> list[tuple[int, Bools, float]]:
        """Interactions with options on both sides: (high part, low-side presence, term)."""
        out = []
        for mask, term in self.c.metrics[metric].interactions:
            low_part, high_part = mask & self.low_mask, mask & ~self.low_mask
            if low_part and high_part:
                present = self.idx & np.uint64(low_part) == np.uint64(low_part)
                out.append((high_part, present, term))
        return out

    def _frontier_order(self) -> Index:
        """Low packages by better benefit, then better risk: one order valid in every chunk.

        Merging a constant into a partial value is monotone, so this order of the low parts
        is also an order of the packages of any chunk by (benefit, risk), up to ties.
        """
        keys = []
        for metric in (self.c.risk, self.c.benefit):
            spec = self.c.metrics[metric]
            part = self.low_partials[metric]
            increasing = -part if spec.combine == "noisy_or" else part
            keys.append(-increasing if spec.higher else increasing)
        return np.lexsort(keys)

    def prefix_constants(self, number: int) -> list[float]:
        """Each metric's partial value from the high options of chunk `number`."""
        mask = np.array([number << self.low], dtype=np.uint64)
        return [
            float(
                partials(
                    m, mask, bits=range(self.low, self.c.n), interactions=self._side(m, low=False)
                )[0]
            )
            for m in self.c.metrics
        ]

    def chunk(self, number: int) -> Chunk:
        """Every package of chunk `number`, with its outcomes and lazily computed values."""
        prefix = number << self.low
        constants = self.prefix_constants(number)
        cache: dict[int, Floats] = {}

        def value(metric: int) -> Floats:
            if metric not in cache:
                cache[metric] = self._values(metric, prefix, constants[metric])
            return cache[metric]

        def compare(node: ir.MetricCmp) -> Bools:
            return ir.metric_compare(value(node.metric), node.op, node.value, SCALE)

        feasible, words = self._outcomes(prefix, compare)
        return Chunk(self.idx | np.uint64(prefix), feasible, words, value)

    def _values(self, metric: int, prefix: int, constant: float) -> Floats:
        """Values of one metric for every package of a chunk."""
        combine = self.c.metrics[metric].combine
        partial = merge(combine, self.low_partials[metric], constant)
        for high_part, present, term in self.spanning[metric]:
            if prefix & high_part == high_part:
                partial = add_term(combine, partial, present, term)
        return finish(combine, partial)

    def _outcomes(self, prefix: int, compare: ir.MetricTest) -> tuple[Bools, list[Ints]]:
        """Feasibility and failure bits: cached tables for residuals, fresh ones for metrics."""
        residuals = [self._residual(i, prefix) for i in range(len(self.tests))]
        key = tuple(None if _fresh(node) else node for node in residuals)
        feasible, words = self._table(key)
        fresh = [(i, node) for i, node in enumerate(residuals) if _fresh(node)]
        if not fresh:
            return feasible, words
        feasible, words = feasible.copy(), [w.copy() for w in words]
        for i, node in fresh:
            ok = node.value if isinstance(node, ir.Const) else ir.vector(node, self.idx, compare)
            self._record(i, np.broadcast_to(ok, self.idx.shape), feasible, words)
        return feasible, words

    def _record(self, i: int, ok: Bools, feasible: Bools, words: list[Ints]) -> None:
        """Fold test i's outcome into feasibility (a rule) or the failure words (a constraint)."""
        if i < self.n_rules:
            feasible &= ok
        else:
            k = i - self.n_rules
            words[k // 64] |= (~ok).astype(np.uint64) << np.uint64(k % 64)

    def _residual(self, i: int, prefix: int) -> ir.Node:
        """Test i given the prefix, cached on the high bits the test looks at."""
        key = prefix & self._high_masks[i]
        found = self._residuals[i].get(key)
        if found is None:
            found = ir.partial(self.tests[i].ok, prefix, self.low_mask)
            self._residuals[i][key] = found
        return found

    def _table(self, key: tuple[ir.Node | None, ...]) -> tuple[Bools, list[Ints]]:
        """Feasibility and failure words of the residuals that need no metric, cached."""
        hit = self._tables.get(key)
        if hit is not None:
            self._tables.move_to_end(key)
            return hit
        feasible = np.ones(self.idx.shape, dtype=np.bool_)
        words = [np.zeros(self.idx.shape, dtype=np.uint64) for _ in range(self.n_words)]
        for i, node in enumerate(key):
            if node is not None:
                self._record(i, ir.vector(node, self.idx), feasible, words)
        self._tables[key] = (feasible, words)
        if len(self._tables) > CACHE_TABLES:
            self._tables.popitem(last=False)
        return feasible, words

    def walk(self, progress: Progress | None = None) -> Iterator[tuple[int, Chunk]]:
        """Every chunk in order, reporting progress as (chunks done, chunks in all)."""
        for number in range(self.chunks):
            yield number, self.chunk(number)
            if progress is not None:
                progress(number + 1, self.chunks)

    def axes(self, chunk: Chunk) -> tuple[Q, Q]:
        """Oriented quantised (benefit, risk) of every package: higher is better on both."""
        return (
            oriented_q(chunk.value(self.c.benefit), self.c.metrics[self.c.benefit].higher),
            oriented_q(chunk.value(self.c.risk), self.c.metrics[self.c.risk].higher),
        )

    def frontier(self, chunk: Chunk) -> Index:
        """Indices of the chunk's feasible packages that no other of them dominates."""
        bq, rq = self.axes(chunk)
        if self._order is None:
            return exact_frontier(np.flatnonzero(chunk.feasible), bq, rq)
        order = self._order
        feasible = chunk.feasible[order]
        risk = np.where(feasible, rq[order], Q_LOWEST)
        best_before = np.empty_like(risk)
        best_before[0] = Q_LOWEST
        np.maximum.accumulate(risk[:-1], out=best_before[1:])
        return exact_frontier(order[feasible & (risk >= best_before)], bq, rq)


def _fresh(node: ir.Node) -> bool:
    """Residuals computed anew for each chunk: constants (cheap) and metric tests."""
    return isinstance(node, ir.Const) or ir.has_metric(node)


def exact_frontier(index: Index, bq: Q, rq: Q) -> Index:
    """The entries of `index` no other entry dominates (higher is better on both), ties kept."""
    if index.size == 0:
        return index
    order = np.lexsort((-rq[index], -bq[index]))
    index = index[order]
    b, r = bq[index], rq[index]
    starts = np.flatnonzero(np.concatenate(([True], b[1:] != b[:-1])))
    group = np.repeat(np.arange(starts.size), np.diff(np.append(starts, b.size)))
    best = np.maximum.accumulate(r)
    before = np.concatenate(([Q_LOWEST], best[starts[1:] - 1]))[group]
    keep = (r == r[starts][group]) & (r > before)
    kept: Index = index[keep]
    return kept


def oriented_q(values: Floats, higher: bool) -> Q:
    """Quantised values, negated when lower is better."""
    q = np.rint(values * SCALE).astype(np.int64)
    return q if higher else -q


def _high_mask(node: ir.Node, low_mask: int) -> int:
    """The high bits a test looks at: its residual depends on the prefix only through them."""
    match node:
        case ir.Has(mask) | ir.CountCmp(mask, _, _):
            return mask & ~low_mask
        case ir.Not(operand):
            return _high_mask(operand, low_mask)
        case ir.All(items) | ir.Any_(items):
            out = 0
            for item in items:
                out |= _high_mask(item, low_mask)
            return out
        case ir.Iff(left, right):
            return _high_mask(left, low_mask) | _high_mask(right, low_mask)
        case _:
            return 0
