"""A small MILP model (variables, sparse rows) solved by scipy.optimize.milp (HiGHS).

Tolerances (`TOLERANCE`): `milp` documents only a few options and passes any other to HiGHS
verbatim (with a RuntimeWarning, silenced here for those keys): the primal feasibility
tolerance is tightened from HiGHS's default (1e-7) to 1e-9, so that rows resolve thresholds
finely; the integrality tolerance stays at HiGHS's 1e-6 (at 1e-9 HiGHS returned a wrong
optimum on a shipped scenario), so a binary may sit 1e-6 from 0 or 1 and a proposal may be
off by that much: the exact check catches it. The relative MIP gap is 0 (HiGHS's default is
1e-4) and the absolute one 1e-9 (default 1e-6), so that an optimum is an optimum and its dual
bound often proves it (search.py). The encoding
leaves a margin on every threshold (encode.py), so an exact 0/1 package that meets a test also
meets its rows; a package the solver returns is rounded to 0/1 and checked exactly (search.py).
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from ..errors import GuaranteesError

#: Stated solver tolerances (HiGHS defaults; scipy passes no other) and the relative gap used.
TOLERANCE = {
    "primal_feasibility_tolerance": 1e-9,
    "mip_feasibility_tolerance": 1e-6,  # HiGHS's default: at 1e-9 it returned wrong optima
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 1e-9,
}
#: HiGHS's presolve is off: on a knapsack row whose excluded combination lay 1e-9 (relative)
#: past its bound it fixed a variable wrongly and returned a wrong optimum as proven
#: (tests/unit/optimise). Without it a proposal may be slightly infeasible: the check rejects it.
PRESOLVE = False

Row = dict[int, float]


class SolverError(GuaranteesError):
    """The MILP solver stopped without an answer (time limit, numerical trouble)."""


@dataclass
class Stats:
    """How much solving a search did, for reports and benchmarks."""

    solves: int = 0
    seconds: float = 0.0
    rejected: int = 0  # proposals the exact check turned down


@dataclass
class Model:
    """Variables with bounds and integrality, and rows lb <= a.x <= ub."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[tuple[Row, float, float]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    time_limit: float | None = None

    def var(self, lower: float = 0.0, upper: float = 1.0, *, integer: bool = True) -> int:
        """A new variable (binary by default); its index."""
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.lower) - 1

    def row(self, coeffs: Row, lower: float = -np.inf, upper: float = np.inf) -> None:
        """Add lower <= sum(coeffs[v] * v) <= upper."""
        self.rows.append((coeffs, lower, upper))

    def solve(
        self,
        objective: Row,
        extra: list[tuple[Row, float, float]] | None = None,
        fixed: dict[int, float] | None = None,
    ) -> Solution | None:
        """Minimise the objective under every row (and `extra` rows, `fixed` values).

        None when infeasible; raises SolverError when HiGHS stops without a verdict.
        """
        rows = self.rows + (extra or [])
        n = len(self.lower)
        lower, upper = np.array(self.lower), np.array(self.upper)
        for v, value in (fixed or {}).items():
            if not lower[v] <= value <= upper[v]:
                return None  # a constant indicator asked to take the other value
            lower[v] = upper[v] = value
        c = np.zeros(n)
        for v, a in objective.items():
            c[v] += a
        constraints = _matrix(rows, n) if rows else None
        options: dict[str, float | bool] = {**TOLERANCE, "presolve": PRESOLVE}
        if self.time_limit is not None:
            options["time_limit"] = self.time_limit
        start = time.perf_counter()
        with warnings.catch_warnings(), _quiet_stdout():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            result = milp(
                c,
                integrality=np.array(self.integer),
                bounds=Bounds(lower, upper),
                constraints=constraints,
                options=options,
            )
        self.stats.solves += 1
        self.stats.seconds += time.perf_counter() - start
        if result.status == 2:
            return None
        if result.status != 0 or result.x is None:
            raise SolverError(f"the MILP solver stopped without an answer: {result.message}")
        bound = -np.inf if result.mip_dual_bound is None else float(result.mip_dual_bound)
        return Solution(np.asarray(result.x), float(result.fun), bound)


@dataclass(frozen=True)
class Solution:
    """Variable values and the objective's value."""

    x: NDArray[np.float64]
    objective: float
    bound: float  # the solver's proven lower bound on the objective (its dual bound)

    def bit(self, v: int) -> bool:
        """A binary variable's value, rounded."""
        return bool(self.x[v] > 0.5)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS runs: some builds print debugging lines there
    ("HighsMipSolverData::..."), which would corrupt a JSON document on stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _matrix(rows: list[tuple[Row, float, float]], n: int) -> LinearConstraint:
    """Rows as one sparse LinearConstraint."""
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for coeffs, _, _ in rows:
        cols.extend(coeffs)
        data.extend(coeffs.values())
        indptr.append(len(cols))
    matrix = csr_array((data, cols, indptr), shape=(len(rows), n))
    lows = np.array([lo for _, lo, _ in rows])
    highs = np.array([hi for _, _, hi in rows])
    return LinearConstraint(matrix, lows, highs)
