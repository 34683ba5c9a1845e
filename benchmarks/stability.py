"""Issue 13's benchmark: `guarantees stability` at 8 to 20 options and 2 to 6 actors.

    python benchmarks/stability.py             # the full table (a few minutes on 2 cores)
    python benchmarks/stability.py --quick     # the two target cells and a few others

Scenarios are generated (seeded): options dealt round-robin to the actors (`controlled_by`),
every fifth option one-way, one `excludes` rule per 6 options (so some packages are not
feasible), and preferences alternating between `priorities` (5 statements over the actor's
own and others' options) and `utility` (small integer weights on every option), so that both
forms, and ties, occur. No constraints: every feasible package is acceptable, so the report
covers every state. Every figure is one child process, `guarantees stability FILE` (table
view, start-up included): wall time, CPU time and its own peak memory (benchmarks/child.py),
the median of --repeat runs; a run past --timeout is killed ("timeout"), a refusal (exit
status 2) shows as "refused". Then issue 13's targets, met or not.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from child import Outcome, measure  # noqa: E402

SCRIPT = Path(sys.executable).parent / "guarantees"
#: (options, actors, seconds, MB): issue 13's targets.
TARGETS = ((12, 3, 2.0, None), (16, 4, 60.0, 2048.0))


def scenario(options: int, actors: int, seed: int = 13) -> str:
    """A generated conflict as YAML text (see the module docstring)."""
    draw = random.Random(seed * 1000 + options * 10 + actors)
    names = [f"o{i}" for i in range(options)]
    who = [f"a{k}" for k in range(actors)]
    lines = ["format: guarantees/1", f"id: stability-{options}-{actors}", "title: generated"]
    lines.append("options:")
    for i, name in enumerate(names):
        way = ", one_way: take" if i % 5 == 4 else ""
        lines.append(f"  {name}: {{label: {name}, controlled_by: {who[i % actors]}{way}}}")
    lines.append("rules:")
    for _ in range(max(1, options // 6)):
        pair = draw.sample(names, 2)
        lines.append(f"  - excludes: [{pair[0]}, {pair[1]}]")
    lines.append("status_quo: []")
    lines.append("actors:")
    for k, actor in enumerate(who):
        lines.append(f"  {actor}:\n    name: {actor}")
        if k % 2 == 0:
            lines.append("    priorities:")
            for _ in range(5):
                a, b = draw.sample(names, 2)
                form = draw.choice([f"{a}", f"not {a}", f"{a} or {b}", f"{a} and not {b}"])
                lines.append(f'      - "{form}"')
        else:
            weights = ", ".join(f"{n}: {draw.randint(-3, 3) or 1}" for n in names)
            lines.append(f"    utility: {{{weights}}}")
    return "\n".join(lines) + "\n"


def run(options: int, actors: int, args: argparse.Namespace, folder: Path) -> str:
    """One cell: median wall (cpu) seconds and peak MB, or why there is none."""
    path = folder / f"stability-{options}-{actors}.yaml"
    path.write_text(scenario(options, actors), encoding="utf-8")
    outcomes: list[Outcome] = []
    for _ in range(args.repeat):
        outcome = measure([str(SCRIPT), "stability", str(path)], args.timeout)
        if outcome.status is None:
            return "timeout"
        if outcome.status == 2:
            return "refused"
        if outcome.status != 0:
            raise SystemExit(f"{path}: exit {outcome.status}\n{outcome.stderr}")
        outcomes.append(outcome)
        if outcome.wall > args.once_over:
            break
    middle = sorted(outcomes, key=lambda o: o.wall)[len(outcomes) // 2]
    cell = f"{middle.wall:.2f} s (cpu {middle.cpu:.2f}), {middle.peak_mb:.0f} MB"
    RESULTS[(options, actors)] = (middle.wall, middle.peak_mb)
    return cell


RESULTS: dict[tuple[int, int], tuple[float, float]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--options", type=int, nargs="+", default=[8, 10, 12, 14, 16, 18, 20])
    parser.add_argument("--actors", type=int, nargs="+", default=[2, 3, 4, 6])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--once-over", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="12, 16 and 20 options; 3, 4 actors")
    args = parser.parse_args()
    if args.quick:
        args.options, args.actors, args.repeat = [12, 16, 20], [3, 4], 1
    with tempfile.TemporaryDirectory() as folder:
        print("| options | " + " | ".join(f"{a} actors" for a in args.actors) + " |")
        print("|---|" + "---|" * len(args.actors))
        for n in args.options:
            cells = [run(n, a, args, Path(folder)) for a in args.actors]
            print(f"| {n} | " + " | ".join(cells) + " |", flush=True)
        for n, a, seconds, mb in TARGETS:
            if (n, a) not in RESULTS:
                print(f"target {n} options, {a} actors: not measured")
                continue
            wall, peak = RESULTS[(n, a)]
            met = wall < seconds and (mb is None or peak < mb)
            limit = f"under {seconds:g} s" + (f" and {mb:g} MB" if mb else "")
            print(
                f"target {n} options, {a} actors, {limit}: {'met' if met else 'NOT met'} "
                f"({wall:.2f} s, {peak:.0f} MB)"
            )
    print(f"(median of {args.repeat} runs per cell, wall time; one run past {args.once_over:g} s)")


if __name__ == "__main__":
    main()
