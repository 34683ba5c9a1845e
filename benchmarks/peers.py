"""This project against what a user would otherwise write, side by side on the same scenarios.

    python benchmarks/peers.py                   # 12, 16, 20 options; then 60, 100, 200
    python benchmarks/peers.py --small 20 --large 200 --seeds 3 --repeat 3

Scenarios come from benchmarks/generate.py (8 actors), several per size (`--seeds`, 5 by
default: seeds 0, 1, ...): one random scenario says little, and CP-SAT's time to list every
acceptable package grows with how many there are (about a millisecond each here), which
differs tenfold between seeds, where ours hardly moves. Every row names its seed and the
number of acceptable packages; a median row per size gives the median of each speed-up.

At enumeration sizes: the whole `guarantees evaluate FILE` (every report), a pure-Python
enumeration (pure_python.py), python-constraint listing every acceptable package (one
constraint over all options, checked in plain Python), and OR-Tools CP-SAT listing every
acceptable package (enumerate_all_solutions, one worker, as CP-SAT requires for it; each
solution's options read back, as a user listing them would). Each peer's count of acceptable
packages is checked against ours, and a difference is shown in the row.

At large sizes, the best acceptable package two ways, each against CP-SAT asked the same:
- the best benefit alone: our engine's first stage (`Searcher.at_top`, where the benefit
  can reach 1 on the grid, else `Searcher.best_value`) against CP-SAT maximising the benefit
  (one solve);
- the whole ranking (benefit on the grid, then risk, then fewest options; ours also breaks
  the remaining ties by file order): `optimise(best=1)` against CP-SAT solving benefit, risk
  and size lexicographically (three solves, each hinted with the last package);
the two answers' rank keys are compared in the row. Then, for the first seed only, this
project's whole frontier, smallest concession and whole `guarantees evaluate FILE`.

Every figure is measured twice: as a whole child process (benchmarks/child.py: wall time,
Python start-up and imports included: about 0.5 s for us, SciPy's import 0.37 s of it, and
OR-Tools' import for CP-SAT), and in-process: the library call alone, timed in a child after
its imports and one warm-up call (each call loads the YAML file: the same loader for every
peer). Medians of --repeat runs (pure Python and python-constraint: one run; a run past 10 s
once).

CP-SAT works on integers: noisy-or metrics enter as log(1 - t) scaled by 10^6 and rounded,
sums on their grid; so its optimum may differ from the exact one in the last digits (the
agreement column shows it). The benchmark extras (`pip install ".[bench]"`) are never
runtime dependencies.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from child import measure

from guarantees.model.exact import ir

HERE = Path(__file__).resolve().parent
ME = str(Path(__file__).resolve())
LOG_UNITS = 1e6


class CpScenario:
    """A CP-SAT model of the scenario's acceptable packages: option booleans, every rule and
    constraint enforced (each expression node a reified boolean)."""

    def __init__(self, path: str) -> None:
        from ortools.sat.python import cp_model as cp

        from guarantees.model import load
        from guarantees.model.exact.compile import compile_scenario

        self.cp = cp
        self.c = compile_scenario(load(path))
        self.model = cp.CpModel()
        self.x = [self.model.NewBoolVar(f"x{b}") for b in range(self.c.n)]
        for test in self.c.rules + self.c.constraints:
            self.model.Add(self.node(test.ok) == 1)

    def present(self, mask: int) -> Any:
        """A boolean: every option of the mask is in the package."""
        members = [self.x[b] for b in range(self.c.n) if mask >> b & 1]
        if len(members) == 1:
            return members[0]
        z = self.model.NewBoolVar("")
        self.model.AddMinEquality(z, members)
        return z

    def terms(self, m: int) -> list[tuple[int, int]]:
        """The metric's integer terms, (options that must all be present, coefficient): a sum
        on its grid, a noisy-or as -log(1 - t) times LOG_UNITS, rounded; both grow with the
        metric's value."""
        metric = self.c.metrics[m]
        n = self.c.n
        terms = [(1 << b, metric.term(b)) for b in range(n) if not math.isnan(metric.terms[b])]
        terms += list(metric.interactions)
        if metric.combine == "noisy_or":
            return [
                (k, round(-math.log1p(-min(float(t), 1 - 1e-12)) * LOG_UNITS)) for k, t in terms
            ]
        return [(k, int(t)) for k, t in terms]

    def metric_expr(self, m: int) -> Any:
        """The metric as an integer expression (see `terms`)."""
        return sum(a * self.present(k) for k, a in self.terms(m))

    def metric_int(self, m: int, mask: int) -> int:
        """The value of `metric_expr` for a package."""
        return sum(a for k, a in self.terms(m) if mask & k == k)

    def threshold(self, m: int, g: int) -> int:
        """The integer value of `metric_expr` from which the grid value is at least g."""
        if self.c.metrics[m].combine == "noisy_or":
            theta = min(max((g - 0.5) / 1e9, 0.0), 1 - 1e-12)
            return math.ceil(-math.log1p(-theta) * LOG_UNITS)
        return g

    def at_least(self, m: int, g: int) -> Any:
        """A boolean: the metric's grid value is at least g."""
        z = self.model.NewBoolVar("")
        e, t = self.metric_expr(m), self.threshold(m, g)
        self.model.Add(e >= t).OnlyEnforceIf(z)
        self.model.Add(e < t).OnlyEnforceIf(z.Not())
        return z

    def node(self, n: ir.Node) -> Any:
        """A boolean equal to the expression node's truth."""
        x, model = self.x, self.model
        match n:
            case ir.Const(value):
                return model.NewConstant(int(value))
            case ir.Has(mask):
                z = model.NewBoolVar("")
                model.AddMaxEquality(z, [x[b] for b in range(self.c.n) if mask >> b & 1])
                return z
            case ir.CountCmp(mask, op, k):
                z = model.NewBoolVar("")
                count = sum(x[b] for b in range(self.c.n) if mask >> b & 1)
                ok = {"<=": count <= math.floor(k), ">=": count >= math.ceil(k)}.get(op)
                if ok is None:
                    raise NotImplementedError(op)
                model.Add(ok).OnlyEnforceIf(z)
                bad = {"<=": count > math.floor(k), ">=": count < math.ceil(k)}[op]
                model.Add(bad).OnlyEnforceIf(z.Not())
                return z
            case ir.MetricCmp(m, op, g):
                if op == ">=":
                    return self.at_least(m, g)
                if op == "<=":
                    return self.at_least(m, g + 1).Not()
                raise NotImplementedError(op)
            case ir.Not(operand):
                return self.node(operand).Not()
            case ir.All(items):
                z = model.NewBoolVar("")
                model.AddMinEquality(z, [self.node(i) for i in items])
                return z
            case ir.Any_(items):
                z = model.NewBoolVar("")
                model.AddMaxEquality(z, [self.node(i) for i in items])
                return z
        raise NotImplementedError(repr(n))

    def better(self, m: int) -> Any:
        """An expression that grows as the metric gets better."""
        sign = 1 if self.c.metrics[m].higher else -1
        return sign * self.metric_expr(m)

    def no_worse(self, m: int, mask: int) -> None:
        """Require the metric to be no worse than in package `mask` on the grid: at or past
        the threshold of its grid value, or of its own integer value when the rounding of
        the terms puts it on the other side (so that the package itself stays allowed)."""
        from guarantees.model.optimise.judge import Judged

        judged = Judged(self.c, mask).oriented(m)
        own, e = self.metric_int(m, mask), self.metric_expr(m)
        if self.c.metrics[m].higher:
            self.model.Add(e >= min(self.threshold(m, judged), own))
        else:  # value <= -judged on the grid: below the threshold of one step more
            self.model.Add(e <= max(self.threshold(m, -judged + 1) - 1, own))

    def maximise(self, objective: Any, hint: int | None = None) -> int | None:
        """The package that maximises the objective (two workers); None if there is none."""
        self.model.Maximize(objective)
        self.model.ClearHints()
        if hint is not None:
            for b, v in enumerate(self.x):
                self.model.AddHint(v, hint >> b & 1)
        solver = self.cp.CpSolver()
        solver.parameters.num_workers = 2
        if solver.Solve(self.model) not in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return None
        return sum(1 << b for b, v in enumerate(self.x) if solver.Value(v))


