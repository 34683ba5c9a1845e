"""Generated benchmark scenarios: n options, 8 actors, about 20 atomic constraints.

Thresholds are set from quantiles of sampled package values so that roughly 1% of packages
are acceptable, whatever n; the same seed always gives the same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

ACTORS = (
    "beneficiary",
    "adversary",
    "guarantor",
    "backer",
    "host_a",
    "host_b",
    "sceptic",
    "broker",
)


def scenario(n: int, seed: int = 0) -> dict[str, Any]:
    """A scenario document with n options and 8 actors."""
    rng = np.random.default_rng(seed + 1000 * n)
    ids = [f"option_{i:02d}" for i in range(n)]
    sizes = {"ground": 2, "air": max(2, n // 5), "sea": max(2, n // 6), "money": max(2, n // 6)}
    tags = {t: sorted(rng.choice(n, size=k, replace=False).tolist()) for t, k in sizes.items()}
    options: dict[str, Any] = {}
    for i, option_id in enumerate(ids):
        options[option_id] = {
            "label": f"Option {i}",
            "tags": [t for t, members in tags.items() if i in members],
            "deterrence": round(float(rng.uniform(0.02, 0.3)), 2),
            "escalation": round(float(rng.uniform(0.0, 0.25)), 2),
            "troops": int(rng.integers(0, 20)),
        }
    det, esc, troops = _sampled_values(options, rng)
    pick = lambda: ids[int(rng.integers(n))]  # noqa: E731
    picks = lambda k: [ids[int(i)] for i in rng.choice(n, size=k, replace=False)]  # noqa: E731
    actors = {
        "beneficiary": [{"limit": {"deterrence": {"min": _q(det, 0.25)}}}, {"veto": pick()}],
        "adversary": [{"limit": {"escalation": {"max": _q(esc, 0.75)}}}, {"veto": "ground"}],
        "guarantor": [
            {"limit": {"troops": {"max": _q(troops, 0.8)}}},
            {"demand_any": picks(3)},
        ],
        "backer": [{"condition": f"{pick()} -> {pick()}"}, {"veto": pick()}],
        "host_a": [
            {"condition": "count(air) <= 3"},
            {"limit": {"deterrence": {"min": _q(det, 0.1)}, "escalation": {"max": _q(esc, 0.9)}}},
        ],
        "host_b": [
            {"condition": f"not ({pick()} and {pick()})"},
            {"demand_any": picks(3)},
        ],
        "sceptic": [
            {"condition": "count(sea, money) <= 3"},
            {"limit": {"troops": {"min": _q(troops, 0.1)}}},
        ],
        "broker": [
            {"demand_any": picks(4)},
            {"condition": f"{pick()} or {pick()} or {pick()}"},
        ],
    }
    return {
        "format": "guarantees/1",
        "id": f"bench-{n}",
        "title": f"Generated benchmark, {n} options",
        "metrics": {
            "deterrence": {"combine": "noisy_or", "better": "higher"},
            "escalation": {"combine": "noisy_or", "better": "lower"},
            "troops": {"combine": "sum", "better": "lower", "unit": "thousand"},
        },
        "options": options,
        "interactions": [{"all_of": [ids[-1], ids[-2]], "deterrence": 0.1}],
        "rules": [{"excludes": [ids[0], ids[1]]}, {"requires": {ids[2]: [ids[3]]}}],
        "actors": {
            a: {"name": a.replace("_", " ").title(), "constraints": c} for a, c in actors.items()
        },
    }


def _sampled_values(options: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Metric values of random half-full packages, for setting thresholds by quantile."""
    n = len(options)
    take = rng.random((4000, n)) < 0.5
    d = np.array([o["deterrence"] for o in options.values()])
    e = np.array([o["escalation"] for o in options.values()])
    t = np.array([o["troops"] for o in options.values()])
    return (
        1 - np.prod(np.where(take, 1 - d, 1), axis=1),
        1 - np.prod(np.where(take, 1 - e, 1), axis=1),
        (take * t).sum(axis=1),
    )


def _q(values: np.ndarray, share: float) -> float:
    return round(float(np.quantile(values, share)), 2)


def write(n: int, folder: Path, seed: int = 0) -> Path:
    """Write the scenario for n options into folder and return its path."""
    path = folder / f"bench-{n}.yaml"
    yaml = YAML()
    yaml.default_flow_style = None
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(scenario(n, seed), stream)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args()
    for size in args.sizes:
        print(write(size, args.out))
