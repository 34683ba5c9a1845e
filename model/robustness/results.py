"""What a robustness run reports, and its JSON form (`guarantees.robustness/1`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .drivers import Driver
from .prim import Rule

ROBUSTNESS_SCHEMA = "guarantees.robustness/1"
#: The normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Above this half-width (in shares) a report says that more draws are needed.
COARSE = 0.05


@dataclass(frozen=True, slots=True)
class Estimate:
    """A share of draws: `hits` of `draws`, with its standard error and Wilson 95% interval."""

    hits: int
    draws: int

    @property
    def share(self) -> float:
        return self.hits / self.draws if self.draws else 0.0

    @property
    def standard_error(self) -> float:
        p = self.share
        return math.sqrt(p * (1 - p) / self.draws) if self.draws else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """Wilson's score interval (Wilson 1927), sound at shares of 0 and 1 too."""
        n, p, z = self.draws, self.share, Z95
        if n == 0:
            return (0.0, 1.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        low = 0.0 if self.hits == 0 else max(0.0, centre - half)  # exact at the ends
        high = 1.0 if self.hits == n else min(1.0, centre + half)
        return (low, high)

    @property
    def coarse(self) -> bool:
        """Whether the interval is too wide for a share printed in whole percent."""
        low, high = self.interval
        return (high - low) / 2 > COARSE

    def to_json(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "share": round(self.share, 6),
            "draws": self.draws,
            "hits": self.hits,
            "standard_error": round(self.standard_error, 6),
            "interval_95": [round(low, 6), round(high, 6)],
        }


@dataclass(frozen=True, slots=True)
class PackageChance:
    """A package and the share of draws in which it is acceptable (or the best deal)."""

    options: tuple[str, ...]
    chance: Estimate

    def to_json(self) -> dict[str, Any]:
        return {"options": list(self.options), **self.chance.to_json()}


@dataclass(frozen=True, slots=True)
class ActorChance:
    """How an actor stands in the way across draws."""

    actor: str
    rejects: float  # share of (feasible package, draw) pairs it rejects
    alone: Estimate  # draws in which it alone rejects some feasible package
    decisive: Estimate  # draws without a deal in which it alone rejects some package

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "rejects": round(self.rejects, 6),
            "alone": self.alone.to_json(),
            "decisive": self.decisive.to_json(),
        }


@dataclass(frozen=True, slots=True)
class ConstraintChance:
    label: str
    fails: float  # share of (feasible package, draw) pairs that fail it

    def to_json(self) -> dict[str, Any]:
        return {"constraint": self.label, "fails": round(self.fails, 6)}


@dataclass(frozen=True, slots=True)
class ConcessionChance:
    """A set of constraints and how often relaxing it is a smallest concession."""

    constraints: tuple[str, ...]
    chance: Estimate  # over the draws without a deal

    def to_json(self) -> dict[str, Any]:
        return {"constraints": list(self.constraints), **self.chance.to_json()}


@dataclass(frozen=True, slots=True)
class FrontierPackage:
    """A package and how often it is on a draw's frontier, and a trade-off there."""

    options: tuple[str, ...]
    on_frontier: Estimate  # over the draws followed
    tradeoff: Estimate  # on the frontier and held back only by limits in that draw

    def to_json(self) -> dict[str, Any]:
        return {
            "options": list(self.options),
            "on_frontier": self.on_frontier.to_json(),
            "tradeoff": self.tradeoff.to_json(),
        }


@dataclass(frozen=True, slots=True)
class FrontierMovement:
    """How the frontier moves: the exact frontier of each of the first `draws` draws."""

    draws: int
    points: tuple[tuple[int, float, float], ...]  # (draw, benefit, risk): distinct per draw
    packages: Sequence[FrontierPackage]  # most often on the frontier first
    tradeoffs: Sequence[FrontierPackage]  # most often a trade-off first (never 0)

    @property
    def sizes(self) -> tuple[int, float, int]:
        """Points per draw: least, median, most."""
        counts = [0] * self.draws
        for d, _, _ in self.points:
            counts[d] += 1
        ordered = sorted(counts)
        if not ordered:
            return (0, 0.0, 0)
        middle = len(ordered) // 2
        median = (
            float(ordered[middle])
            if len(ordered) % 2
            else (ordered[middle - 1] + ordered[middle]) / 2
        )
        return (ordered[0], median, ordered[-1])

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        least, median, most = self.sizes
        return {
            "draws": self.draws,
            "points_per_draw": {"min": least, "median": median, "max": most},
            "points": [[d, round(b, 9), round(r, 9)] for d, b, r in self.points],
            "packages": [p.to_json() for p in self.packages[:top]],
            "tradeoffs": [p.to_json() for p in self.tradeoffs[:top]],
        }


