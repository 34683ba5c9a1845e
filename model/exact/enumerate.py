"""Exact enumeration of every package, in chunks of fixed size.

Packages are integers. A chunk holds the 2^L packages sharing their high bits (the prefix).
A metric's value is a per-prefix constant merged into a table over the low bits computed
once, so a limit is one comparison of that table with a per-chunk threshold. Each rule or
constraint reduces, given the prefix, to a residual test on the low bits; many prefixes share
a residual, so its table is computed once and cached. Memory is bounded by the chunk size,
whatever the number of packages.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from . import ir
from .compile import CompiledScenario, Test
from .values import (
    CUT,
    SCALE,
    CMetric,
    Floats,
    Ints,
    Q,
    add_term,
    finish,
    merge,
    partials,
    table,
)

Bools = NDArray[np.bool_]
Index = NDArray[np.intp]
#: Exact enumeration stops here: 2^30 packages take seconds on two cores (under 10 s for the
#: benchmark's scenarios, benchmarks/README.md), and each option more doubles it.
MAX_OPTIONS = 30
#: Options enumerated inside one chunk, at most: chunks of 2^18 packages keep memory flat.
LOW_BITS = 18
CACHE_TABLES = 64
CACHE_BYTES = 32 << 20  # failure planes of constraints without a metric kept for reuse
Progress = Callable[[int, int], None]


def chunk_bits(n: int) -> int:
    """Options inside a chunk for n options: half of them past the first 12, at most LOW_BITS.

    The once-per-scenario sort of the low packages (`Enumerator._frontier_order`) grows with
    the chunk and the per-chunk work with the number of chunks; on the generated benchmark
    scenarios (benchmarks/peers.py) this balance was fastest from 12 to 24 options: at 20
    options, 2^16 packages per chunk took 60 ms where one chunk of 2^18 took 106 ms.
    """
    return min(LOW_BITS, n, 6 + n // 2)


class Chunk:
    """The packages of one prefix: feasibility, failed-constraint bits, metric values."""

    def __init__(self, walker: Enumerator, number: int) -> None:
        self.walker = walker
        self.number = number
        self.prefix = number << walker.low
        self._partials: dict[int, NDArray[Any]] = {}
        self._q: dict[int, Q] = {}
        #: What decides feasibility here (see Enumerator.pattern); None: the metrics too.
        self.pattern = walker.pattern(self.prefix)
        self.feasible, self.planes = walker.outcomes(self)

    def masks(self, index: Index) -> Ints:
        """Internal masks of the chunk's packages at `index`."""
        return index.astype(np.uint64) | np.uint64(self.prefix)

    def constant(self, metric: int) -> Any:
        """The partial value that the chunk's high options give the metric (a NumPy scalar)."""
        return self.walker.constants[metric][self.number]

    def partial(self, metric: int) -> NDArray[Any]:
        """Partial values over the low options (and interactions that reach into them)."""
        if metric not in self._partials:
            self._partials[metric] = self.walker.low_partial(metric, self.prefix)
        return self._partials[metric]

    def q(self, metric: int) -> Q:
        """Every package's value for a metric, on the grid."""
        if metric not in self._q:
            combine = self.walker.c.metrics[metric].combine
            self._q[metric] = finish(
                combine, merge(combine, self.partial(metric), self.constant(metric))
            )
        return self._q[metric]

    def q_at(self, metric: int, index: Index) -> Q:
        """Grid values of a metric for some packages of the chunk only."""
        if metric in self._q:
            return self._q[metric][index]
        combine = self.walker.c.metrics[metric].combine
        return finish(combine, merge(combine, self.partial(metric)[index], self.constant(metric)))

    def compare(self, node: ir.MetricCmp) -> Bools:
        """A metric comparison for every package, against the partial table where possible."""
        spec = self.walker.c.metrics[node.metric]
        if spec.combine == "sum":  # on the grid: p + c op k  <=>  p op k - c, exactly
            shifted = node.grid - int(self.constant(node.metric))
            return ir.q_compare(self.partial(node.metric), node.op, shifted)
        if spec.combine != "noisy_or":
            return ir.q_compare(self.q(node.metric), node.op, node.grid)
        return _noisy_or_compare(self.partial(node.metric), float(self.constant(node.metric)), node)