def run_cpsat_all(path: str) -> str:
    """CP-SAT listing every acceptable package."""
    s = CpScenario(path)
    cp = s.cp
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.enumerate_all_solutions = True

    class Listing(cp.CpSolverSolutionCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.packages: list[int] = []

        def on_solution_callback(self) -> None:
            self.packages.append(sum(1 << b for b, v in enumerate(s.x) if self.Value(v)))

    listing = Listing()
    solver.Solve(s.model, listing)
    return f"{len(set(listing.packages))} acceptable"


def run_cpsat_benefit(path: str) -> str:
    """CP-SAT maximising the benefit's integer form: one solve."""
    s = CpScenario(path)
    return _key(s.c, s.maximise(s.better(s.c.benefit)), benefit_only=True)


def run_cpsat_rank(path: str) -> str:
    """CP-SAT on our ranking, lexicographically: the best benefit, then the best risk at that
    benefit on the grid, then the fewest options (`no_worse` keeps each stage's grid value);
    ties after that are left as CP-SAT finds them."""
    s = CpScenario(path)
    mask = s.maximise(s.better(s.c.benefit))
    if mask is None:
        return _key(s.c, None)
    s.no_worse(s.c.benefit, mask)
    mask = s.maximise(s.better(s.c.risk), hint=mask)
    assert mask is not None
    s.no_worse(s.c.risk, mask)
    return _key(s.c, s.maximise(-sum(s.x), hint=mask))


def run_constraint(path: str) -> str:
    """python-constraint: every acceptable package, one n-ary constraint checked in Python."""
    import constraint  # python-constraint

    from guarantees.model import load
    from guarantees.model.exact.compile import compile_scenario
    from guarantees.model.optimise.judge import Judged

    c = compile_scenario(load(path))
    problem = constraint.Problem()
    names = [f"x{b}" for b in range(c.n)]
    problem.addVariables(names, [0, 1])

    def acceptable(*bits: int) -> bool:
        return Judged(c, sum(bit << b for b, bit in enumerate(bits))).acceptable

    problem.addConstraint(constraint.FunctionConstraint(acceptable), names)
    return f"{len(problem.getSolutions())} acceptable"


def run_ours_best(path: str) -> str:
    """The optimisation engine's best acceptable package under the whole ranking."""
    from guarantees.model import load
    from guarantees.model.exact.compile import compile_scenario
    from guarantees.model.optimise.evaluate import optimise

    scenario = load(path)
    r = optimise(scenario, best=1, frontier=False, concession=False, blockers=False)
    c = compile_scenario(scenario)
    return _key(c, c.internal_mask(r.best[0].options) if r.best else None)


def run_ours_benefit(path: str) -> str:
    """The optimisation engine's best benefit over acceptable packages (its first stage)."""
    from guarantees.model import load
    from guarantees.model.exact.compile import compile_scenario
    from guarantees.model.optimise.encode import Encoding
    from guarantees.model.optimise.search import Searcher
    from guarantees.model.optimise.solver import Model

    c = compile_scenario(load(path))
    s = Searcher(Encoding(c, Model()))
    acceptable = s.keep(s.rules(), list(range(len(c.constraints))))
    found = s.at_top(acceptable, c.benefit) or s.best_value(acceptable, c.benefit)
    return _key(c, None if found is None else found[1].mask, benefit_only=True)


def run_ours_evaluate(path: str) -> str:
    """The enumeration engine's whole evaluation (every report's data), as a library call."""
    from guarantees.model import load
    from guarantees.model.exact.evaluate import evaluate

    return f"{evaluate(load(path)).counts.acceptable} acceptable"


def run_ours_frontier(path: str) -> str:
    """The optimisation engine's whole frontier (nothing else)."""
    from guarantees.model import load
    from guarantees.model.optimise.evaluate import optimise

    r = optimise(load(path), best=0, points=None, concession=False, blockers=False)
    assert r.frontier is not None
    return f"{len(r.frontier)} points, complete: {r.frontier_complete}"


def run_ours_concession(path: str) -> str:
    """The optimisation engine's smallest concession (nothing else)."""
    from guarantees.model import load
    from guarantees.model.optimise.evaluate import optimise

    r = optimise(load(path), best=0, frontier=False, concessions=1, blockers=False)
    c = r.smallest_concession
    return "none" if c is None else f"{len(c.constraints)} constraint(s), shift {c.shift}"


def _key(c: Any, mask: int | None, *, benefit_only: bool = False) -> str:
    """A package's rank key on the grid, read exactly (to compare peers' answers): the
    oriented benefit, and unless `benefit_only` the oriented risk and the size."""
    from guarantees.model.optimise.judge import Judged

    if mask is None:
        return "none"
    j = Judged(c, mask)
    if benefit_only:
        return f"benefit {j.oriented(c.benefit)}"
    return f"benefit {j.oriented(c.benefit)}, risk {j.oriented(c.risk)}, {mask.bit_count()} options"


RUNS: dict[str, Callable[[str], str]] = {
    "cpsat-all": run_cpsat_all,
    "cpsat-benefit": run_cpsat_benefit,
    "cpsat-rank": run_cpsat_rank,
    "constraint": run_constraint,
    "ours-best": run_ours_best,
    "ours-benefit": run_ours_benefit,
    "ours-evaluate": run_ours_evaluate,
    "ours-frontier": run_ours_frontier,
    "ours-concession": run_ours_concession,
}


def inproc(kind: str, path: str, repeats: int) -> None:
    """Time one peer in this process after its imports and one warm-up call: the median of
    `repeats` calls (each loads the file: loading is the same code for every peer)."""
    import time

    run = RUNS[kind]
    answer = run(path)  # imports, and a first call
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(path)
        times.append(time.perf_counter() - start)
        if times[-1] > 10:
            break  # long runs once
    print(f"{statistics.median(times):.4f} {answer}")


def one(kind: str, path: str) -> None:
    """Run one peer on one file in this process (the parent times it)."""
    print(RUNS[kind](path))


@dataclass(frozen=True)
class Cell:
    """One figure: its text, its seconds (None: failed or timed out) and the run's answer."""

    text: str
    seconds: float | None = None
    answer: str = ""


def cell(command: list[str], timeout: float, repeats: int = 1) -> Cell:
    """The median wall time of `repeats` runs of a whole process (start-up included)."""
    walls = []
    answer = ""
    for _ in range(repeats):
        out = measure(command, timeout)
        if out.status is None:
            return Cell(f"> {timeout:.0f} s")
        if out.status != 0:
            return Cell("failed: " + out.stderr.strip().splitlines()[-1][:60])
        walls.append(out.wall)
        answer = out.stdout.strip()
        if out.wall > 10:
            break  # long runs once
    wall = statistics.median(walls)
    return Cell(f"{wall:.2f} s", wall, answer)


def in_cell(kind: str, path: str, timeout: float, repeats: int) -> Cell:
    """The median time of the library call alone, in a child process after its imports."""
    out = measure(
        [sys.executable, ME, "--inproc", kind, path, str(repeats)], timeout * (repeats + 1)
    )
    if out.status is None:
        return Cell(f"> {timeout:.0f} s")
    if out.status != 0:
        return Cell("failed: " + out.stderr.strip().splitlines()[-1][:60])
    seconds, _, answer = out.stdout.strip().partition(" ")
    return Cell(f"{float(seconds):.3f} s", float(seconds), answer)


def speedup(mine: Cell, theirs: Cell) -> float | None:
    """How many times faster mine is than theirs (None when either has no time)."""
    if mine.seconds is None or theirs.seconds is None or mine.seconds <= 0:
        return None
    return theirs.seconds / mine.seconds


def times(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}x"


def median_of(values: list[float | None]) -> str:
    """The median of the speed-ups that were measured, with how many."""
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.1f}x" if known else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, nargs="*", default=[12, 16, 20])
    parser.add_argument("--large", type=int, nargs="*", default=[60, 100, 200])
    parser.add_argument("--seeds", type=int, default=5, help="scenarios per size (seeds 0...)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--inproc", nargs=3, metavar=("KIND", "FILE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    if args.inproc:
        inproc(args.inproc[0], args.inproc[1], int(args.inproc[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        if args.small:
            _small(args, Path(folder))
        if args.large:
            _large(args, Path(folder))


def _small(args: argparse.Namespace, folder: Path) -> None:
    """Enumeration sizes: the whole evaluate against the peers listing every package."""
    py, t, k = sys.executable, args.timeout, args.repeat
    guarantees = [str(Path(py).parent / "guarantees")]
    print(f"Whole processes (wall, start-up included; median of {k}) | in-process (the call")
    print(f"alone, after imports and a warm-up; median of {k}):")
    print()
    print(
        "| options | seed | acceptable | guarantees evaluate | pure Python | python-constraint "
        "| CP-SAT (all) | evaluate() in-process | python-constraint in-process "
        "| CP-SAT (all) in-process | speed-up vs python-constraint (process / in-process) "
        "| speed-up vs CP-SAT (process / in-process) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.small:
        ratios: list[list[float | None]] = [[], [], [], []]
        for seed in range(args.seeds):
            path = str(generate.write(n, folder / str(seed), seed))
            ours = cell([*guarantees, "evaluate", path], t, k)
            pure = cell([py, str(HERE / "pure_python.py"), path], t, 1)
            pc = cell([py, ME, "--one", "constraint", path], t, 1)
            cp = cell([py, ME, "--one", "cpsat-all", path], t, k)
            ours_in = in_cell("ours-evaluate", path, t, k)
            pc_in = in_cell("constraint", path, t, 1)
            cp_in = in_cell("cpsat-all", path, t, k)
            pairs = [(ours, pc), (ours_in, pc_in), (ours, cp), (ours_in, cp_in)]
            found = [speedup(mine, theirs) for mine, theirs in pairs]
            for column, value in zip(ratios, found, strict=True):
                column.append(value)
            cells = [str(seed), _counted(ours_in, pc_in, cp_in)]
            cells += [c.text for c in (ours, pure, pc, cp, ours_in, pc_in, cp_in)]
            cells.append(f"{times(found[0])} / {times(found[1])}")
            cells.append(f"{times(found[2])} / {times(found[3])}")
            print(f"| {n} | " + " | ".join(cells) + " |", flush=True)
        middle = [median_of(column) for column in ratios]
        blank = " | " * 8
        print(f"| {n} | median |{blank}| {middle[0]} / {middle[1]} | {middle[2]} / {middle[3]} |")
    print()


def _counted(ours: Cell, *peers: Cell) -> str:
    """Our count of acceptable packages, and any peer's that differs from it."""
    count = ours.answer.split(" ")[0]
    other = [p.answer.split(" ")[0] for p in peers if p.answer and p.answer != ours.answer]
    return count + "".join(f" (a peer: {o}!)" for o in other)


def _large(args: argparse.Namespace, folder: Path) -> None:
    """Large sizes: the best package against CP-SAT asked the same; frontier and concession."""
    py, t, k = sys.executable, args.timeout, args.repeat
    print(
        "Best acceptable package. Benefit alone: our engine's first stage against CP-SAT "
        "maximising the benefit. Whole ranking: `optimise(best=1)` against CP-SAT solving "
        "benefit, risk and size in turn. Whole processes, then in-process:"
    )
    print()
    print(
        "| options | seed | answer (benefit, risk oriented: higher is better) | ours, ranking "
        "| CP-SAT, ranking | ours, benefit in-process | CP-SAT, benefit in-process "
        "| ours, ranking in-process | CP-SAT, ranking in-process | speed-up, benefit / ranking "
        "(in-process) | speed-up, ranking (process) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.large:
        ratios: list[list[float | None]] = [[], [], []]
        for seed in range(args.seeds):
            path = str(generate.write(n, folder / str(seed), seed))
            whole = [
                cell([py, ME, "--one", kind, path], t, k) for kind in ("ours-best", "cpsat-rank")
            ]
            kinds = ("ours-benefit", "cpsat-benefit", "ours-best", "cpsat-rank")
            inner = [in_cell(kind, path, t, k) for kind in kinds]
            found = [speedup(inner[0], inner[1]), speedup(inner[2], inner[3])]
            found.append(speedup(whole[0], whole[1]))
            for column, value in zip(ratios, found, strict=True):
                column.append(value)
            cells = [str(seed), _agreed(inner)]
            cells += [c.text for c in (*whole, *inner)]
            cells += [f"{times(found[0])} / {times(found[1])}", times(found[2])]
            print(f"| {n} | " + " | ".join(cells) + " |", flush=True)
        middle = [median_of(column) for column in ratios]
        blank = " | " * 7
        print(f"| {n} | median |{blank}| {middle[0]} / {middle[1]} | {middle[2]} |")
    print()
    _large_rest(args, folder)


def _agreed(inner: list[Cell]) -> str:
    """Our answers, and CP-SAT's where they differ (CP-SAT's log form is rounded)."""
    ours_benefit, cp_benefit, ours_rank, cp_rank = (c.answer for c in inner)
    text = ours_rank
    if cp_rank != ours_rank:
        text += f"; CP-SAT: {cp_rank}"
    if cp_benefit != ours_benefit:
        text += f"; benefit alone, ours {ours_benefit}, CP-SAT {cp_benefit}"
    return text


def _large_rest(args: argparse.Namespace, folder: Path) -> None:
    """The other large-size targets, on the first seed's scenarios."""
    py, t, k = sys.executable, args.timeout, args.repeat
    print("The first seed's scenarios: the rest of the optimisation engine's answers:")
    print()
    print(
        "| options | whole frontier in-process | smallest concession in-process "
        "| guarantees evaluate |"
    )
    print("|---|---|---|---|")
    for n in args.large:
        path = str(generate.write(n, folder / "0", 0))
        frontier = in_cell("ours-frontier", path, t, 1)
        concession = in_cell("ours-concession", path, t, k)
        whole = cell([str(Path(py).parent / "guarantees"), "evaluate", path], t, 1)
        cells = [f"{frontier.text} ({frontier.answer})", f"{concession.text} ({concession.answer})"]
        print(f"| {n} | " + " | ".join([*cells, whole.text]) + " |", flush=True)


if __name__ == "__main__":
    main()