SUMMARY_SCHEMA = "guarantees.robustness-summary/1"


@dataclass(frozen=True, slots=True)
class Summary:
    """The short robustness section of `evaluate`: the chance of a deal, the most robust
    package and the first driver, from the same pass and estimators as `robustness`."""

    samples: int
    seed: int
    uncertain: int  # how many uncertain values were sampled
    deal: Estimate
    most_robust: PackageChance | None
    top_driver: Driver | None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SUMMARY_SCHEMA,
            "samples": self.samples,
            "seed": self.seed,
            "uncertain": self.uncertain,
            "deal": self.deal.to_json(),
            "most_robust": None if self.most_robust is None else self.most_robust.to_json(),
            "top_driver": None if self.top_driver is None else self.top_driver.to_json(),
        }


@dataclass(frozen=True, slots=True)
class PackageRobustness:
    """One package across the draws (`explain --package`)."""

    options: tuple[str, ...]
    feasible: Estimate  # draws in which it keeps every rule
    acceptable: Estimate
    rejected_by: tuple[tuple[str, Estimate], ...]  # per actor, in file order

    @property
    def most_often_against(self) -> tuple[str, ...]:
        """The actors who reject it in the most draws (ties kept); none if nobody does."""
        top = max((e.hits for _, e in self.rejected_by), default=0)
        return tuple(actor for actor, e in self.rejected_by if top and e.hits == top)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": ROBUSTNESS_SCHEMA,
            "options": list(self.options),
            "feasible": self.feasible.to_json(),
            "acceptable": self.acceptable.to_json(),
            "rejected_by": [{"actor": a, **e.to_json()} for a, e in self.rejected_by],
        }


@dataclass(frozen=True, slots=True)
class Robustness:
    """Everything `guarantees robustness` reports for one scenario."""

    scenario_id: str
    title: str
    samples: int
    seed: int
    threshold: float
    uncertain: tuple[str, ...]  # the uncertain values, as named in drivers and rules
    deal: Estimate
    packages: Sequence[PackageChance]  # by chance, then rank key
    robust: Sequence[PackageChance]  # acceptable in at least `threshold` of the draws
    best: Sequence[PackageChance]  # how often each package is the best deal
    actors: tuple[ActorChance, ...]
    constraints: tuple[ConstraintChance, ...]
    concessions: tuple[ConcessionChance, ...]
    drivers: tuple[Driver, ...]
    rule: Rule | None
    frontier: FrontierMovement | None = None  # None: too many packages to follow it

    def summary(self) -> Summary:
        """The short section `evaluate` shows, from this run's own numbers."""
        return Summary(
            samples=self.samples,
            seed=self.seed,
            uncertain=len(self.uncertain),
            deal=self.deal,
            most_robust=self.packages[0] if self.packages else None,
            top_driver=self.drivers[0] if self.drivers else None,
        )

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        def cut(items: Sequence[Any]) -> list[Any]:
            return [item.to_json() for item in items[:top]]

        return {
            "schema": ROBUSTNESS_SCHEMA,
            "scenario": {"id": self.scenario_id, "title": self.title},
            "samples": self.samples,
            "seed": self.seed,
            "threshold": self.threshold,
            "uncertain": list(self.uncertain),
            "deal": self.deal.to_json(),
            "packages": cut(self.packages),
            "robust": cut(self.robust),
            "best": cut(self.best),
            "actors": [a.to_json() for a in self.actors],
            "constraints": [c.to_json() for c in self.constraints],
            "concessions": cut(self.concessions),
            "drivers": [d.to_json() for d in self.drivers],
            "rule": None if self.rule is None else self.rule.to_json(),
            "frontier": None if self.frontier is None else self.frontier.to_json(top=top),
        }
