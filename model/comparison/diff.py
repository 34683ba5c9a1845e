"""What changed between two variants of a scenario: in the inputs and in the outcomes.

`diff(old, new, old_result, new_result)` compares two scenarios (diff_inputs.py: options,
values, rules, actors and constraints added, removed or changed) and their evaluations:
packages that became or stopped being acceptable (and minimal), packages that joined or left
the frontier, trade-offs that appeared, went or changed, each actor's block counts, the sole
blockers, and concessions that appeared, went or now open another package.

Packages are matched across the variants by their option ids, so a package of options that
exist in both is the same package even if the files list the options in another order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exact.results import ActorBlocks, Concession, Evaluation, Failure, Package
from ..exact.results import PackageList as Packages
from ..format.schema import Scenario
from .inputs import Change, input_changes

DIFF_SCHEMA = "guarantees.diff/1"


@dataclass(frozen=True, slots=True)
class CountChange:
    """One count of `evaluate` in both variants."""

    name: str
    old: int
    new: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "delta": self.new - self.old}


@dataclass(frozen=True, slots=True)
class PackageChanges:
    """Packages that joined a list (from the new variant) and that left it (from the old)."""

    gained: Sequence[Package]
    lost: Sequence[Package]
    old_count: int
    new_count: int

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        return {
            "old_count": self.old_count,
            "new_count": self.new_count,
            "gained": [p.to_json() for p in self.gained[:top]],
            "lost": [p.to_json() for p in self.lost[:top]],
        }


@dataclass(frozen=True, slots=True)
class TradeOffChange:
    """A trade-off in one variant only, or in both with other failing limits or shortfalls."""

    options: tuple[str, ...]
    old: tuple[Failure, ...] | None  # None: not a trade-off in the old variant
    new: tuple[Failure, ...] | None
    package: Package  # as the newer variant that has it values it

    def to_json(self) -> dict[str, Any]:
        return {
            "change": _kind(self.old, self.new),
            "package": self.package.to_json(),
            "old": None if self.old is None else [f.to_json() for f in self.old],
            "new": None if self.new is None else [f.to_json() for f in self.new],
        }


@dataclass(frozen=True, slots=True)
class BlockChange:
    """An actor whose counts of rejected, blocked or solely rejected packages changed."""

    actor: str
    old: ActorBlocks | None  # None: the actor is not in the old variant
    new: ActorBlocks | None

    def to_json(self) -> dict[str, Any]:
        return {
            "change": _kind(self.old, self.new),
            "actor": self.actor,
            "old": None if self.old is None else self.old.to_json(),
            "new": None if self.new is None else self.new.to_json(),
        }


@dataclass(frozen=True, slots=True)
class ConcessionChange:
    """A concession (a set of constraint labels) in one variant only, or opening another
    package or needing another shift."""

    constraints: tuple[str, ...]
    old: Concession | None
    new: Concession | None

    def to_json(self) -> dict[str, Any]:
        return {
            "change": _kind(self.old, self.new),
            "constraints": list(self.constraints),
            "old": None if self.old is None else self.old.to_json(),
            "new": None if self.new is None else self.new.to_json(),
        }


def _kind(old: object, new: object) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


@dataclass(frozen=True, slots=True)
class Outcomes:
    """How the results of `evaluate` changed."""

    counts: tuple[CountChange, ...]
    acceptable: PackageChanges
    minimal: PackageChanges
    frontier: PackageChanges
    tradeoffs: tuple[TradeOffChange, ...]
    blocks: tuple[BlockChange, ...]
    sole_blockers: tuple[tuple[str, ...], tuple[str, ...]]  # (old, new)
    concessions: tuple[ConcessionChange, ...]

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        return {
            "counts": [c.to_json() for c in self.counts],
            "acceptable": self.acceptable.to_json(top),
            "minimal": self.minimal.to_json(top),
            "frontier": self.frontier.to_json(top),
            "tradeoffs": [t.to_json() for t in self.tradeoffs[:top]],
            "blocks": [b.to_json() for b in self.blocks],
            "sole_blockers": {
                "old": list(self.sole_blockers[0]),
                "new": list(self.sole_blockers[1]),
            },
            "concessions": [c.to_json() for c in self.concessions[:top]],
        }


@dataclass(frozen=True, slots=True)
class ScenarioDiff:
    """Two variants of a scenario compared: inputs and outcomes."""

    old: Evaluation
    new: Evaluation
    inputs: tuple[Change, ...]
    outcomes: Outcomes

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        """The documented JSON form; `top` limits each list of packages (None: all)."""

        def ident(result: Evaluation) -> dict[str, str]:
            return {"id": result.scenario_id, "title": result.title, "hash": result.scenario_hash}

        return {
            "old": ident(self.old),
            "new": ident(self.new),
            "same_scenario": self.old.scenario_hash == self.new.scenario_hash,
            "inputs": [c.to_json() for c in self.inputs],
            "outcomes": self.outcomes.to_json(top),
            "truncated": top is not None,
        }


def diff(
    old: Scenario, new: Scenario, old_result: Evaluation, new_result: Evaluation
) -> ScenarioDiff:
    """Compare two scenarios and their evaluations (`evaluate(old)`, `evaluate(new)`)."""
    return ScenarioDiff(
        old_result, new_result, input_changes(old, new), outcome_changes(old_result, new_result)
    )


def outcome_changes(old: Evaluation, new: Evaluation) -> Outcomes:
    """Every difference between two evaluations."""
    names = ("options", "actors", "packages", "feasible", "acceptable")
    a, b = old.counts.to_json(), new.counts.to_json()
    return Outcomes(
        counts=tuple(CountChange(n, a[n], b[n]) for n in names),
        acceptable=package_changes(old.acceptable, new.acceptable),
        minimal=package_changes(old.minimal, new.minimal),
        frontier=package_changes(_frontier(old), _frontier(new)),
        tradeoffs=_tradeoffs(old, new),
        blocks=_blocks(old, new),
        sole_blockers=(old.sole_blockers, new.sole_blockers),
        concessions=_concessions(old, new),
    )


def _frontier(result: Evaluation) -> Sequence[Package]:
    """Every frontier package, point after point (arrays, however many are tied)."""
    return result.frontier.packages


def package_changes(old: Sequence[Package], new: Sequence[Package]) -> PackageChanges:
    """Packages in `new` but not `old` (in `new`'s order), and in `old` but not `new`."""
    universe = tuple(dict.fromkeys([*_options(old), *_options(new)]))
    old_keys, new_keys = _keys(old, universe), _keys(new, universe)
    gained = np.flatnonzero(~np.isin(new_keys, old_keys))
    lost = np.flatnonzero(~np.isin(old_keys, new_keys))
    return PackageChanges(_pick(new, gained), _pick(old, lost), len(old), len(new))


def _options(packages: Sequence[Package]) -> tuple[str, ...]:
    """The option ids packages may hold (all of a PackageList's scenario, else those seen)."""
    if isinstance(packages, Packages):
        return packages.options
    return tuple(dict.fromkeys(o for p in packages for o in p.options))


def _keys(packages: Sequence[Package], universe: tuple[str, ...]) -> np.ndarray[Any, Any]:
    """Each package as a mask over `universe` (at most 64 options in two variants)."""
    if not isinstance(packages, Packages):
        position = {o: i for i, o in enumerate(universe)}
        return np.array(
            [sum(1 << position[o] for o in p.options) for p in packages], dtype=np.uint64
        )
    out = np.zeros(len(packages), dtype=np.uint64)
    for bit, option in enumerate(packages.options):
        present = (packages.masks >> np.uint64(bit)) & np.uint64(1)
        out |= present << np.uint64(universe.index(option))
    return out


def _pick(packages: Sequence[Package], index: np.ndarray[Any, Any]) -> Sequence[Package]:
    """Some packages by position, kept as arrays when they are."""
    if isinstance(packages, Packages):
        return Packages(
            packages.options,
            packages.masks[index],
            packages.metric_names,
            packages.metric_values[index],
        )
    return tuple(packages[int(i)] for i in index)


def _tradeoffs(old: Evaluation, new: Evaluation) -> tuple[TradeOffChange, ...]:
    """Trade-offs gained, lost or changed: new ones in new order, then the lost ones."""
    before = {frozenset(t.package.options): t for t in old.tradeoffs}
    after = {frozenset(t.package.options): t for t in new.tradeoffs}
    out = []
    for key, t in after.items():
        was = before.get(key)
        if was is None:
            out.append(TradeOffChange(t.package.options, None, t.failures, t.package))
        elif _failures(was.failures) != _failures(t.failures):
            out.append(TradeOffChange(t.package.options, was.failures, t.failures, t.package))
    out += [
        TradeOffChange(t.package.options, t.failures, None, t.package)
        for key, t in before.items()
        if key not in after
    ]
    return tuple(out)


def _failures(failures: tuple[Failure, ...]) -> list[dict[str, Any]]:
    return [f.to_json() for f in failures]


def _blocks(old: Evaluation, new: Evaluation) -> tuple[BlockChange, ...]:
    """Actors (old order, then new ones) whose block counts differ or who came or went."""
    before = {b.actor: b for b in old.blocks}
    after = {b.actor: b for b in new.blocks}
    actors = dict.fromkeys([*before, *after])
    return tuple(
        BlockChange(a, before.get(a), after.get(a)) for a in actors if before.get(a) != after.get(a)
    )


def _concessions(old: Evaluation, new: Evaluation) -> tuple[ConcessionChange, ...]:
    """Concessions gained or changed (new order), then lost (old order)."""
    before = {_labels(c): c for c in old.concessions}
    after = {_labels(c): c for c in new.concessions}
    out = [
        ConcessionChange(key, before.get(key), c)
        for key, c in after.items()
        if key not in before or c.to_json() != before[key].to_json()
    ]
    out += [ConcessionChange(key, c, None) for key, c in before.items() if key not in after]
    return tuple(out)


def _labels(concession: Concession) -> tuple[str, ...]:
    return tuple(c.label for c in concession.constraints)
