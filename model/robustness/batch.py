"""One batch of draws applied to the packages of one chunk: metric values and verdicts.

Arrays have one row per package and one column per draw. Metric values are built as the
exact engine builds them (docs/explanation/semantics.md): noisy-or as a product of
(1 - term) in floating point, sums, maxima and minima on the grid in int64, each compared with
its bound on the grid. A certain number keeps its exact grid value (`q_exact`); a drawn one is
put on the grid by `q`. Tests that read no metric are decided once per package (`Statics`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..exact import ir
from ..exact.compile import CompiledScenario, Test
from ..exact.values import CUT, NEUTRAL, SCALE, CMetric, Floats, Ints, Q, finish, merge, quantize
from .sampling import Slot

Bools = NDArray[np.bool_]
Index = NDArray[np.intp]
Words = NDArray[np.uint64]
WORD = 64


@dataclass(frozen=True, slots=True)
class Drawn:
    """Every number of the scenario under one batch of draws, as the engine combines it."""

    size: int  # draws in the batch
    factors: tuple[NDArray[Any], ...]  # per metric: (internal option, draw) -> term as combined
    interactions: tuple[tuple[tuple[int, NDArray[Any]], ...], ...]  # per metric: (mask, term)
    bounds: tuple[tuple[tuple[int, str, Q], ...], ...]  # per constraint: (metric, side, grid)
    spans: tuple[Floats, ...]  # per metric: its range in each draw (docs: concessions)


def drawn(compiled: CompiledScenario, chosen: tuple[Slot, ...], values: Floats) -> Drawn:
    """The batch's numbers: `values` holds one row per draw and one column per slot."""
    size = values.shape[0]
    column: dict[tuple[str, Any, str], int] = {
        (s.where, s.owner, s.metric): i for i, s in enumerate(chosen)
    }

    def sampled(where: str, owner: Any, metric: CMetric) -> Floats | None:
        i = column.get((where, owner, metric.name))
        return None if i is None else values[:, i]

    factors, interactions, spans = [], [], []
    for metric in compiled.metrics:
        table = np.empty((compiled.n, size), dtype=np.int64 if metric.exact else np.float64)
        given = np.zeros(compiled.n, dtype=np.bool_)
        for bit, position in enumerate(compiled.perm):
            draws = sampled("option", compiled.options[position], metric)
            given[bit] = draws is not None or not np.isnan(metric.terms[bit])
            table[bit] = _term(metric, metric.term(bit) if given[bit] else None, draws, size)
        owners = [
            i for i, x in enumerate(compiled.scenario.interactions) if metric.name in x.values
        ]
        terms = tuple(
            (mask, _term(metric, term, sampled("interaction", owner, metric), size))
            for (mask, term), owner in zip(metric.interactions, owners, strict=True)
        )
        factors.append(table)
        interactions.append(terms)
        spans.append(_spans(metric, [*table[given], *(t for _, t in terms)], size))
    bounds = tuple(_bounds(compiled, test, sampled, size) for test in compiled.constraints)
    return Drawn(size, tuple(factors), tuple(interactions), bounds, tuple(spans))


def _term(metric: CMetric, certain: float | None, draws: Floats | None, size: int) -> NDArray[Any]:
    """A term per draw as the metric combines it: (1 - t) for noisy-or, a grid value else.

    `certain` is the term's value as combined (None: the option gives no term), `draws` its
    drawn values when it is uncertain.
    """
    if metric.combine == "noisy_or":
        if draws is not None:
            return 1.0 - draws
        return np.full(size, 1.0 if certain is None else 1.0 - certain)
    if draws is not None:
        return quantize(draws)
    return np.full(size, NEUTRAL[metric.combine] if certain is None else certain, dtype=np.int64)


def _bounds(
    compiled: CompiledScenario,
    test: Test,
    sampled: Callable[[str, Any, CMetric], Floats | None],
    size: int,
) -> tuple[tuple[int, str, Q], ...]:
    """A limit's bounds on the grid per draw: as written, or drawn."""
    out = []
    for m, side, _, grid in test.bounds:
        draws = sampled("bound", (test.ref.actor, test.ref.index, side), compiled.metrics[m])
        out.append(
            (m, side, np.full(size, grid, dtype=np.int64) if draws is None else quantize(draws))
        )
    return tuple(out)


