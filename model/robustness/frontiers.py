"""How the frontier moves across draws: the exact frontier of each of the first draws.

A draw's frontier is `evaluate`'s frontier of the scenario with that draw's numbers: the
feasible packages no other dominates on the grid values of (benefit, risk), ties kept. Each
chunk of packages gives, per draw, the few packages no other of the chunk dominates
(vectorised over the chunk's packages and the draws at once); the frontier of a draw is the
frontier of those candidates. Only the first `frontier_draws` draws are followed (a cloud of a
few hundred frontiers shows how the line moves; every package of every draw is sorted, so the
cost is bounded by FRONTIER_CELLS), and the same draws whatever `--jobs` splits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import CompiledScenario
from ..exact.enumerate import exact_frontier
from ..exact.values import Q
from .batch import Bools, Index, Statics, Verdicts, constraint_words

#: At most this many draws are followed.
FRONTIER_DRAWS = 200
#: At most this many (package, draw) cells are sorted for the cloud, whatever the scenario.
FRONTIER_CELLS = 1 << 24
#: Fewer draws than this and the cloud says little: none is drawn (see `frontier_draws`).
FEWEST = 8
_LOWEST = np.iinfo(np.int64).min


def frontier_draws(compiled: CompiledScenario, samples: int) -> int:
    """How many of the first draws have their frontier followed (0: none)."""
    draws = min(samples, FRONTIER_DRAWS, FRONTIER_CELLS >> compiled.n)
    return draws if draws >= min(samples, FEWEST) else 0


@dataclass
class Fronts:
    """Per followed draw, the candidates for its frontier, gathered chunk by chunk.

    `offset` is the global number of this run's first draw (a process of `--jobs` takes a
    run of draws), so that the draws followed are the first ones of the whole pass.
    """

    compiled: CompiledScenario
    draws: int  # draws followed, counted from the first of the whole pass
    offset: int = 0
    parts: list[tuple[Index, NDArray[np.int64], Q, Q, Bools, Bools]] = field(default_factory=list)
    hard: tuple[np.uint64, ...] = field(init=False)  # failure words of blocking constraints

    def __post_init__(self) -> None:
        self.hard = constraint_words(self.compiled, lambda test: test.hard)

    def add(self, chunk: Statics, v: Verdicts, start: int) -> None:
        """The candidates of one chunk under the batch starting at (local) draw `start`."""
        first = self.offset + start
        take = min(v.shape[1], self.draws - first)
        if take <= 0 or chunk.rows.size == 0:
            return
        b, r = (
            _oriented(self.compiled, m, v.q(m)[:, :take])
            for m in (self.compiled.benefit, self.compiled.risk)
        )
        feasible = np.broadcast_to(v.feasible, v.shape)[:, :take]
        rows, draw = np.nonzero(column_front(b, r, feasible))
        held = np.zeros(rows.size, dtype=np.bool_)
        failed = np.zeros(rows.size, dtype=np.bool_)
        for w, mask in zip(v.words, self.hard, strict=True):
            cell = w[rows, draw]
            failed |= cell != 0
            held |= (cell & mask) != 0
        masks = chunk.masks[rows].astype(np.int64)
        self.parts.append(
            (first + draw, masks, b[rows, draw], r[rows, draw], ~failed, failed & ~held)
        )

    def absorb(self, other: Fronts) -> None:
        """Add the candidates of another run of draws."""
        self.parts += other.parts

    def frontiers(self) -> Frontiers:
        """Each followed draw's frontier: packages, oriented grid axes, status."""
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            none = np.zeros(0, dtype=np.bool_)
            return Frontiers(self.draws, empty, empty, empty, empty, none, none)
        draw, masks, b, r, ok, limits = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        order = np.argsort(draw, kind="stable")
        draw, masks, b, r, ok, limits = (x[order] for x in (draw, masks, b, r, ok, limits))
        edges = np.flatnonzero(np.diff(draw)) + 1
        keep = np.concatenate(
            [
                start + exact_frontier(np.arange(stop - start), b[start:stop], r[start:stop])
                for start, stop in zip(
                    np.concatenate(([0], edges)), np.append(edges, draw.size), strict=True
                )
            ]
        )
        keep.sort()
        return Frontiers(
            self.draws, draw[keep], masks[keep], b[keep], r[keep], ok[keep], limits[keep]
        )


@dataclass(frozen=True, eq=False)
class Frontiers:
    """The frontier of each followed draw, as one row per (draw, frontier package)."""

    draws: int
    draw: NDArray[np.int64]
    masks: NDArray[np.int64]  # internal masks
    benefit: Q  # oriented grid values: higher is better
    risk: Q
    acceptable: Bools
    tradeoff: Bools  # held back only by limits (fails no veto, demand or condition)


def column_front(b: Q, r: Q, feasible: Bools) -> Bools:
    """Per column (draw), the feasible rows no other feasible row of it dominates (higher is
    better on both, ties kept): `exact_frontier` for every column at once."""
    b = np.where(feasible, b, _LOWEST)
    r = np.where(feasible, r, _LOWEST)
    order = np.lexsort((r, b), axis=0)[::-1]  # benefit, then risk, best first
    bs, rs = np.take_along_axis(b, order, axis=0), np.take_along_axis(r, order, axis=0)
    rows = np.arange(bs.shape[0])[:, None]
    start = np.ones(bs.shape, dtype=np.bool_)
    start[1:] = bs[1:] != bs[:-1]
    first = np.maximum.accumulate(np.where(start, rows, 0), axis=0)  # each run's first row
    best = np.maximum.accumulate(rs, axis=0)
    before = np.full(bs.shape, _LOWEST, dtype=np.int64)
    before[1:] = best[:-1]
    columns = np.arange(bs.shape[1])[None, :]
    keep = (rs == rs[first, columns]) & (rs > before[first, columns])
    out = np.zeros(b.shape, dtype=np.bool_)
    np.put_along_axis(out, order, keep, axis=0)
    return out & feasible


def _oriented(compiled: CompiledScenario, m: int, q: Q) -> Q:
    """Grid values, negated when lower is better."""
    return q if compiled.metrics[m].higher else -q
