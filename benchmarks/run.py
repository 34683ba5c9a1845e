"""Benchmark `guarantees evaluate` against a pure-Python enumeration, side by side.

    python benchmarks/run.py                 # 12 to 26 options, pure Python up to 22
    python benchmarks/run.py --sizes 20 22   # chosen sizes
    python benchmarks/run.py --format json   # time the command with every package listed

Each measurement runs in its own process (wall time and peak resident memory of that
process); solve and command are run --repeat times (median shown), pure Python once.
Scenarios come from benchmarks/generate.py (8 actors, about 20 constraints).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from child import measure  # noqa: E402
from generate import write  # noqa: E402

SOLVE = """
import sys, time, resource
from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate
scenario = load(sys.argv[1])
start = time.perf_counter()
result = evaluate(scenario)
solve = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(solve, peak, result.counts.acceptable, result.counts.packages)
"""


def run(command: list[str], timeout: float) -> tuple[float, float, str] | None:
    """(wall seconds, peak MB, stdout) of one child process, or None past the timeout."""
    outcome = measure(command, timeout)
    if outcome.status is None:
        return None
    if outcome.status != 0:
        raise RuntimeError(f"{command[0]} exited with {outcome.status}")
    return outcome.wall, outcome.peak_mb, outcome.stdout


Timing = tuple[float, float, str]


def median(runs: list[Timing | None], what: str) -> Timing:
    """The run with the median wall time (every run must have finished)."""
    done = sorted((r for r in runs if r is not None), key=lambda r: r[0])
    assert len(done) == len(runs), f"{what} timed out"
    return done[len(done) // 2]


def ours(path: Path, args: argparse.Namespace) -> tuple[list[str], float]:
    """Our columns for one scenario, and the command's median wall time."""
    solve = median(
        [run([sys.executable, "-c", SOLVE, str(path)], args.timeout) for _ in range(args.repeat)],
        "evaluate",
    )
    solve_s, _, accepted, packages = solve[2].split()
    cli = shutil.which("guarantees") or str(Path(sys.executable).with_name("guarantees"))
    command = median(
        [
            run([cli, "evaluate", str(path), "--format", args.format], args.timeout)
            for _ in range(args.repeat)
        ],
        "the command",
    )
    share = 100 * int(accepted) / int(packages)
    columns = [
        f"{int(packages):,}",
        f"{share:.2f}%",
        f"{float(solve_s):.3f}",
        f"{command[0]:.2f}",
        f"{command[1]:.0f}",
    ]
    return columns, command[0]


def pure_python(path: Path, command_s: float, args: argparse.Namespace) -> list[str]:
    """The pure-Python columns: wall time, peak memory and the speed-up of the command."""
    pure = run([sys.executable, str(HERE / "pure_python.py"), str(path)], args.timeout)
    if pure is None:
        return ["timeout", "-", "-"]
    return [f"{pure[0]:.2f}", f"{pure[1]:.0f}", f"{pure[0] / command_s:.1f}x"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16, 18, 20, 22, 24, 26])
    parser.add_argument("--pure-up-to", type=int, default=22, help="largest size for pure Python")
    parser.add_argument("--timeout", type=float, default=400.0)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of solve and command (median shown)"
    )
    parser.add_argument(
        "--format",
        choices=["table", "json", "markdown"],
        default="table",
        help="output of the timed command (json lists every acceptable package)",
    )
    args = parser.parse_args()
    header = [
        "options",
        "packages",
        "acceptable",
        "solve s",
        "command s",
        "command MB",
        "pure Python s",
        "pure MB",
        "speed-up",
    ]
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    print(f"# {machine}; command = guarantees evaluate FILE --format {args.format}")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: write(n, Path(tmp)) for n in args.sizes}
        # All of ours first, then the baseline: its large process does not disturb ours.
        rows = {n: ours(paths[n], args) for n in args.sizes}
        for n in args.sizes:
            columns, command_s = rows[n]
            baseline = pure_python(paths[n], command_s, args) if n <= args.pure_up_to else ["-"] * 3
            print("| " + " | ".join([str(n), *columns, *baseline]) + " |", flush=True)


if __name__ == "__main__":
    main()
