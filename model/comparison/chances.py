"""How the chance of a deal, and of each deal, moves between two variants of a scenario.

Both variants are sampled with the same number of draws and the same seed; each uncertain
value draws from its own stream, named where it is written, so a value that did not change
between the variants takes the same draws in both, and differences come from what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..robustness.analyse import LISTED
from ..robustness.results import Estimate, PackageChance, Robustness, Summary

#: Packages compared: the most robust of each variant, this many from each.
COMPARED = 10


@dataclass(frozen=True, slots=True)
class ChanceChange:
    """One package's share of draws in which it is acceptable, before and now."""

    options: tuple[str, ...]
    old: Estimate
    new: Estimate

    @property
    def change(self) -> float:
        return self.new.share - self.old.share

    def to_json(self) -> dict[str, Any]:
        return {
            "options": list(self.options),
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "change": round(self.change, 6),
        }


@dataclass(frozen=True, slots=True)
class ChancesDiff:
    """The robustness of two variants side by side."""

    old: Summary
    new: Summary
    packages: tuple[ChanceChange, ...]  # the largest change first

    @property
    def change(self) -> float:
        """How far the chance of a deal moved (in shares of draws)."""
        return self.new.deal.share - self.old.deal.share

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        return {
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "change": round(self.change, 6),
            "packages": [p.to_json() for p in self.packages[:top]],
        }


def compare_chances(old: Robustness, new: Robustness) -> ChancesDiff:
    """The chance of a deal before and now, and the most robust packages of either."""
    before, after = _chances(old), _chances(new)
    chosen = dict.fromkeys(
        [frozenset(p.options) for p in old.packages[:COMPARED]]
        + [frozenset(p.options) for p in new.packages[:COMPARED]]
    )
    names = {frozenset(p.options): p.options for p in [*new.packages, *old.packages]}
    changes = []
    for key in chosen:
        was, now = _share(before, key, old), _share(after, key, new)
        if was is not None and now is not None:
            changes.append(ChanceChange(names[key], was, now))
    changes.sort(key=lambda c: (-abs(c.change), -c.new.share, c.options))
    return ChancesDiff(old.summary(), new.summary(), tuple(changes))


def _chances(result: Robustness) -> dict[frozenset[str], Estimate]:
    return {frozenset(p.options): p.chance for p in result.packages}


def _share(
    found: dict[frozenset[str], Estimate], key: frozenset[str], run: Robustness
) -> Estimate | None:
    """A package's estimate in a run: 0 hits when it is acceptable in no draw; None when the
    run's list was cut (LISTED packages) before it, so that its share is not known here (such
    a package is left out of the comparison rather than given a made-up share)."""
    if key in found:
        return found[key]
    listed: Sequence[PackageChance] = run.packages
    return None if len(listed) >= LISTED else Estimate(0, run.samples)
