"""Issue 9's benchmark: the whole command at 20 to 30 options and 8, 16, 32 actors, on targets.

    python benchmarks/scale.py            # the full table (a few minutes on 2 cores)
    python benchmarks/scale.py --quick    # 20, 24 and 28 options, 8 and 32 actors, one run each

Every figure is one child process (`guarantees evaluate FILE`, start-up included): wall and CPU
time and its own peak resident memory. A cell is the median of --repeat runs; a run longer than
--once-over seconds is not repeated; a run past --timeout is killed ("timeout") and a command
that refuses the scenario (exit status 2) prints "refused". Then: the pure-Python enumeration
(benchmarks/pure_python.py) side by side at the small sizes, `--format json`, `guarantees
validate` on a shipped scenario, and issue 9's targets marked met or not met.
Scenarios come from benchmarks/generate.py (about 2 constraints per actor).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from child import Outcome, measure  # noqa: E402
from generate import write  # noqa: E402

QUICK = {
    "options": [20, 24, 28],
    "actors": [8, 32],
    "repeat": 1,
    "timeout": 60.0,
    "pure_up_to": 0,
    "json_options": [24],
    "validate_repeat": 3,
}


@dataclass(frozen=True)
class Cell:
    """One measured configuration: the median run's wall and CPU seconds and peak MB, or why not."""

    wall: float
    cpu: float
    peak_mb: float
    status: str  # "ok", "timeout", "refused" or "failed"
    note: str = ""

    def text(self) -> str:
        """The cell as printed: '1.23 s (cpu 1.10), 95 MB', or what stopped it."""
        if self.status == "ok":
            return f"{self.wall:.2f} s (cpu {self.cpu:.2f}), {self.peak_mb:.0f} MB"
        if self.status == "timeout":
            return f"timeout (> {self.wall:.0f} s, {self.peak_mb:.0f} MB at kill)"
        return self.status


def cell(command: list[str], args: argparse.Namespace) -> Cell:
    """Run command up to --repeat times (once if it is slow or stops) and keep the median."""
    runs: list[Outcome] = []
    while len(runs) < args.repeat:
        runs.append(measure(command, args.timeout))
        last = runs[-1]
        if last.status != 0:
            status = {None: "timeout", 2: "refused"}.get(last.status, f"failed ({last.status})")
            note = last.stderr.strip().splitlines()[0] if last.stderr.strip() else ""
            wall = args.timeout if last.status is None else last.wall
            return Cell(wall, last.cpu, last.peak_mb, status, note)
        if last.wall > args.once_over:
            break
    runs.sort(key=lambda r: r.wall)
    middle = runs[len(runs) // 2]
    return Cell(middle.wall, middle.cpu, middle.peak_mb, "ok")


def cli() -> str:
    """The installed `guarantees` command beside this Python."""
    return shutil.which("guarantees") or str(Path(sys.executable).with_name("guarantees"))


Key = tuple[str, int, int]  # (what, options, actors)


def plan(args: argparse.Namespace) -> list[Key]:
    """The cells in the order they run: the command, its JSON, then pure Python (its large
    processes last, so that they do not disturb ours)."""
    keys = [("evaluate", n, a) for n in args.options for a in args.actors]
    keys += [("json", n, 8) for n in args.json_options]
    keys += [("pure", n, a) for n in args.options if n <= args.pure_up_to for a in args.actors]
    return keys


def command(key: Key, folder: Path, args: argparse.Namespace) -> list[str]:
    """The command line of a cell, its generated scenario written into folder."""
    what, n, actors = key
    path = str(write(n, folder, args.seed, actors))
    if what == "pure":
        return [sys.executable, str(HERE / "pure_python.py"), path]
    return [cli(), "evaluate", path, *(["--format", "json"] if what == "json" else [])]


def measure_all(args: argparse.Namespace, folder: Path) -> dict[Key, Cell]:
    """Every cell of the plan, each reported on stderr as it is measured."""
    cells: dict[Key, Cell] = {}
    for key in plan(args):
        cells[key] = cell(command(key, folder, args), args)
        print(f"{key}: {cells[key].text()}", file=sys.stderr, flush=True)
    return cells


def validate_times(args: argparse.Namespace) -> list[float]:
    """Wall seconds of `guarantees validate FILE`, --validate-repeat runs."""
    runs = [
        measure([cli(), "validate", str(args.validate)], args.timeout)
        for _ in range(args.validate_repeat)
    ]
    if any(r.status != 0 for r in runs):
        raise RuntimeError(f"guarantees validate {args.validate} did not succeed")
    return [r.wall for r in runs]


def grid(cells: dict[Key, Cell], args: argparse.Namespace) -> list[str]:
    """The issue's table: options down, actors across."""
    rows = ["| options | packages | " + " | ".join(f"{a} actors" for a in args.actors) + " |"]
    rows.append("|---|---|" + "---|" * len(args.actors))
    for n in args.options:
        texts = [cells[("evaluate", n, a)].text() for a in args.actors]
        rows.append(f"| {n} | {2**n:,} | " + " | ".join(texts) + " |")
    return rows


def baseline(cells: dict[Key, Cell]) -> list[str]:
    """The pure-Python enumeration beside the command, with the speed-up."""
    rows = ["| options | actors | command | pure Python | speed-up |", "|---|---|---|---|---|"]
    for (what, n, a), pure in cells.items():
        if what != "pure":
            continue
        ours = cells[("evaluate", n, a)]
        both = pure.status == ours.status == "ok"
        speed = f"{pure.wall / ours.wall:.1f}x" if both else "-"
        rows.append(f"| {n} | {a} | {ours.text()} | {pure.text()} | {speed} |")
    return rows


def json_rows(cells: dict[Key, Cell]) -> list[str]:
    """`guarantees evaluate FILE --format json`, 8 actors."""
    rows = ["| options | actors | command --format json |", "|---|---|---|"]
    rows += [f"| {n} | {a} | {c.text()} |" for (w, n, a), c in cells.items() if w == "json"]
    return rows


TARGETS: tuple[tuple[str, Key, float, float | None], ...] = (
    ("24 options, 8 actors: under 0.6 s", ("evaluate", 24, 8), 0.6, None),
    ("26 options, 8 actors: under 1.2 s", ("evaluate", 26, 8), 1.2, None),
    ("26 options, 32 actors: under 6 s and 600 MB", ("evaluate", 26, 32), 6.0, 600.0),
    ("28 options, 8 actors: under 3 s", ("evaluate", 28, 8), 3.0, None),
    ("30 options, 8 actors: under 12 s and 1 GB", ("evaluate", 30, 8), 12.0, 1024.0),
    ("`--format json`, 24 options, 8 actors: under 1.5 s and 150 MB", ("json", 24, 8), 1.5, 150.0),
)
SAME_MEMORY = 1.05  # "no more memory": the peak at 26 within 5% of the peak at 24 (noise)


def verdict(found: Cell | None, seconds: float, mb: float | None) -> tuple[str, str]:
    """(measured, met or not met) for a target of under `seconds` (and under `mb`)."""
    if found is None:
        return "not measured", "-"
    met = found.status == "ok" and found.wall < seconds and (mb is None or found.peak_mb < mb)
    return found.text(), "met" if met else "**not met**"


def targets(cells: dict[Key, Cell], validate: list[float]) -> list[str]:
    """Issue 9's targets beside the measured figures."""
    rows = [(label, *verdict(cells.get(key), seconds, mb)) for label, key, seconds, mb in TARGETS]
    rows.append(
        (
            "`--format json`, 26 options: no more memory than at 24 (within 5%)",
            *same_memory(cells.get(("json", 24, 8)), cells.get(("json", 26, 8))),
        )
    )
    median = statistics.median(validate)
    rows.append(
        (
            "`guarantees validate` on a shipped scenario: under 0.25 s",
            f"{median:.2f} s",
            "met" if median < 0.25 else "**not met**",
        )
    )
    return ["| target | measured | |", "|---|---|---|"] + [f"| {' | '.join(r)} |" for r in rows]


def same_memory(at24: Cell | None, at26: Cell | None) -> tuple[str, str]:
    """(measured, met or not met): the peak at 26 options within 5% of the peak at 24."""
    if at24 is None or at26 is None:
        return "not measured", "-"
    if not at24.status == at26.status == "ok":
        return f"{at26.text()} vs {at24.text()}", "**not met**"
    met = at26.peak_mb <= SAME_MEMORY * at24.peak_mb
    return f"{at26.peak_mb:.0f} MB vs {at24.peak_mb:.0f} MB", "met" if met else "**not met**"


def machine() -> str:
    """Cores, memory, Python, NumPy, commit and load average: what the figures depend on."""
    import numpy

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.node()}: "
        f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
        f"NumPy {numpy.__version__}; commit {commit or '?'}; load average {load}"
    )


