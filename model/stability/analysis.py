"""The stability report of a scenario: equilibria, who would defect from which deal, and how.

Ties the analysis to the rest of the tool: which acceptable packages (every actor accepts
them) are equilibria under each concept; for one that is not, the actor, the improvement it
gains by and the harshest answer the others have to it; and from the status quo, the
shortest sequences of unilateral improvements to each equilibrium, naming who moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

from ..exact.results import materialize
from ..format.schema import Scenario
from .build import Model, build
from .conflict import (
    CONCEPTS,
    Bools,
    Moves,
    Paths,
    Verdicts,
    all_improvements,
    improvement_paths,
    stability,
)

T = TypeVar("T")

Package = tuple[str, ...]


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
    """An actor's improvement from a package, and the others' answer to it under one concept.

    In a state's `defections`, no sanction deters the move: `sanction` is the harshest
    package the others can bring about after it (under the concept's rules), which the actor
    still prefers to staying; None when they have no answer at all (and always for Nash). In
    its `deterred`, `sanction` is the answer that makes the move a losing one.
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
    deterred: tuple[Defection, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "package": list(self.package),
            "acceptable": self.acceptable,
            "equilibrium": dict(self.equilibrium),
            "defections": [d.to_json() for d in self.defections],
            "deterred": [d.to_json() for d in self.deterred],
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


class Lazy(Sequence[T]):
    """Items made on access from state indices: a report over 2^20 states builds only what is
    shown (the table's first rows), or streams the rest one by one (JSON)."""

    def __init__(self, states: NDArray[np.intp], make: Callable[[int], T]) -> None:
        self.states = states
        self.make = make

    def __len__(self) -> int:
        return int(self.states.size)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Lazy[T]: ...
    def __getitem__(self, index: int | slice) -> T | Lazy[T]:
        if isinstance(index, slice):
            return Lazy(self.states[index], self.make)
        return self.make(int(self.states[range(len(self))[index]]))

    def __iter__(self) -> Iterator[T]:
        for state in self.states.tolist():
            yield self.make(state)

    def __repr__(self) -> str:
        return f"Lazy({len(self)} items)"


@dataclass(frozen=True)
class StatusQuo:
    """The status quo: whether it holds, who would leave it, and where improvements lead."""

    state: StateReport
    routes: Lazy[Route]

    def json_stream(self, top: int | None = None) -> dict[str, Any]:
        return {"state": self.state.to_json(), "routes": _stream(self.routes, top)}


def _stream(items: Lazy[Any], top: int | None) -> Iterator[Any]:
    """The JSON of each item (the first `top`), made one at a time."""
    return (item.to_json() for item in (items if top is None else items[:top]))


@dataclass(frozen=True)
class Stability:
    """Everything `guarantees stability` reports for one scenario."""

    scenario: str
    decision_makers: tuple[DecisionMaker, ...]
    states: int
    equilibria: dict[str, Lazy[Package]]
    acceptable: Lazy[StateReport]
    status_quo: StatusQuo | None
    status_quo_feasible: bool
    #: The report of any package by its option ids (None when it is not feasible).
    report_of: Callable[[Sequence[str]], StateReport | None] = field(repr=False, compare=False)

    @property
    def has_preferences(self) -> bool:
        """Whether any actor ranks packages (without, every state is trivially stable)."""
        return any(dm.preference is not None for dm in self.decision_makers)

    def json_stream(self, top: int | None = None) -> dict[str, Any]:
        """The JSON with its long lists as iterators (render_json.write streams them); `top`
        cuts every list to its first entries."""
        quo = None if self.status_quo is None else self.status_quo.json_stream(top)
        return {
            "scenario": self.scenario,
            "concepts": list(CONCEPTS),
            "decision_makers": [d.to_json() for d in self.decision_makers],
            "states": self.states,
            "equilibrium_counts": {c: len(ps) for c, ps in self.equilibria.items()},
            "equilibria": {
                c: (list(p) for p in (ps if top is None else ps[:top]))
                for c, ps in self.equilibria.items()
            },
            "acceptable_count": len(self.acceptable),
            "acceptable": _stream(self.acceptable, top),
            "status_quo_feasible": self.status_quo_feasible,
            "status_quo": quo,
        }

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        """The same as plain lists and dicts."""
        out: dict[str, Any] = materialize(self.json_stream(top))
        return out


@dataclass(frozen=True, eq=False)
class Judged:
    """Every actor's verdicts on every state, and the states stable for all under each concept."""

    improving: list[Moves]
    verdicts: list[dict[str, Verdicts]]
    equilibrium: dict[str, Bools]


def judge(model: Model) -> Judged:
    """Each actor's Nash, GMR, SMR and SEQ verdicts on every state, and the equilibria."""
    improving = all_improvements(model.conflict)
    actors = range(len(model.conflict.moves))
    verdicts = [stability(model.conflict, k, improving) for k in actors]
    equilibrium = {c: np.logical_and.reduce([v[c].stable for v in verdicts]) for c in CONCEPTS}
    return Judged(improving, verdicts, equilibrium)


def analyse(scenario: Scenario) -> Stability:
    """The stability report of a scenario (raises TooLargeError past the analysis' limits)."""
    model = build(scenario)
    actors = tuple(scenario.actors)
    judged = judge(model)
    improving, verdicts, equilibrium = judged.improving, judged.verdicts, judged.equilibrium

    def report(state: int) -> StateReport:
        return _state_report(model, actors, verdicts, equilibrium, state)

    status_quo, feasible = None, True
    if scenario.status_quo is not None:
        start = model.index(model.compiled.internal_mask(list(scenario.status_quo)))
        feasible = start >= 0
        if feasible:
            routes = _routes(
                model, actors, equilibrium, improvement_paths(model.conflict, start, improving)
            )
            status_quo = StatusQuo(report(start), routes)
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
        equilibria={c: Lazy(np.flatnonzero(equilibrium[c]), model.options) for c in CONCEPTS},
        acceptable=Lazy(np.flatnonzero(model.acceptable), report),
        status_quo=status_quo,
        status_quo_feasible=feasible,
        report_of=lambda options: _report_of(model, report, options),
    )


def _report_of(
    model: Model, report: Callable[[int], StateReport], options: Sequence[str]
) -> StateReport | None:
    """The report of the package of these options, or None when it breaks a rule."""
    state = model.index(model.compiled.internal_mask(list(options)))
    return None if state < 0 else report(state)


def _state_report(
    model: Model,
    actors: tuple[str, ...],
    verdicts: list[dict[str, Verdicts]],
    equilibrium: dict[str, Bools],
    state: int,
) -> StateReport:
    """One state's equilibria; under each concept, every actor that would leave it, and every
    actor tempted to but deterred (its first improvement, and the answer that deters it)."""
    found: dict[bool, list[Defection]] = {True: [], False: []}
    for concept in CONCEPTS:
        for k, actor in enumerate(actors):
            v = verdicts[k][concept]
            move, sanction = int(v.move[state]), int(v.sanction[state])
            if move >= 0:
                answer = None if sanction < 0 else model.options(sanction)
                defection = Defection(concept, actor, model.options(move), answer)
                found[bool(v.stable[state])].append(defection)
    return StateReport(
        model.options(state),
        bool(model.acceptable[state]),
        {c: bool(equilibrium[c][state]) for c in CONCEPTS},
        tuple(found[False]),
        tuple(found[True]),
    )


def _routes(
    model: Model, actors: tuple[str, ...], equilibrium: dict[str, Bools], paths: Paths
) -> Lazy[Route]:
    """Shortest improvement paths from the status quo to every equilibrium (any concept),
    nearest first; equilibria out of reach come last, without steps."""
    targets = np.flatnonzero(np.logical_or.reduce([equilibrium[c] for c in CONCEPTS]))
    distance = paths.distance[targets]
    order = np.lexsort((targets, np.where(distance < 0, np.iinfo(np.intp).max, distance)))

    def route(target: int) -> Route:
        steps = None
        if paths.distance[target] >= 0:
            steps = tuple(
                Step(actors[who], model.options(a), model.options(b))
                for who, a, b in paths.path(target)
            )
        concepts = tuple(c for c in CONCEPTS if equilibrium[c][target])
        return Route(model.options(target), concepts, steps)

    return Lazy(targets[order], route)
