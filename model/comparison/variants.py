"""Many variants of a scenario side by side (`guarantees compare`): one row per variant.

Each row sums a variant up from the results of the other analyses, as their reports word it:
whether there is a deal (how many packages are acceptable) and the best package, the
smallest concessions that would open one (every one tied for smallest; none when there is a
deal), the actors most often alone in rejecting a package, and where they were computed, the
chance of a deal across the variant's uncertain values and how many acceptable packages are
equilibria. Rows are grouped by what changed from the base (the first variant): changes of
substance (values, constraints, options, rules) as `diff` finds them (inputs.py), changes of
wording (notes, labels, sources, titles) only counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..exact.results import ActorBlocks, Concession, Evaluation, Package
from ..format.schema import Scenario
from ..robustness.results import Estimate
from .inputs import Change, input_changes

COMPARE_SCHEMA = "guarantees.compare/1"
#: Sections and fields whose changes are wording, not substance: counted, not listed.
WORDING_SECTIONS = frozenset({"scenario", "sources"})
WORDING_FIELDS = frozenset({"note", "source", "label", "name"})


@dataclass(frozen=True, slots=True)
class Inputs:
    """One variant as analysed: its scenario, evaluation, and the optional figures."""

    file: str
    scenario: Scenario
    result: Evaluation
    deal: Estimate | None = None  # the chance of a deal across the draws, if drawn
    equilibria: dict[str, int] | None = None  # acceptable packages stable per concept


@dataclass(frozen=True, slots=True)
class Variant:
    """One row of the comparison."""

    file: str
    scenario_id: str
    scenario_hash: str
    group: int  # rows with the same changes from the base share a group (0: the base's)
    changes: tuple[Change, ...]  # changes of substance from the base, in file order
    wording: int  # changes of wording from the base (notes, labels, sources, titles)
    feasible: int
    acceptable: int
    best: Package | None  # the best acceptable package, by the rank key
    smallest: tuple[Concession, ...]  # every concession tied for smallest; none with a deal
    alone: tuple[ActorBlocks, ...]  # the actors most often alone in rejecting a package
    deal: Estimate | None
    equilibria: dict[str, int] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": True,
            "scenario": {"id": self.scenario_id, "hash": self.scenario_hash},
            "group": self.group,
            "changes": [c.to_json() for c in self.changes],
            "wording_changes": self.wording,
            "feasible": self.feasible,
            "acceptable": self.acceptable,
            "best": None if self.best is None else self.best.to_json(),
            "smallest_concessions": [c.to_json() for c in self.smallest],
            "sole_blockers": [{"actor": b.actor, "sole": b.sole} for b in self.alone],
            "deal": None if self.deal is None else self.deal.to_json(),
            "equilibria": self.equilibria,
        }


def compare(variants: Sequence[Inputs]) -> tuple[Variant, ...]:
    """Every variant against the first (the base), grouped by the changes of substance
    from it: the base's group first, then groups by how many changes, then by what they
    are; within a group, in the order given."""
    if not variants:
        return ()
    base = variants[0].scenario
    split = [_split(input_changes(base, v.scenario)) for v in variants]
    keys = [tuple(_key(c) for c in changes) for changes, _ in split]
    order = sorted(dict.fromkeys(keys), key=lambda k: (k != keys[0], len(k), k))
    group = {key: n for n, key in enumerate(order)}
    rows = [
        _row(v, group[key], changes, wording)
        for v, key, (changes, wording) in zip(variants, keys, split, strict=True)
    ]
    return tuple(sorted(rows, key=lambda r: r.group))


def _split(changes: tuple[Change, ...]) -> tuple[tuple[Change, ...], int]:
    """Changes of substance, and how many of wording."""
    wording = [c for c in changes if c.section in WORDING_SECTIONS or c.field in WORDING_FIELDS]
    return tuple(c for c in changes if c not in wording), len(wording)


def _key(change: Change) -> tuple[str, ...]:
    return (change.change, change.section, change.item, change.field or "", *_values(change))


def _values(change: Change) -> tuple[str, str]:
    return change.old or "", change.new or ""


def _row(v: Inputs, group: int, changes: tuple[Change, ...], wording: int) -> Variant:
    result = v.result
    return Variant(
        file=v.file,
        scenario_id=result.scenario_id,
        scenario_hash=result.scenario_hash,
        group=group,
        changes=changes,
        wording=wording,
        feasible=result.counts.feasible,
        acceptable=result.counts.acceptable,
        best=result.acceptable[0] if len(result.acceptable) else None,
        smallest=() if result.counts.acceptable else smallest(result.concessions),
        alone=tuple(b for b in result.blocks if b.actor in result.sole_blockers),
        deal=v.deal,
        equilibria=v.equilibria,
    )


def smallest(concessions: Sequence[Concession]) -> tuple[Concession, ...]:
    """Every concession tied with the first (as few constraints, the same shift): the list is
    ranked, smallest first (exact/evaluate.py)."""
    if not concessions:
        return ()
    first = concessions[0]
    return tuple(
        c
        for c in concessions
        if len(c.constraints) == len(first.constraints) and c.shift == first.shift
    )


def held_deals(scenario: Scenario) -> dict[str, int] | None:
    """Per stability concept, how many acceptable packages are equilibria (as `stability`
    counts them); None when no actor states a preference (every package trivially holds).
    Raises TooLargeError past the stability analysis' limits."""
    from ..stability.analysis import analyse
    from ..stability.conflict import CONCEPTS

    if not any(actor.preference for actor in scenario.actors.values()):
        return None
    found = analyse(scenario)
    return {c: sum(s.equilibrium[c] for s in found.acceptable) for c in CONCEPTS}
