"""Robustness benchmark: `guarantees robustness` against a per-draw loop over `evaluate`.

The scenarios are benchmarks/generate.py's, with every number made uncertain: each option
value becomes a triangular around it (from 60% to 140% of it), each limit bound a range of
plus or minus 15%. The per-draw loop is what a user would otherwise write: for each draw,
the scenario with that draw's numbers as plain values, evaluated by `evaluate`; it is timed
on a few draws and scaled to the same number of draws (it grows linearly).

    python benchmarks/robustness.py                  # the issue's sizes
    python benchmarks/robustness.py --quick          # a smaller run for a quick look
"""

from __future__ import annotations

import argparse
import copy
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import scenario as generated

from guarantees.model import loads
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.analyse import robustness
from guarantees.model.robustness.sampling import draw, slots


def uncertain(doc: dict[str, Any]) -> dict[str, Any]:
    """Every option value a triangular (60% to 140%), every limit bound a range (+-15%)."""
    out = copy.deepcopy(doc)
    for option in out["options"].values():
        for metric in ("deterrence", "escalation", "troops"):
            v = option[metric]
            high = min(0.99, v * 1.4) if metric != "troops" else v * 1.4
            option[metric] = {"triangular": [round(v * 0.6, 4), v, round(high, 4)]}
    for actor in out["actors"].values():
        for constraint in actor["constraints"]:
            for bound in (constraint.get("limit") or {}).values():
                for side in ("min", "max"):
                    if side in bound:
                        v = float(bound[side])
                        low, high = v * 0.85, v * 1.15
                        if "troops" not in str(constraint):
                            high = min(high, 1.0)
                        bound[side] = [round(min(low, high), 4), round(high, 4)]
    return out


def _yaml(doc: dict[str, Any]) -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    buffer = StringIO()
    YAML().dump(doc, buffer)
    return buffer.getvalue()


def per_draw_loop(scenario: Scenario, doc: dict[str, Any], samples: int, seed: int) -> float:
    """Seconds for `samples` draws evaluated one by one with `evaluate`."""
    chosen = slots(scenario)
    values = draw(chosen, samples, seed)
    start = time.perf_counter()
    for row in values:
        fixed = copy.deepcopy(doc)
        for slot, value in zip(chosen, row, strict=True):
            if slot.where == "option":
                fixed["options"][slot.owner][slot.metric] = float(value)
            elif slot.where == "bound":
                actor, index, side = slot.owner  # type: ignore[misc]
                limit = fixed["actors"][actor]["constraints"][index]["limit"]
                limit[slot.metric][side] = float(value)
        for actor in fixed["actors"].values():  # a drawn min above a drawn max cannot load
            for c in actor["constraints"]:
                for bound in (c.get("limit") or {}).values():
                    if "min" in bound and "max" in bound and bound["min"] > bound["max"]:
                        bound["max"] = bound["min"]
        evaluate(loads(_yaml(fixed)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--options", type=int, nargs="+", default=[12, 16])
    parser.add_argument("--actors", type=int, default=8)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--loop-draws", type=int, default=20, help="draws timed in the loop")
    parser.add_argument("--quick", action="store_true", help="12 options, 2,000 draws")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the robustness pass")
    args = parser.parse_args()
    if args.quick:
        args.options, args.samples = [12], 2000
    print(
        "| options | actors | draws | package-draws | robustness | peak memory "
        "| per-draw loop (scaled) | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in args.options:
        doc = uncertain(generated(n, 0, args.actors))
        scenario = loads(_yaml(doc))
        start = time.perf_counter()
        robustness(scenario, samples=args.samples, seed=1, jobs=args.jobs)
        ours = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        loop = per_draw_loop(scenario, doc, args.loop_draws, 1) * args.samples / args.loop_draws
        cells = args.samples * 2**n
        print(
            f"| {n} | {args.actors} | {args.samples:,} | {cells:.2g} | {ours:.1f} s | "
            f"{peak:.0f} MB | {loop:.0f} s | {loop / ours:.0f}x |"
        )


if __name__ == "__main__":
    main()