def _noisy_or_compare(partial: Floats, constant: float, node: ir.MetricCmp) -> Bools:
    """`q(value) op k` decided on partial values: a value interval is a partial interval.

    q(v) >= k holds exactly when v >= (k - CUT) / SCALE, so every comparison is an interval
    of values; for noisy-or v = 1 - p * c, so it is an interval of partial values p with
    per-chunk ends.
    """
    low, high = _value_interval(node.op, float(node.grid))
    if constant == 0.0:  # every package certainly at 1
        return np.full(partial.shape, _in_value_interval(1.0, low, high, node.op))
    # v >= low  <=>  p <= (1 - low) / c: the interval flips.
    return _in_flipped(partial, -(1.0 - low) / constant, -(1.0 - high) / constant, node.op)


def _value_interval(op: str, k: float) -> tuple[float, float]:
    """Values v with q(v) op k form [low, high) (or its complement for '!=')."""
    at, above = k - CUT, k + 1 - CUT
    bounds = {
        ">=": (at, np.inf),
        ">": (above, np.inf),
        "<=": (-np.inf, above),
        "<": (-np.inf, at),
        "==": (at, above),
        "!=": (at, above),
    }[op]
    return bounds[0] / SCALE, bounds[1] / SCALE


def _in_flipped(p: Floats, low: float, high: float, op: str) -> Bools:
    """-p in [low, high), complemented for '!=': decided on p itself (negation is exact),
    so that no negated copy of the table is made."""
    if low == -np.inf:
        inside = p > -high
    elif high == np.inf:
        inside = p <= -low
    else:
        inside = (p <= -low) & (p > -high)
    result: Bools = ~inside if op == "!=" else inside
    return result


def _in_value_interval(x: float, low: float, high: float, op: str) -> bool:
    inside = low <= x < high
    return not inside if op == "!=" else inside


