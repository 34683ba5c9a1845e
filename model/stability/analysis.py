"""The stability report of a scenario: equilibria, who would defect from which deal, and how.

Ties the analysis to the rest of the tool: which acceptable packages (every actor accepts
them) are equilibria under each concept; for one that is not, the actor, the improvement it
gains by and the harshest answer the others have to it; and from the status quo, the
shortest sequences of unilateral improvements to each equilibrium, naming who moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..format.schema import Scenario
from .build import Model, build
from .conflict import CONCEPTS, Verdicts, improvement_paths, stability

Package = tuple[str, ...]
FORMAT = "guarantees.stability/1"


@dataclass(frozen=True)
class DecisionMaker:
    """An actor as the analysis sees it: what it controls and how it ranks packages."""

    id: str
    name: str
    controls: tuple[str, ...]
    preference: str | None  # priorities, utility, ranking; None: indifferent

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "controls": list(self.controls),
            "preference": self.preference,
        }


@dataclass(frozen=True)
class Defection:
    """An actor's improvement from a package that no sanction deters under one concept.

    `sanction` is the harshest package the others can bring about after the move (under
    the concept's rules), which the actor still prefers to staying; None when they have no
    answer at all. Nash considers no sanction.
    """

    concept: str
    actor: str
    to: Package
    sanction: Package | None

    def to_json(self) -> dict[str, Any]:
        sanction = None if self.sanction is None else list(self.sanction)
        return {
            "concept": self.concept,
            "actor": self.actor,
            "to": list(self.to),
            "sanction": sanction,
        }


@dataclass(frozen=True)
class StateReport:
    """One package: under which concepts it is an equilibrium, and who would leave it."""

    package: Package
    acceptable: bool
    equilibrium: dict[str, bool]
    defections: tuple[Defection, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "package": list(self.package),
            "acceptable": self.acceptable,
            "equilibrium": dict(self.equilibrium),
            "defections": [d.to_json() for d in self.defections],
        }


@dataclass(frozen=True)
class Step:
    """One move of a negotiation path: who moves, from which package to which."""

    actor: str
    before: Package
    after: Package

    def to_json(self) -> dict[str, Any]:
        return {"actor": self.actor, "from": list(self.before), "to": list(self.after)}


@dataclass(frozen=True)
class Route:
    """The shortest path of unilateral improvements from the status quo to an equilibrium."""

    to: Package
    concepts: tuple[str, ...]  # under which concepts the destination is an equilibrium
    steps: tuple[Step, ...] | None  # None: no sequence of improvements reaches it

    def to_json(self) -> dict[str, Any]:
        steps = None if self.steps is None else [s.to_json() for s in self.steps]
        return {"to": list(self.to), "equilibrium": list(self.concepts), "steps": steps}


@dataclass(frozen=True)
class StatusQuo:
    """The status quo: whether it holds, who would leave it, and where improvements lead."""

    state: StateReport
    routes: tuple[Route, ...]

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.to_json(), "routes": [r.to_json() for r in self.routes]}


@dataclass(frozen=True)
class Stability:
    """Everything `guarantees stability` reports for one scenario."""

    scenario: str
    decision_makers: tuple[DecisionMaker, ...]
    states: int
    equilibria: dict[str, tuple[Package, ...]]
    acceptable: tuple[StateReport, ...]
    status_quo: StatusQuo | None
    status_quo_feasible: bool

    @property
    def has_preferences(self) -> bool:
        """Whether any actor ranks packages (without, every state is trivially stable)."""
        return any(dm.preference is not None for dm in self.decision_makers)

    def to_json(self) -> dict[str, Any]:
        status_quo = None if self.status_quo is None else self.status_quo.to_json()
        return {
            "scenario": self.scenario,
            "concepts": list(CONCEPTS),
            "decision_makers": [d.to_json() for d in self.decision_makers],
            "states": self.states,
            "equilibria": {c: [list(p) for p in ps] for c, ps in self.equilibria.items()},
            "acceptable": [s.to_json() for s in self.acceptable],
            "status_quo": status_quo,
            "status_quo_feasible": self.status_quo_feasible,
        }


def analyse(scenario: Scenario) -> Stability:
    """The stability report of a scenario (raises TooLargeError past the analysis' limits)."""
    model = build(scenario)
    actors = tuple(scenario.actors)
    verdicts = [stability(model.conflict, k) for k in range(len(actors))]
    equilibrium = {c: np.logical_and.reduce([v[c].stable for v in verdicts]) for c in CONCEPTS}

    def report(state: int) -> StateReport:
        return _state_report(model, actors, verdicts, equilibrium, state)

    acceptable = tuple(report(int(s)) for s in np.flatnonzero(model.acceptable))
    status_quo, feasible = None, True
    if scenario.status_quo is not None:
        start = model.index(model.compiled.internal_mask(list(scenario.status_quo)))
        feasible = start >= 0
        if feasible:
            status_quo = StatusQuo(report(start), _routes(model, actors, equilibrium, start))
    return Stability(
        scenario=scenario.id,
        decision_makers=tuple(
            DecisionMaker(
                a,
                scenario.actors[a].name,
                model.compiled.option_ids(model.controls[k]),
                scenario.actors[a].preference,
            )
            for k, a in enumerate(actors)
        ),
        states=model.conflict.size,
        equilibria={
            c: tuple(model.options(int(s)) for s in np.flatnonzero(equilibrium[c]))
            for c in CONCEPTS
        },
        acceptable=acceptable,
        status_quo=status_quo,
        status_quo_feasible=feasible,
    )


def _state_report(
    model: Model,
    actors: tuple[str, ...],
    verdicts: list[dict[str, Verdicts]],
    equilibrium: dict[str, np.ndarray[Any, np.dtype[np.bool_]]],
    state: int,
) -> StateReport:
    """One state's equilibria and, under each concept, every actor that would leave it."""
    defections = []
    for concept in CONCEPTS:
        for k, actor in enumerate(actors):
            v = verdicts[k][concept]
            if not v.stable[state]:
                sanction = int(v.sanction[state])
                defections.append(
                    Defection(
                        concept,
                        actor,
                        model.options(int(v.move[state])),
                        None if sanction < 0 else model.options(sanction),
                    )
                )
    return StateReport(
        model.options(state),
        bool(model.acceptable[state]),
        {c: bool(equilibrium[c][state]) for c in CONCEPTS},
        tuple(defections),
    )


def _routes(
    model: Model,
    actors: tuple[str, ...],
    equilibrium: dict[str, np.ndarray[Any, np.dtype[np.bool_]]],
    start: int,
) -> tuple[Route, ...]:
    """Shortest improvement paths from the status quo to every equilibrium (any concept),
    nearest first; equilibria out of reach come last, without steps."""
    paths = improvement_paths(model.conflict, start)
    any_concept = np.logical_or.reduce([equilibrium[c] for c in CONCEPTS])
    targets = np.flatnonzero(any_concept)
    distance = paths.distance[targets]
    order = np.lexsort((targets, np.where(distance < 0, np.iinfo(np.intp).max, distance)))
    routes = []
    for target in targets[order].tolist():
        concepts = tuple(c for c in CONCEPTS if equilibrium[c][target])
        steps = None
        if paths.distance[target] >= 0:
            steps = tuple(
                Step(actors[who], model.options(a), model.options(b))
                for who, a, b in paths.path(target)
            )
        routes.append(Route(model.options(target), concepts, steps))
    return tuple(routes)