def _spans(metric: CMetric, terms: list[NDArray[Any]], size: int) -> Floats:
    """The metric's range in each draw, measured as `values.metric_span` measures it."""
    if metric.combine == "noisy_or" or not terms:
        return np.ones(size)
    stacked = np.stack(terms).astype(np.float64)
    if metric.combine == "sum":
        steps = np.abs(stacked).sum(axis=0)
    else:
        steps = np.maximum(stacked.max(axis=0), 0) - np.minimum(stacked.min(axis=0), 0)
    return np.where(steps > 0, steps / SCALE, 1.0)


@dataclass(frozen=True, slots=True)
class Statics:
    """What a chunk's packages are whatever the draw: which are feasible by the rules that
    read no metric, and which constraints that read no metric they fail."""

    prefix: int
    low: int  # the chunk holds the 2^low packages sharing the prefix's high bits
    rows: Index  # low parts of the packages feasible by the static rules
    masks: Ints  # their internal masks
    words: tuple[Words, ...]  # static failure bits, 64 constraints per word
    dynamic_rules: tuple[ir.Node, ...]  # failure tests of rules that read a metric
    dynamic: tuple[int, ...]  # constraints decided per draw (limits, metric conditions)


def statics(compiled: CompiledScenario, prefix: int, low: int) -> Statics:
    """The draw-independent part of one chunk (the packages sharing `prefix`'s high bits)."""
    masks = np.arange(1 << low, dtype=np.uint64) | np.uint64(prefix)
    feasible = np.ones(masks.shape, dtype=np.bool_)
    dynamic_rules = []
    for rule in compiled.rules:
        broken = ir.negate(rule.ok)
        if ir.has_metric(broken):
            dynamic_rules.append(broken)
        else:
            feasible &= ~ir.vector(broken, masks)
    rows = np.flatnonzero(feasible)
    kept = masks[rows]
    words = [np.zeros(rows.size, dtype=np.uint64) for _ in range(word_count(compiled))]
    dynamic = []
    for k, test in enumerate(compiled.constraints):
        if test.bounds or ir.has_metric(test.ok):
            dynamic.append(k)
            continue
        fail = ir.vector(ir.negate(test.ok), kept)
        words[k // WORD] |= fail.astype(np.uint64) << np.uint64(k % WORD)
    return Statics(prefix, low, rows, kept, tuple(words), tuple(dynamic_rules), tuple(dynamic))


def word_count(compiled: CompiledScenario) -> int:
    """Failure words per package: one per 64 constraints (at least one)."""
    return max(1, -(-len(compiled.constraints) // WORD))


def constraint_words(
    compiled: CompiledScenario, keep: Callable[[Test], bool]
) -> tuple[np.uint64, ...]:
    """The failure-word masks of the constraints `keep` selects."""
    words = [0] * word_count(compiled)
    for k, test in enumerate(compiled.constraints):
        if keep(test):
            words[k // WORD] |= 1 << (k % WORD)
    return tuple(np.uint64(w) for w in words)


class Verdicts:
    """A chunk's packages under a batch of draws, as (package, draw) arrays.

    Failures are decided for every cell; shifts and the trade-off axes are worked out only at
    the cells asked for (few: the candidates for a smallest concession or a best deal).
    """

    def __init__(
        self, compiled: CompiledScenario, chunk: Statics, batch: Drawn, lows: list[NDArray[Any]]
    ) -> None:
        self.compiled, self.chunk, self.batch, self.lows = compiled, chunk, batch, lows
        self._q: dict[int, Q] = {}
        self._partials: dict[int, NDArray[Any]] = {}
        self.shape = (chunk.rows.size, batch.size)
        column = chunk.masks[:, None]  # tests that read no metric give one value per row
        feasible = np.ones((chunk.rows.size, 1), dtype=np.bool_)
        for broken in chunk.dynamic_rules:
            feasible = feasible & ~ir.vector(broken, column, self._compare)
        self.feasible: Bools = feasible  # (rows, draws), or (rows, 1) when no rule reads a metric
        self.fails: dict[int, Bools] = {k: self._fail(k, column) for k in chunk.dynamic}
        words = [np.repeat(w[:, None], batch.size, axis=1) for w in chunk.words]
        for k, fail in self.fails.items():
            bit = np.left_shift(fail.view(np.uint8), np.uint8(k % WORD), dtype=np.uint64)
            words[k // WORD] |= bit
        self.words: tuple[Words, ...] = tuple(words)

    def partial(self, m: int) -> NDArray[Any]:
        """Every cell's partial value of metric m (for noisy-or, the product of (1 - t))."""
        if m not in self._partials:
            b = self.batch
            self._partials[m] = _partials(
                self.compiled.metrics[m], self.chunk, b.factors[m], b.interactions[m], self.lows[m]
            )
        return self._partials[m]

    def q(self, m: int) -> Q:
        """Every cell's value of metric m on the grid."""
        if m not in self._q:
            self._q[m] = finish(self.compiled.metrics[m].combine, self.partial(m))
        return self._q[m]

    def _compare(self, node: ir.MetricCmp) -> Bools:
        return ir.q_compare(self.q(node.metric), node.op, node.grid)

    def _fail(self, k: int, column: Ints) -> Bools:
        """Which cells fail constraint k (a limit, or a condition that reads a metric)."""
        if not self.compiled.constraints[k].bounds:
            return np.broadcast_to(
                ir.vector(ir.negate(self.compiled.constraints[k].ok), column, self._compare),
                self.shape,
            )
        fail = np.zeros(self.shape, dtype=np.bool_)
        for m, side, grid in self.batch.bounds[k]:
            if self.compiled.metrics[m].combine == "noisy_or" and m not in self._q:
                fail |= _noisy_or_miss(self.partial(m), side, grid)
                continue
            value = self.q(m)
            fail |= value < grid[None, :] if side == "min" else value > grid[None, :]
        return fail

    def shift(self, rows: Index, draws: Index) -> Floats:
        """The shift of the cells (rows[i], draws[i]): every missed bound's shortfall as a share
        of its metric's range (docs: concessions)."""
        total = np.zeros(rows.size)
        for k in self.chunk.dynamic:
            for m, side, grid in self.batch.bounds[k]:
                value, bound = self.q(m)[rows, draws], grid[draws]
                gap = bound - value if side == "min" else value - bound
                total += np.where(gap > 0, gap / SCALE, 0.0) / self.batch.spans[m][draws]
        return total

    def axes(self, rows: Index, draws: Index) -> tuple[Q, Q]:
        """Oriented grid (benefit, risk) of the cells: higher is better on both."""
        out = []
        for m in (self.compiled.benefit, self.compiled.risk):
            value = self.q(m)[rows, draws]
            out.append(value if self.compiled.metrics[m].higher else -value)
        return out[0], out[1]


def low_table(metric: CMetric, factors: NDArray[Any], low: int) -> NDArray[Any]:
    """Partial values over the low options for every low part, per draw: (2^low, draws).

    Built by doubling, in place: the packages holding option b are those without it,
    combined with b.
    """
    table = np.empty((1 << low, factors.shape[1]), dtype=factors.dtype)
    table[0] = NEUTRAL[metric.combine]
    for bit in range(low):
        half = 1 << bit
        merge(metric.combine, table[:half], factors[bit][None, :], out=table[half : 2 * half])
    return table


def _noisy_or_miss(partial: Floats, side: str, grid: Q) -> Bools:
    """Which cells miss a noisy-or bound, decided on the partial product P (value 1 - P).

    q(v) >= g exactly when v >= (g - CUT) / SCALE, and q(v) <= g when v < (g + 1 - CUT) /
    SCALE (see values.q): with v = 1 - P, each is a threshold on P per draw, half a grid
    step away from any value a scenario writes, so no rounding of P can cross it.
    """
    if side == "min":
        return partial > (1.0 - (grid - CUT) / SCALE)[None, :]
    return partial <= (1.0 - (grid + 1 - CUT) / SCALE)[None, :]


def _partials(
    metric: CMetric,
    chunk: Statics,
    factors: NDArray[Any],
    interactions: tuple[tuple[int, NDArray[Any]], ...],
    low_partials: NDArray[Any],
) -> NDArray[Any]:
    """Partial values of the chunk's packages: low options, the prefix's options, interactions."""
    partial = low_partials[chunk.rows]
    for bit in range(chunk.low, factors.shape[0]):
        if chunk.prefix >> bit & 1:
            partial = merge(metric.combine, partial, factors[bit][None, :])
    for mask, term in interactions:
        present = (chunk.masks & np.uint64(mask)) == np.uint64(mask)
        if present.any():
            partial = np.where(
                present[:, None], merge(metric.combine, partial, term[None, :]), partial
            )
    return partial