def parse() -> argparse.Namespace:
    """The options; --quick changes the defaults, explicit options still win."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--options", type=int, nargs="+", default=[20, 22, 24, 26, 28, 30])
    parser.add_argument("--actors", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median shown)")
    parser.add_argument("--once-over", type=float, default=10.0, help="seconds: run once")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--pure-up-to", type=int, default=20, help="largest size, pure Python")
    parser.add_argument("--json-options", type=int, nargs="*", default=[24, 26])
    parser.add_argument(
        "--validate", type=Path, default=HERE.parent / "scenarios/coalition-baseline.yaml"
    )
    parser.add_argument("--validate-repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a run of about a minute")
    if "--quick" in sys.argv[1:]:
        parser.set_defaults(**QUICK)
    return parser.parse_args()


def main() -> None:
    args = parse()
    header = machine()
    with tempfile.TemporaryDirectory() as tmp:
        cells = measure_all(args, Path(tmp))
        refused = [c.note for c in cells.values() if c.status == "refused" and c.note]
        notes = [note.replace(tmp + os.sep, "") for note in refused[:1]]
    validate = validate_times(args)
    out = [f"<!-- {header} -->", f"<!-- {' '.join(['python', *sys.argv])} -->", ""]
    out += ["Whole command, `guarantees evaluate FILE`, wall time and peak memory:", ""]
    out += grid(cells, args) + [""] + [f"Refused, for example: `{note}`" for note in notes]
    if any(w == "pure" for w, _, _ in cells):
        out += ["", "Pure-Python enumeration side by side:", ""] + baseline(cells)
    if args.json_options:
        out += ["", "JSON output, 8 actors:", ""] + json_rows(cells)
    runs = ", ".join(f"{t:.2f}" for t in sorted(validate))
    median = statistics.median(validate)
    name = args.validate.name
    out += [
        "",
        f"`guarantees validate {name}`: median {median:.2f} s of {len(validate)} ({runs})",
        "",
    ]
    out += ["Targets:", ""] + targets(cells, validate)
    out += [
        "",
        f"<!-- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} -->",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
