"""This project against what a user would otherwise write, side by side on the same scenarios.

    python benchmarks/peers.py                   # 12, 16, 20 options; then 60, 100, 200
    python benchmarks/peers.py --small 12 --large 60 --timeout 60 --repeat 1

Scenarios come from benchmarks/generate.py (8 actors). At enumeration sizes: the whole
`guarantees evaluate FILE` (every report), a pure-Python enumeration (pure_python.py),
python-constraint listing every acceptable package (one constraint over all options, checked
in plain Python), and OR-Tools CP-SAT listing every acceptable package (enumerate_all_solutions,
one worker, as CP-SAT requires for it). At large sizes: the best acceptable package by this
project's optimisation engine (`optimise(best=1)`, frontier, concession and blockers off)
against CP-SAT maximising the same benefit (two workers); then this project's whole frontier,
smallest concession and whole `guarantees evaluate FILE`.

Every figure is measured twice: as a whole child process (benchmarks/child.py: wall time,
Python start-up and imports included: about 0.5 s for us, SciPy's import 0.37 s of it, and
OR-Tools' import for CP-SAT), and in-process: the library call alone, timed in a child after
its imports and one warm-up call (each call loads the YAML file: the same loader for every
peer). Medians of --repeat runs (pure Python and python-constraint: one run).

CP-SAT works on integers: noisy-or metrics enter as log(1 - t) scaled by 10^6 and rounded,
sums on their grid; so its optimum may differ from the exact one in the last digits. Its
optimisation maximises the benefit's log form only; this project's best package is the
first by the whole rank key (benefit on the grid, then risk, then fewest options, then file
order), which takes more solver calls. The benchmark extras (`pip install ".[bench]"`) are
never runtime dependencies.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from child import measure

HERE = Path(__file__).resolve().parent
LOG_UNITS = 1e6


def cp_model(path: str, *, everything: bool) -> tuple[Any, Any, list[Any]]:  # noqa: PLR0915
    """A CP-SAT model of the scenario's acceptable packages (and, unless `everything`, a
    benefit objective): option booleans, every rule and constraint enforced."""
    from ortools.sat.python import cp_model as cp

    from guarantees.model import load
    from guarantees.model.exact import ir
    from guarantees.model.exact.compile import compile_scenario

    c = compile_scenario(load(path))
    model = cp.CpModel()
    x = [model.NewBoolVar(f"x{b}") for b in range(c.n)]

    def present(mask: int) -> Any:
        members = [x[b] for b in range(c.n) if mask >> b & 1]
        if len(members) == 1:
            return members[0]
        z = model.NewBoolVar("")
        model.AddMinEquality(z, members)
        return z

    def metric_expr(m: int) -> Any:
        metric = c.metrics[m]
        terms = [(x[b], metric.term(b)) for b in range(c.n) if not math.isnan(metric.terms[b])]
        terms += [(present(mask), t) for mask, t in metric.interactions]
        if metric.combine == "noisy_or":
            scaled = [(v, -math.log1p(-min(float(t), 1 - 1e-12)) * LOG_UNITS) for v, t in terms]
            return sum(round(a) * v for v, a in scaled)
        return sum(int(t) * v for v, t in terms)

    def at_least(m: int, g: int) -> Any:
        metric = c.metrics[m]
        z = model.NewBoolVar("")
        if metric.combine == "noisy_or":
            theta = min(max((g - 0.5) / 1e9, 0.0), 1 - 1e-12)
            t = math.ceil(-math.log1p(-theta) * LOG_UNITS)
        else:
            t = g
        e = metric_expr(m)
        model.Add(e >= t).OnlyEnforceIf(z)
        model.Add(e < t).OnlyEnforceIf(z.Not())
        return z

    def node(n: ir.Node) -> Any:
        match n:
            case ir.Const(value):
                return model.NewConstant(int(value))
            case ir.Has(mask):
                z = model.NewBoolVar("")
                model.AddMaxEquality(z, [x[b] for b in range(c.n) if mask >> b & 1])
                return z
            case ir.CountCmp(mask, op, k):
                z = model.NewBoolVar("")
                count = sum(x[b] for b in range(c.n) if mask >> b & 1)
                ok = {"<=": count <= math.floor(k), ">=": count >= math.ceil(k)}.get(op)
                if ok is None:
                    raise NotImplementedError(op)
                model.Add(ok).OnlyEnforceIf(z)
                bad = {"<=": count > math.floor(k), ">=": count < math.ceil(k)}[op]
                model.Add(bad).OnlyEnforceIf(z.Not())
                return z
            case ir.MetricCmp(m, op, g):
                if op == ">=":
                    return at_least(m, g)
                if op == "<=":
                    return at_least(m, g + 1).Not()
                raise NotImplementedError(op)
            case ir.Not(operand):
                return node(operand).Not()
            case ir.All(items):
                z = model.NewBoolVar("")
                model.AddMinEquality(z, [node(i) for i in items])
                return z
            case ir.Any_(items):
                z = model.NewBoolVar("")
                model.AddMaxEquality(z, [node(i) for i in items])
                return z
        raise NotImplementedError(repr(n))

    for test in c.rules + c.constraints:
        model.Add(node(test.ok) == 1)
    if not everything:
        sign = 1 if c.metrics[c.benefit].higher else -1  # both forms grow with the value
        model.Maximize(sign * metric_expr(c.benefit))
    return model, cp, x


def run_cpsat(path: str, *, everything: bool) -> str:
    model, cp, _ = cp_model(path, everything=everything)
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1 if everything else 2
    if everything:
        solver.parameters.enumerate_all_solutions = True

        class Count(cp.CpSolverSolutionCallback):  # type: ignore[misc]
            def __init__(self) -> None:
                super().__init__()
                self.n = 0

            def on_solution_callback(self) -> None:
                self.n += 1

        counter = Count()
        solver.Solve(model, counter)
        return f"{counter.n} acceptable"
    status = solver.Solve(model)
    return f"{solver.StatusName(status)} {solver.ObjectiveValue()}"


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
    from guarantees.model import load
    from guarantees.model.optimise.evaluate import optimise

    r = optimise(load(path), best=1, frontier=False, concession=False, blockers=False)
    return f"{r.best[0].options if r.best else None}"


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


RUNS = {
    "cpsat-all": lambda path: run_cpsat(path, everything=True),
    "cpsat-best": lambda path: run_cpsat(path, everything=False),
    "constraint": run_constraint,
    "ours-best": run_ours_best,
    "ours-evaluate": run_ours_evaluate,
    "ours-frontier": run_ours_frontier,
    "ours-concession": run_ours_concession,
}


def inproc(kind: str, path: str, repeats: int) -> None:
    """Time one peer in this process after its imports and one warm-up call: the median of
    `repeats` calls (each loads the file: loading is the same code for every peer)."""
    import statistics
    import time

    run = RUNS[kind]
    answer = run(path)  # imports, and a first call
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(path)
        times.append(time.perf_counter() - start)
    print(f"{statistics.median(times):.4f} {answer}")


def one(kind: str, path: str) -> None:
    """Run one peer on one file in this process (the parent times it)."""
    print(RUNS[kind](path))


def cell(command: list[str], timeout: float, repeats: int = 1) -> tuple[str, float | None]:
    """The median wall time of `repeats` runs of a whole process (start-up included)."""
    walls = []
    for _ in range(repeats):
        out = measure(command, timeout)
        if out.status is None:
            return f"> {timeout:.0f} s", None
        if out.status != 0:
            return "failed: " + out.stderr.strip().splitlines()[-1][:60], None
        walls.append(out.wall)
        if out.wall > 10:
            break  # long runs once
    wall = sorted(walls)[len(walls) // 2]
    return f"{wall:.2f} s", wall


def in_cell(kind: str, path: str, timeout: float, repeats: int) -> tuple[str, float | None]:
    """The median time of the library call alone, in a child process after its imports."""
    command = [sys.executable, str(Path(__file__).resolve()), "--inproc", kind, path]
    out = measure([*command, str(repeats)], timeout * (repeats + 1))
    if out.status is None:
        return f"> {timeout:.0f} s", None
    if out.status != 0:
        return "failed: " + out.stderr.strip().splitlines()[-1][:60], None
    seconds = float(out.stdout.split()[0])
    return f"{seconds:.3f} s", seconds


def ratio(mine: float | None, theirs: float | None) -> str:
    return "" if mine is None or theirs is None or mine <= 0 else f"{theirs / mine:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, nargs="*", default=[12, 16, 20])
    parser.add_argument("--large", type=int, nargs="*", default=[60, 100, 200])
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
        _small(args, Path(folder))
        _large(args, Path(folder))


def _small(args: argparse.Namespace, folder: Path) -> None:
    """Enumeration sizes: the whole evaluate against the peers listing every package."""
    py, me, t, k = sys.executable, str(Path(__file__).resolve()), args.timeout, args.repeat
    guarantees = [str(Path(py).parent / "guarantees")]
    print(f"Whole processes (wall, start-up included; median of {k}) | in-process (the call")
    print(f"alone, after imports and a warm-up; median of {k}):")
    print()
    print(
        "| options | guarantees evaluate | pure Python | python-constraint | CP-SAT (all) "
        "| evaluate() in-process | python-constraint in-process | CP-SAT (all) in-process "
        "| speed-up vs python-constraint (process / in-process) "
        "| speed-up vs CP-SAT (process / in-process) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.small:
        path = str(generate.write(n, folder))
        ours = cell([*guarantees, "evaluate", path], t, k)
        pure = cell([py, str(HERE / "pure_python.py"), path], t, 1)
        pc = cell([py, me, "--one", "constraint", path], t, 1)
        cp = cell([py, me, "--one", "cpsat-all", path], t, k)
        ours_in = in_cell("ours-evaluate", path, t, k)
        pc_in = in_cell("constraint", path, t, 1)
        cp_in = in_cell("cpsat-all", path, t, k)
        cells = [ours[0], pure[0], pc[0], cp[0], ours_in[0], pc_in[0], cp_in[0]]
        cells.append(f"{ratio(ours[1], pc[1])} / {ratio(ours_in[1], pc_in[1])}")
        cells.append(f"{ratio(ours[1], cp[1])} / {ratio(ours_in[1], cp_in[1])}")
        print(f"| {n} | " + " | ".join(cells) + " |", flush=True)
    print()


def _large(args: argparse.Namespace, folder: Path) -> None:
    """Large sizes: the best package against CP-SAT optimising; frontier and concession."""
    py, me, t, k = sys.executable, str(Path(__file__).resolve()), args.timeout, args.repeat
    print(
        "| options | best package (optimise) | CP-SAT optimising | best package in-process "
        "| CP-SAT optimising in-process | whole frontier in-process | smallest concession "
        "in-process | guarantees evaluate |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in args.large:
        path = str(generate.write(n, folder))
        cells = [
            cell([py, me, "--one", "ours-best", path], t, k)[0],
            cell([py, me, "--one", "cpsat-best", path], t, k)[0],
            in_cell("ours-best", path, t, k)[0],
            in_cell("cpsat-best", path, t, k)[0],
            in_cell("ours-frontier", path, t, 1)[0],
            in_cell("ours-concession", path, t, k)[0],
            cell([str(Path(py).parent / "guarantees"), "evaluate", path], t, 1)[0],
        ]
        print(f"| {n} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