class Enumerator:
    """Walks the packages of a compiled scenario chunk by chunk."""

    def __init__(self, compiled: CompiledScenario, *, low_bits: int | None = None) -> None:
        if compiled.n > MAX_OPTIONS:
            raise TooLargeError(
                f"scenario '{compiled.scenario.id}' has {compiled.n} options, so 2^{compiled.n} "
                f"packages: exact enumeration stops at {MAX_OPTIONS} options"
            )
        self.c = compiled
        self.low = min(compiled.n, chunk_bits(compiled.n) if low_bits is None else low_bits)
        self.low_mask = (1 << self.low) - 1
        self.chunks = 1 << (compiled.n - self.low)
        self.idx: Ints = np.arange(1 << self.low, dtype=np.uint64)
        self.n_planes = max(1, -(-len(compiled.constraints) // 8))
        self.tests: tuple[Test, ...] = compiled.rules + compiled.constraints
        self.n_rules = len(compiled.rules)
        self.fails = tuple(ir.inward(ir.negate(t.ok)) for t in self.tests)
        self.low_partials = [
            table(m, self.low, interactions=self._side(m, low=True)) for m in compiled.metrics
        ]
        prefixes = np.arange(self.chunks, dtype=np.uint64) << np.uint64(self.low)
        self.constants = [
            partials(
                m, prefixes, bits=range(self.low, compiled.n), interactions=self._side(m, low=False)
            )
            for m in compiled.metrics
        ]
        self.spanning = [self._spanning(m) for m in compiled.metrics]
        self._residuals: list[dict[int, ir.Node]] = [{} for _ in self.tests]
        self._high_masks = [_high_mask(node, self.low_mask) for node in self.fails]
        self._tables: OrderedDict[ir.Node, Bools] = OrderedDict()
        self._feasible: OrderedDict[tuple[ir.Node, ...], Bools] = OrderedDict()
        self._feasible_index: OrderedDict[tuple[ir.Node, ...], Index] = OrderedDict()
        self._candidates: OrderedDict[tuple[Any, ...], Index] = OrderedDict()
        self._metric_free: dict[ir.Node, bool] = {}
        self._fixed_planes: OrderedDict[tuple[Any, ...], NDArray[np.uint8]] = OrderedDict()
        # planes that fit in CACHE_BYTES (a quarter below 2^28 packages, where fewer repeat)
        budget = CACHE_BYTES if self.chunks << self.low >= 2**28 else CACHE_BYTES // 4
        self._planes_cached = max(1, budget >> self.low)
        self._shared_planes = [self._shared(j) for j in range(self.n_planes)]
        self._order = self._frontier_order() if self._presortable() else None
        if self._order is not None:
            self._sorted_risk = self._risk_key()[self._order]

    def _side(self, metric: CMetric, *, low: bool) -> list[tuple[int, float]]:
        """Interactions wholly among the low (or wholly among the high) options."""
        inside = self.low_mask if low else ~self.low_mask
        return [(m, t) for m, t in metric.interactions if m & ~inside == 0]

    def _spanning(self, metric: CMetric) -> list[tuple[int, Bools, float]]:
        """Interactions with options on both sides: (high part, low-side presence, term)."""
        out = []
        for mask, term in metric.interactions:
            low_part, high_part = mask & self.low_mask, mask & ~self.low_mask
            if low_part and high_part:
                present = self.idx & np.uint64(low_part) == np.uint64(low_part)
                out.append((high_part, present, term))
        return out

    def _presortable(self) -> bool:
        """Whether one order of the low parts orders every chunk by (benefit, risk).

        It does when merging the chunk's constant is monotone in the low partial value: true
        for noisy-or and sums, but not for max and min (an empty max is 0, above a negative
        term), nor when an interaction reaches across the split.
        """
        axes = (self.c.metrics[self.c.benefit], self.c.metrics[self.c.risk])
        return not any(self.spanning) and all(m.combine in ("noisy_or", "sum") for m in axes)

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

    def _risk_key(self) -> NDArray[Any]:
        """The low partial risk, oriented so that higher is better in every chunk."""
        spec = self.c.metrics[self.c.risk]
        part = self.low_partials[self.c.risk]
        increasing = -part if spec.combine == "noisy_or" else part
        key: NDArray[Any] = increasing if spec.higher else -increasing
        return key

    def _risk_slack(self, chunk: Chunk) -> float:
        """How far apart two risk keys may be and still tie on the grid in this chunk.

        Values tie on the grid only if |v1 - v2| < 1 / SCALE (see values.q). For noisy-or,
        v = 1 - p * c, so partial values p may differ by up to 1 / (SCALE * c). A sum's
        partial values are on the grid already: they tie only when equal.
        """
        if self.c.metrics[self.c.risk].combine != "noisy_or":
            return 0.0
        constant = chunk.constant(self.c.risk)
        return np.inf if constant == 0.0 else 1.0 / (SCALE * constant)

    def low_partial(self, metric: int, prefix: int) -> NDArray[Any]:
        """The low partial table, with the interactions that the prefix completes."""
        spec = self.c.metrics[metric]
        partial = self.low_partials[metric]
        for high_part, present, term in self.spanning[metric]:
            if prefix & high_part == high_part:
                partial = add_term(spec.combine, partial, present, term)
        return partial

    def pattern(self, prefix: int) -> tuple[ir.Node, ...] | None:
        """The rules' residuals given the prefix: chunks with the same pattern have the same
        feasible packages. None when a rule compares a metric (it depends on the chunk)."""
        nodes = tuple(self._residual(i, prefix) for i in range(self.n_rules))
        return nodes if all(self._free(node) for node in nodes) else None

    def outcomes(self, chunk: Chunk) -> tuple[Bools, list[NDArray[np.uint8]]]:
        """Feasibility and the failed-constraint bits of every package of a chunk.

        Failures are gathered in byte planes, plane j holding constraints 8j to 8j + 7: bytes
        are cheap to update, and only feasible packages are ever widened to 64-bit words.
        Feasibility, and per plane the bits of the constraints that compare no metric, are
        computed once per pattern of their residuals and shared by the chunks with it.
        """
        planes = [self._plane(chunk, j) for j in range(self.n_planes)]
        return self._feasibility(chunk), planes

    def _shared(self, plane: int) -> bool:
        """Whether chunks will share the part of a plane that compares no metric: when the
        high bits its constraints look at take fewer values than there are chunks."""
        looked_at = 0
        for i in range(
            self.n_rules + 8 * plane, min(self.n_rules + 8 * plane + 8, len(self.tests))
        ):
            if not ir.has_metric(self.fails[i]):
                looked_at |= self._high_masks[i]
        return 1 << (looked_at >> self.low).bit_count() < self.chunks

    def _plane(self, chunk: Chunk, j: int) -> NDArray[np.uint8]:
        """Byte plane j of a chunk: the bits of its constraints without a metric taken from
        the cache when chunks share them (per pattern of their residuals), then the limits."""
        tests = range(self.n_rules + 8 * j, min(self.n_rules + 8 * j + 8, len(self.tests)))
        if not self._shared_planes[j]:
            return self._planes(chunk, tests, [np.zeros(self.idx.shape, dtype=np.uint8)], j)[0]
        residuals = [self._residual(i, chunk.prefix) for i in tests]
        fixed = [i for i, node in zip(tests, residuals, strict=True) if self._free(node)]
        key = (j, *(node for node in residuals if self._free(node)))
        plane = self._fixed_planes.get(key)
        if plane is None:
            plane = self._planes(chunk, fixed, [np.zeros(self.idx.shape, dtype=np.uint8)], j)[0]
            plane.flags.writeable = False
            _remember(self._fixed_planes, key, plane, self._planes_cached)
        else:
            self._fixed_planes.move_to_end(key)  # least recently used goes first
        metric = [i for i in tests if i not in fixed]
        return self._planes(chunk, metric, [plane.copy()], j)[0] if metric else plane

    def _free(self, node: ir.Node) -> bool:
        """Whether a residual test compares no metric (remembered per node)."""
        free = self._metric_free.get(node)
        if free is None:
            free = self._metric_free[node] = not ir.has_metric(node)
        return free

    def _planes(
        self, chunk: Chunk, tests: Iterable[int], planes: list[NDArray[np.uint8]], first: int = 0
    ) -> list[NDArray[np.uint8]]:
        """`planes` (plane `first` on) with the failure bits of `tests` (constraints) set."""
        shifted = np.empty(self.idx.shape, dtype=np.uint8)
        for i in tests:
            fail = self._fail(i, chunk)
            if fail is None:
                continue
            k = i - self.n_rules
            plane = planes[k // 8 - first]
            if fail.ndim == 0:
                plane |= np.uint8(1 << (k % 8))
            else:
                np.left_shift(fail.view(np.uint8), np.uint8(k % 8), out=shifted)
                np.bitwise_or(plane, shifted, out=plane)
        return planes

    def feasible_index(self, chunk: Chunk) -> Index:
        """Indices of the chunk's feasible packages (once per feasibility pattern)."""
        found = None if chunk.pattern is None else self._feasible_index.get(chunk.pattern)
        if found is None:
            found = np.flatnonzero(chunk.feasible)
            if chunk.pattern is not None:
                found.flags.writeable = False
                _remember(self._feasible_index, chunk.pattern, found)
        return found

    def _feasibility(self, chunk: Chunk) -> Bools:
        """Which packages of the chunk pass every rule (shared by the chunks of a pattern)."""
        key = chunk.pattern
        found = None if key is None else self._feasible.get(key)
        if found is not None:
            return found
        feasible = np.ones(self.idx.shape, dtype=np.bool_)
        for i in range(self.n_rules):
            fail = self._fail(i, chunk)
            if fail is not None:
                np.logical_and(feasible, ~fail, out=feasible)
        feasible.flags.writeable = False
        if key is not None:
            _remember(self._feasible, key, feasible)
        return feasible

    def _fail(self, i: int, chunk: Chunk) -> Bools | None:
        """Which packages of the chunk fail test i (None: none do)."""
        node = self._residual(i, chunk.prefix)
        if isinstance(node, ir.Const):
            return np.array(True) if node.value else None
        if ir.has_metric(node):
            return ir.vector(node, self.idx, chunk.compare)
        table = self._tables.get(node)
        if table is None:
            table = ir.vector(node, self.idx)
            _remember(self._tables, node, table)
        return table

    def _residual(self, i: int, prefix: int) -> ir.Node:
        """The failure test i given the prefix, cached on the high bits it looks at."""
        key = prefix & self._high_masks[i]
        found = self._residuals[i].get(key)
        if found is None:
            found = ir.partial(self.fails[i], prefix, self.low_mask)
            self._residuals[i][key] = found
        return found

    def walk(
        self, progress: Progress | None = None, *, order: Sequence[int] | None = None
    ) -> Iterator[Chunk]:
        """Every chunk (in `order`, default by number), reporting (chunks done, chunks in all)."""
        for done, number in enumerate(range(self.chunks) if order is None else order, start=1):
            yield Chunk(self, number)
            if progress is not None:
                progress(done, self.chunks)

    def by_benefit(self) -> list[int]:
        """Chunk numbers, best benefit from the high options first (then by number).

        Visiting promising chunks first lets the concession search settle sets early.
        """
        spec = self.c.metrics[self.c.benefit]
        constant = self.constants[self.c.benefit]
        increasing = -constant if spec.combine == "noisy_or" else constant
        key = -increasing if spec.higher else increasing
        return [int(n) for n in np.argsort(key, kind="stable")]

    def best_benefit(self, chunk: Chunk, frontier: Index) -> float:
        """The best oriented grid benefit among the chunk's feasible packages (its frontier's).

        A whole number (compared exactly), or minus infinity when there is none.
        """
        if frontier.size == 0:
            return -math.inf
        on_grid = oriented(chunk.q_at(self.c.benefit, frontier), self.c.metrics[self.c.benefit])
        return int(on_grid.max())

    def axes(self, chunk: Chunk, index: Index) -> tuple[Q, Q]:
        """Oriented grid (benefit, risk) of some packages: higher is better on both."""
        c = self.c
        return (
            oriented(chunk.q_at(c.benefit, index), c.metrics[c.benefit]),
            oriented(chunk.q_at(c.risk, index), c.metrics[c.risk]),
        )

    def frontier(self, chunk: Chunk) -> Index:
        """Indices of the chunk's feasible packages that no other of them dominates."""
        candidates = self._frontier_candidates(chunk)
        bq, rq = self.axes(chunk, candidates)
        return candidates[exact_frontier(np.arange(candidates.size), bq, rq)]

    def _frontier_candidates(self, chunk: Chunk) -> Index:
        """Feasible packages that may be on the chunk's frontier (a superset), in benefit order.

        Computed once per feasibility pattern and slack class: a larger slack keeps more
        candidates, so the class's largest slack serves every chunk in it.
        """
        if self._order is None:
            return np.flatnonzero(chunk.feasible)
        slack = self._risk_slack(chunk)
        level: float = slack
        if 0.0 < slack < np.inf:  # noisy-or: classes by powers of two, each at its top
            level = math.ceil(math.log2(slack))
            slack = math.ldexp(1.0, int(level))
        key = (chunk.pattern, level)
        found = None if chunk.pattern is None else self._candidates.get(key)
        if found is None:
            found = self._staircase(chunk.feasible, slack)
            if chunk.pattern is not None:
                _remember(self._candidates, key, found)
        return found

    def _staircase(self, feasible: Bools, slack: float) -> Index:
        """In benefit order, drop a package when an earlier feasible one has a better risk
        by more than `slack`: it is dominated. The rest are candidates, checked exactly."""
        assert self._order is not None
        in_order = feasible[self._order]
        lowest = _lowest(self._sorted_risk.dtype)
        risk = np.where(in_order, self._sorted_risk, lowest)
        best_before = np.empty_like(risk)
        best_before[0] = lowest
        np.maximum.accumulate(risk[:-1], out=best_before[1:])
        if slack:
            best_before = best_before - slack
        found: Index = self._order[np.flatnonzero(in_order & (risk >= best_before))]
        return found


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int = CACHE_TABLES) -> None:
    """Keep `value` under `key`, forgetting the oldest entry past `size` entries."""
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


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
    before = np.concatenate(([_lowest(r.dtype)], best[starts[1:] - 1]))[group]
    keep = (r == r[starts][group]) & (r > before)
    kept: Index = index[keep]
    return kept


def oriented(on_grid: Q, metric: CMetric) -> Q:
    """Grid values, negated when lower is better (so that higher is better)."""
    return on_grid if metric.higher else -on_grid


def _lowest(dtype: np.dtype[Any]) -> Any:
    """Below every value of the dtype that a key can hold."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


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
