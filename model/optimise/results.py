"""What the optimisation engine reports, and its JSON form (`guarantees.result/1`).

The keys of the enumeration engine's evaluation are kept, in the same order; those this
engine does not compute are `null` (never an empty list), and `absent` names them. Added keys:
`engine` (which engine answered, the solver, its tolerances and effort), `exists`, `best`
(the k best acceptable packages), `smallest_concession` and `blockers`. `concessions` holds
the first minimal concessions only (in the same order); `absent` says `concessions_rest`
when more may follow. Frontier points hold their first package by rank key only
(`frontier_packages` in `absent`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..exact.results import RESULT_SCHEMA, Concession, Package

#: Keys of guarantees.result/1 this engine leaves null, and why, for every output to say.
ABSENT = {
    "acceptable": "every acceptable package (ask for the best k instead: --top)",
    "minimal": "the minimal forms of every acceptable package",
    "tradeoffs": "the frontier packages held back only by limits",
    "blocks": "counts of rejected packages per actor (see blockers: who alone blocks the best)",
    "constraint_fails": "counts of failing packages per constraint",
    "frontier_packages": "the packages tied at a frontier point beyond the first",
    "counts.feasible": "the number of feasible packages",
    "counts.acceptable": "the number of acceptable packages",
    "counts.held_back": "the number of packages held back by limits",
}
#: Said when the frontier search stopped at the points asked for.
FRONTIER_CUT = "frontier points past those asked for (--top N asks for N)"
#: Said when the concession search stopped at the concessions asked for.
CONCESSIONS_CUT = "minimal concessions past those asked for (--top N asks for N)"


@dataclass(frozen=True)
class OptimisedPoint:
    """A frontier point with its first package by rank key."""

    benefit: float
    risk: float
    package: Package
    acceptable: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "benefit": self.benefit,
            "risk": self.risk,
            "packages": [{**self.package.to_json(), "acceptable": self.acceptable}],
        }


@dataclass(frozen=True)
class BlockerView:
    """Whether one actor alone blocks the best package all the other actors accept."""

    actor: str
    others_best: Package | None
    blocks: bool

    def to_json(self) -> dict[str, Any]:
        best = None if self.others_best is None else self.others_best.to_json()
        return {"actor": self.actor, "others_best": best, "blocks": self.blocks}


@dataclass(frozen=True)
class EngineInfo:
    """Which engine answered, with what solver and tolerances, and at what cost."""

    name: str
    solver: str
    tolerance: dict[str, float]
    solves: int
    rejected: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "solver": self.solver,
            "tolerance": dict(self.tolerance),
            "solves": self.solves,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class OptimisedEvaluation:
    """The optimisation engine's answers for one scenario."""

    scenario_id: str
    title: str
    scenario_hash: str
    benefit: str
    risk: str
    options: int
    actors: int
    exists: bool
    best: tuple[Package, ...]
    frontier: tuple[OptimisedPoint, ...] | None
    frontier_complete: bool
    smallest_concession: Concession | None
    concession_searched: bool
    blockers: tuple[BlockerView, ...] | None
    engine: EngineInfo
    skipped: tuple[str, ...] = field(default=())  # answers not asked for (e.g. --top 0)
    #: the first minimal concessions, in the enumeration engine's order (None: not asked)
    concessions: tuple[Concession, ...] | None = None
    concessions_complete: bool = True  # False: the search stopped at those asked for

    @property
    def absent(self) -> tuple[str, ...]:
        """Every key of guarantees.result/1 left null, and what was not asked for."""
        cut = () if self.frontier_complete else ("frontier_points",)
        rest = () if self.concessions_complete else ("concessions_rest",)
        return (*ABSENT, *cut, *rest, *self.skipped)

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        """The documented JSON form; `top` limits the frontier and the best packages."""
        frontier = None if self.frontier is None else [p.to_json() for p in self.frontier[:top]]
        concession = self.smallest_concession
        blockers = None if self.blockers is None else [b.to_json() for b in self.blockers]
        return {
            "schema": RESULT_SCHEMA,
            "scenario": {"id": self.scenario_id, "title": self.title, "hash": self.scenario_hash},
            "tradeoff": {"benefit": self.benefit, "risk": self.risk},
            "counts": {
                "options": self.options,
                "actors": self.actors,
                "packages": 1 << self.options,
                "feasible": None,
                "acceptable": None,
                "held_back": None,
            },
            "acceptable": None,
            "minimal": None,
            "frontier": frontier,
            "tradeoffs": None,
            "blocks": None,
            "sole_blockers": None,
            "constraint_fails": None,
            "concessions": None
            if self.concessions is None
            else [c.to_json() for c in self.concessions[:top]],
            "truncated": top is not None,
            "engine": self.engine.to_json(),
            "absent": list(self.absent),
            "frontier_complete": self.frontier_complete,
            "exists": self.exists,
            "best": [p.to_json() for p in self.best[:top]],
            "smallest_concession": None if concession is None else concession.to_json(),
            "blockers": blockers,
        }
