"""Result objects of an evaluation: what every report is derived from, and its JSON form.

Every object is frozen; `to_json()` gives the documented, versioned JSON (schema
`guarantees.result/1`) that the command line prints with `--format json`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from .values import SCALE

RESULT_SCHEMA = "guarantees.result/1"


def materialize(value: Any) -> Any:
    """A JSON form with every iterator in it made into a list (see `json_stream`)."""
    if isinstance(value, dict):
        return {key: materialize(item) for key, item in value.items()}
    if isinstance(value, Iterator | list):
        return [materialize(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class ConstraintRef:
    """One actor constraint (or, with actor None, one scenario rule), as the file names it."""

    actor: str | None
    index: int
    kind: str
    id: str | None = None
    note: str | None = None
    source: str | None = None

    @property
    def label(self) -> str:
        """`russia.no_troops`, `russia#2` when the constraint has no id, `rule#1` for a rule."""
        owner = self.actor if self.actor is not None else "rule"
        return f"{owner}.{self.id}" if self.id else f"{owner}#{self.index + 1}"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "actor": self.actor,
            "index": self.index,
            "id": self.id,
            "kind": self.kind,
            "note": self.note,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class BoundMiss:
    """A metric bound a package fails: its value and how far the bound would have to move."""

    metric: str
    side: str  # "min" or "max"
    bound: float  # as written
    value: float  # on the reporting grid
    gap: int  # how far the bound would have to move, in grid steps (positive)

    @property
    def shortfall(self) -> float:
        """How far the bound would have to move: the difference of their grid values."""
        return self.gap / SCALE

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "side": self.side,
            "bound": self.bound,
            "value": self.value,
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True, slots=True)
class Failure:
    """A constraint a package fails; for a limit, each bound it misses."""

    constraint: ConstraintRef
    misses: tuple[BoundMiss, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**self.constraint.to_json(), "misses": [m.to_json() for m in self.misses]}


@dataclass(frozen=True, slots=True)
class Package:
    """A set of options (in file order) with its metric values at the best guess."""

    options: tuple[str, ...]
    metrics: dict[str, float] = field(hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"options": list(self.options), "metrics": dict(self.metrics)}


class PackageList(Sequence[Package]):
    """Many packages held as arrays; a `Package` is made only for the items looked at.

    Listing every acceptable package of a large scenario can mean hundreds of thousands of
    them: arrays keep that cheap, and renderers that show the top few never pay for the rest.
    """

    def __init__(
        self,
        options: tuple[str, ...],
        masks: NDArray[np.uint64],
        metric_names: tuple[str, ...],
        metric_values: NDArray[np.float64],
    ) -> None:
        self.options = options
        self.masks = masks  # bit i: the option at file position i
        self.metric_names = metric_names
        self.metric_values = metric_values  # shape (len, metrics), on the reporting grid

    def __len__(self) -> int:
        return int(self.masks.size)

    @overload
    def __getitem__(self, index: int) -> Package: ...
    @overload
    def __getitem__(self, index: slice) -> PackageList: ...
    def __getitem__(self, index: int | slice) -> Package | PackageList:
        if isinstance(index, slice):
            return PackageList(
                self.options, self.masks[index], self.metric_names, self.metric_values[index]
            )
        mask = int(self.masks[index])
        chosen = tuple(o for i, o in enumerate(self.options) if mask >> i & 1)
        values = self.metric_values[index].tolist()
        return Package(chosen, dict(zip(self.metric_names, values, strict=True)))

    def __iter__(self) -> Iterator[Package]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"PackageList({len(self)} packages)"


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """Packages tied at one non-dominated (benefit, risk) point, best first.

    `packages` and `acceptable` are array-backed: a point may hold millions of tied packages.
    """

    benefit: float
    risk: float
    packages: Sequence[Package]
    acceptable: NDArray[np.bool_]

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        """The point; `top` limits its packages (None: every package tied here)."""
        whole: dict[str, Any] = materialize(self.json_stream(top=top))
        return whole

    def json_stream(self, *, top: int | None = None) -> dict[str, Any]:
        """`to_json` with the packages as an iterator, made one by one as they are written."""
        return {
            "benefit": self.benefit,
            "risk": self.risk,
            "packages": (
                {**p.to_json(), "acceptable": bool(ok)}
                for p, ok in zip(self.packages[:top], self.acceptable[:top], strict=True)
            ),
        }


class Frontier(Sequence[FrontierPoint]):
    """The frontier's points, made on access from arrays of every frontier package.

    The packages come in rank order, so the packages of one point are contiguous; `starts`
    says where each point begins. Memory is a few arrays, whatever the number of points or
    of packages tied at one.
    """

    def __init__(
        self,
        packages: PackageList,
        acceptable: NDArray[np.bool_],
        starts: NDArray[np.intp],
        axes: tuple[int, int],
    ) -> None:
        self.packages = packages  # every frontier package, in frontier (rank) order
        self.acceptable = acceptable
        self.starts = starts  # index in `packages` of each point's first package
        self.axes = axes  # columns of the benefit and the risk metric in `packages`

    def __len__(self) -> int:
        return int(self.starts.size)

    @overload
    def __getitem__(self, index: int) -> FrontierPoint: ...
    @overload
    def __getitem__(self, index: slice) -> Frontier: ...
    def __getitem__(self, index: int | slice) -> FrontierPoint | Frontier:
        if isinstance(index, slice):
            return self._points(*index.indices(len(self))[:2])
        index = range(len(self))[index]  # negative indices, IndexError past the end
        start, stop = self._span(index)
        values = self.packages.metric_values[start]
        return FrontierPoint(
            float(values[self.axes[0]]),
            float(values[self.axes[1]]),
            self.packages[start:stop],
            self.acceptable[start:stop],
        )

    def _span(self, index: int) -> tuple[int, int]:
        """Where point `index` starts and stops in `packages`."""
        stop = self.starts[index + 1] if index + 1 < self.starts.size else len(self.packages)
        return int(self.starts[index]), int(stop)

    def _points(self, first: int, last: int) -> Frontier:
        """Points first to last (excluded), as a frontier of their own."""
        if first >= last:
            empty = np.zeros(0, dtype=np.intp)
            return Frontier(self.packages[0:0], self.acceptable[0:0], empty, self.axes)
        begin, end = self._span(first)[0], self._span(last - 1)[1]
        starts = self.starts[first:last] - begin
        return Frontier(self.packages[begin:end], self.acceptable[begin:end], starts, self.axes)

    def __iter__(self) -> Iterator[FrontierPoint]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"Frontier({len(self)} points, {len(self.packages)} packages)"


@dataclass(frozen=True, slots=True)
class TradeOff:
    """A frontier package that fails only metric limits, and by how much."""

    package: Package
    failures: tuple[Failure, ...]

    def to_json(self) -> dict[str, Any]:
        return {"package": self.package.to_json(), "failures": [f.to_json() for f in self.failures]}


@dataclass(frozen=True, slots=True)
class ActorBlocks:
    """How many feasible packages an actor rejects, blocks outright, and blocks alone."""

    actor: str
    rejects: int  # fails any of the actor's constraints
    blocks: int  # fails a veto, demand, demand_any or condition
    sole: int  # rejected by this actor and by no other

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "rejects": self.rejects,
            "blocks": self.blocks,
            "sole": self.sole,
        }


@dataclass(frozen=True, slots=True)
class ConstraintCount:
    """How many feasible packages fail one constraint."""

    constraint: ConstraintRef
    fails: int

    def to_json(self) -> dict[str, Any]:
        return {**self.constraint.to_json(), "fails": self.fails}


@dataclass(frozen=True, slots=True)
class Concession:
    """A minimal set of constraints whose relaxation opens `package`."""

    constraints: tuple[ConstraintRef, ...]
    package: Package
    shift: float  # total distance the relaxed limits' bounds move for that package
    failures: tuple[Failure, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "constraints": [c.label for c in self.constraints],
            "size": len(self.constraints),
            "shift": self.shift,
            "package": self.package.to_json(),
            "failures": [f.to_json() for f in self.failures],
        }


@dataclass(frozen=True, slots=True)
class Counts:
    """Sizes of the problem and of its answer."""

    options: int
    actors: int
    packages: int
    feasible: int
    acceptable: int
    held_back: int  # feasible packages failing only metric limits (on the frontier or not)

    def to_json(self) -> dict[str, int]:
        return {
            "options": self.options,
            "actors": self.actors,
            "packages": self.packages,
            "feasible": self.feasible,
            "acceptable": self.acceptable,
            "held_back": self.held_back,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything `evaluate` reports for one scenario."""

    scenario_id: str
    title: str
    scenario_hash: str
    benefit: str
    risk: str
    counts: Counts
    acceptable: Sequence[Package]
    minimal: Sequence[Package]
    frontier: Frontier
    tradeoffs: Sequence[TradeOff]
    blocks: tuple[ActorBlocks, ...]
    constraint_fails: tuple[ConstraintCount, ...]
    concessions: tuple[Concession, ...]

    @property
    def sole_blockers(self) -> tuple[str, ...]:
        """Actors who alone block the most packages (ties kept), none if nobody blocks alone."""
        top = max((b.sole for b in self.blocks), default=0)
        return tuple(b.actor for b in self.blocks if top and b.sole == top)

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        """The documented JSON form; `top` limits each list, and the packages of each
        frontier point (None: everything)."""
        whole: dict[str, Any] = materialize(self.json_stream(top=top))
        return whole

    def json_stream(self, *, top: int | None = None) -> dict[str, Any]:
        """`to_json` with every list of packages as an iterator, so that the form of a result
        listing millions of them can be written out without being held whole."""

        def cut(items: Sequence[Any]) -> Iterator[Any]:
            return (item.to_json() for item in items[:top])

        return {
            "schema": RESULT_SCHEMA,
            "scenario": {"id": self.scenario_id, "title": self.title, "hash": self.scenario_hash},
            "tradeoff": {"benefit": self.benefit, "risk": self.risk},
            "counts": self.counts.to_json(),
            "acceptable": cut(self.acceptable),
            "minimal": cut(self.minimal),
            "frontier": (point.json_stream(top=top) for point in self.frontier[:top]),
            "tradeoffs": cut(self.tradeoffs),
            "blocks": [b.to_json() for b in self.blocks],
            "sole_blockers": list(self.sole_blockers),
            "constraint_fails": [c.to_json() for c in self.constraint_fails],
            "concessions": cut(self.concessions),
            "truncated": top is not None,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """One actor's verdict on a package: the constraints it fails (empty: accepts)."""

    actor: str
    name: str
    failures: tuple[Failure, ...]

    @property
    def accepts(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "name": self.name,
            "accepts": self.accepts,
            "failures": [f.to_json() for f in self.failures],
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every actor's verdict on one package, and the rules it breaks if it is infeasible."""

    scenario_id: str
    scenario_hash: str
    package: Package
    broken_rules: tuple[Failure, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def feasible(self) -> bool:
        return not self.broken_rules

    @property
    def acceptable(self) -> bool:
        return self.feasible and all(v.accepts for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": RESULT_SCHEMA,
            "scenario": {"id": self.scenario_id, "hash": self.scenario_hash},
            "package": self.package.to_json(),
            "feasible": self.feasible,
            "acceptable": self.acceptable,
            "broken_rules": [f.to_json() for f in self.broken_rules],
            "verdicts": [v.to_json() for v in self.verdicts],
        }
