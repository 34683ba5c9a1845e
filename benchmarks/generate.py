"""Generated benchmark scenarios: n options, 8 actors or more, about 2 constraints per actor.

With the default 8 actors: 16 constraints holding 19 atomic tests. Thresholds are set from
quantiles of sampled package values, to two decimals (a noisy-or bound close to 1 keeps one
significant digit of its distance to 1: 0.99999998, not 1.0, which no package reaches); the
share of acceptable packages that gives varies with the seed and the size (with 8 actors at
20 options, seeds 0 to 4: 847 to 7,103 of 2^20, 0.08% to 0.7%; at 60, 100 and 200 options
every seed has some). The same seed always gives the same file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML


def scenario(n: int, seed: int = 0, actors: int = 8) -> dict[str, Any]:
    """A scenario document with n options and the given number of actors.

    The first 8 actors are the fixed cast below; past 8, actor k repeats the constraints of
    actor k mod 8 with fresh random picks (about 2 constraints per actor, as in a coalition
    where each government is an actor). With 8 actors the document is the same as before the
    `actors` parameter existed: the extra actors draw only after every draw of the first 8.
    """
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
    draw = _Draw(rng, ids, *_sampled_values(options, rng))
    cast = {k: _actor(k, draw) for k in range(actors)}
    return {
        "format": "guarantees/1",
        "id": f"bench-{n}" + ("" if actors == 8 else f"-{actors}"),
        "title": f"Generated benchmark, {n} options"
        + ("" if actors == 8 else f", {actors} actors"),
        "metrics": {
            "deterrence": {"combine": "noisy_or", "better": "higher"},
            "escalation": {"combine": "noisy_or", "better": "lower"},
            "troops": {"combine": "sum", "better": "lower", "unit": "thousand"},
        },
        "options": options,
        "interactions": [{"all_of": [ids[-1], ids[-2]], "deterrence": 0.1}],
        "rules": [{"excludes": [ids[0], ids[1]]}, {"requires": {ids[2]: [ids[3]]}}],
        "actors": {
            actor: {"name": actor.replace("_", " ").title(), "constraints": constraints}
            for actor, constraints in cast.values()
        },
    }


_TAGS = ("ground", "air", "sea", "money")


@dataclass(frozen=True)
class _Draw:
    """The random source of the constraints, and sampled metric values for thresholds."""

    rng: np.random.Generator
    ids: list[str]
    det: np.ndarray
    esc: np.ndarray
    troops: np.ndarray
    fresh: bool = False

    def q(self, values: np.ndarray, share: float) -> float:
        """The share's quantile of values; for a repeated actor, a share moved by up to 0.1."""
        if self.fresh:
            share = min(0.99, max(0.01, share + float(self.rng.uniform(-0.1, 0.1))))
        return _q(values, share)

    def tags(self, *names: str) -> str:
        """The tags named, comma-separated; for a repeated actor, as many distinct random tags."""
        if self.fresh:
            names = tuple(str(t) for t in self.rng.choice(_TAGS, size=len(names), replace=False))
        return ", ".join(names)

    def pick(self) -> str:
        return self.ids[int(self.rng.integers(len(self.ids)))]

    def picks(self, k: int) -> list[str]:
        """k distinct options (a list in the format names each option once)."""
        return [self.ids[int(i)] for i in self.rng.choice(len(self.ids), size=k, replace=False)]


def _actor(k: int, d: _Draw) -> tuple[str, list[dict[str, Any]]]:
    """Actor k's id and constraints: actor k mod 8 of the cast, numbered past the first 8."""
    base, constraints = _CAST[k % len(_CAST)](d if k < len(_CAST) else replace(d, fresh=True))
    return (base if k < len(_CAST) else f"{base}_{k // len(_CAST) + 1}"), constraints


_CAST: tuple[Callable[[_Draw], tuple[str, list[dict[str, Any]]]], ...] = (
    lambda d: (
        "beneficiary",
        [{"limit": {"deterrence": {"min": d.q(d.det, 0.25)}}}, {"veto": d.pick()}],
    ),
    lambda d: (
        "adversary",
        [{"limit": {"escalation": {"max": d.q(d.esc, 0.75)}}}, {"veto": d.tags("ground")}],
    ),
    lambda d: (
        "guarantor",
        [{"limit": {"troops": {"max": d.q(d.troops, 0.8)}}}, {"demand_any": d.picks(3)}],
    ),
    lambda d: ("backer", [{"condition": f"{d.pick()} -> {d.pick()}"}, {"veto": d.pick()}]),
    lambda d: (
        "host_a",
        [
            {"condition": f"count({d.tags('air')}) <= 3"},
            {
                "limit": {
                    "deterrence": {"min": d.q(d.det, 0.1)},
                    "escalation": {"max": d.q(d.esc, 0.9)},
                }
            },
        ],
    ),
    lambda d: (
        "host_b",
        [{"condition": f"not ({d.pick()} and {d.pick()})"}, {"demand_any": d.picks(3)}],
    ),
    lambda d: (
        "sceptic",
        [
            {"condition": f"count({d.tags('sea', 'money')}) <= 3"},
            {"limit": {"troops": {"min": d.q(d.troops, 0.1)}}},
        ],
    ),
    lambda d: (
        "broker",
        [{"demand_any": d.picks(4)}, {"condition": f"{d.pick()} or {d.pick()} or {d.pick()}"}],
    ),
)


def _sampled_values(
    options: dict[str, Any], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    """The share's quantile to two decimals; a noisy-or quantile that would round to 1.0 keeps
    one significant digit of its distance to 1 instead (1.0 is a floor no package reaches)."""
    value = float(np.quantile(values, share))
    rounded = round(value, 2)
    return 1.0 - float(f"{1.0 - value:.1g}") if rounded == 1.0 > value else rounded


def write(n: int, folder: Path, seed: int = 0, actors: int = 8) -> Path:
    """Write the scenario for n options and the given actors into folder; return its path."""
    path = folder / (f"bench-{n}.yaml" if actors == 8 else f"bench-{n}-{actors}.yaml")
    yaml = YAML()
    yaml.default_flow_style = None
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(scenario(n, seed, actors), stream)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--actors", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for size in args.sizes:
        print(write(size, args.out, args.seed, args.actors))
