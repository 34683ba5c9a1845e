"""Time the minimal forms of generated scenarios: pairwise comparison against the bitset.

    python benchmarks/minimal_forms.py 20 22 24 26            # generated scenarios
    python benchmarks/minimal_forms.py 20 22 24 --loose       # two actors: many acceptable

`evaluate()` runs once per size; the acceptable packages it ranks are handed to both
methods of guarantees/model/bitsets.py (each timed, median of --repeat runs) and the two
answers compared. --loose keeps only the actors `beneficiary` and `guarantor` (a limit on
deterrence, one on troops, a veto and a demand), so most packages are acceptable and the
minimal forms are a large antichain: the case where pairwise comparison is slowest.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ruamel.yaml import YAML

from guarantees.model.exact import evaluate as module
from guarantees.model.exact.bitsets import (
    compact,
    minimal_by_bitset,
    minimal_members,
    minimal_pairwise,
)
from guarantees.model.exact.values import Ints
from guarantees.model.format.load import loads

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import scenario

LOOSE_ACTORS = ("beneficiary", "guarantor")


def document(n: int, *, loose: bool) -> str:
    """The generated scenario as YAML text, with only two actors when loose."""
    doc: dict[str, Any] = scenario(n)
    if loose:
        doc["actors"] = {a: c for a, c in doc["actors"].items() if a in LOOSE_ACTORS}
    out = io.StringIO()
    YAML().dump(doc, out)
    return out.getvalue()


def ranked_acceptable(n: int, *, loose: bool) -> Ints:
    """The acceptable packages of the scenario, in rank order, as evaluate() sees them."""
    seen: list[Ints] = []
    original = module._minimal_mask

    def spy(ranked: Ints) -> NDArray[np.bool_]:
        seen.append(ranked)
        return original(ranked)

    module._minimal_mask = spy
    try:
        module.evaluate(loads(document(n, loose=loose)))
    finally:
        module._minimal_mask = original
    return seen[0]


def timed(method: Callable[[Ints], NDArray[np.bool_]], masks: Ints, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        method(masks)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--loose", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| options | options used | acceptable | minimal | pairwise s | bitset s | chosen s |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        masks = ranked_acceptable(n, loose=args.loose)
        keep = minimal_pairwise(compact(masks)[0])
        assert np.array_equal(keep, minimal_members(masks))
        pair = timed(lambda m: minimal_pairwise(compact(m)[0]), masks, args.repeat)
        bits = timed(lambda m: minimal_by_bitset(*compact(m)), masks, args.repeat)
        chosen = timed(minimal_members, masks, args.repeat)
        print(
            f"| {n} | {compact(masks)[1]} | {masks.size:,} | {int(keep.sum()):,} "
            f"| {pair:.4f} | {bits:.4f} "
            f"| {chosen:.4f} |"
        )


if __name__ == "__main__":
    main()
