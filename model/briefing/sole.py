"""The feasible packages each actor alone rejects: every other actor accepts them.

`evaluate` counts them (`ActorBlocks.sole`); a briefing lists them. One exact pass over every
package (the enumeration of model/exact/enumerate.py), in bounded memory: per chunk, which
actors reject each feasible package (from its failure bits, a byte plane at a time), then
per actor the packages rejected by it alone, all counted and the best-ranked `keep` kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import CompiledScenario
from ..exact.enumerate import Chunk, Enumerator, Progress
from ..exact.ranking import rank_order
from ..exact.results import Failure, PackageList
from ..exact.values import Ints
from ..exact.verdicts import Batch, package_list

#: Packages kept per actor (best-ranked first): a briefing shows far fewer.
KEEP = 4096


class ActorFailures(Sequence[tuple[Failure, ...]]):
    """Per package of a list, the constraints of one actor it fails (each with the bounds it
    misses), made only for the packages looked at."""

    def __init__(self, compiled: CompiledScenario, masks: Ints, actor: str) -> None:
        self.batch = Batch(compiled, masks)
        self.actor = actor

    def __len__(self) -> int:
        return int(self.batch.masks.size)

    @overload
    def __getitem__(self, index: int) -> tuple[Failure, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Failure, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Failure, ...] | list[tuple[Failure, ...]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        j = range(len(self))[index]
        failed = self.batch.failures(j, rules=False)
        return tuple(f for f in failed if f.constraint.actor == self.actor)


@dataclass(frozen=True, slots=True)
class SoleRejections:
    """The feasible packages one actor alone rejects: how many, and the best-ranked of them
    with the actor's constraints each fails."""

    actor: str
    count: int
    packages: PackageList  # rank order, at most `keep` of them
    failures: ActorFailures  # the same packages' failures of the actor's constraints


def sole_rejections(
    compiled: CompiledScenario, *, keep: int = KEEP, progress: Progress | None = None
) -> tuple[SoleRejections, ...]:
    """Per actor (file order): the feasible packages that it rejects and no other actor does."""
    walker = Enumerator(compiled)
    bytes_of = _actor_bytes(compiled, walker.n_planes)
    counts = [0] * len(compiled.actors)
    kept = [np.zeros(0, dtype=np.uint64) for _ in compiled.actors]
    for chunk in walker.walk(progress):
        for a, masks in enumerate(_sole_masks(walker, chunk, bytes_of)):
            counts[a] += int(masks.size)
            if masks.size:
                kept[a] = np.concatenate((kept[a], masks))
                if kept[a].size > 2 * keep:
                    kept[a] = _best(compiled, kept[a], keep)
    best = [_best(compiled, masks, keep) for masks in kept]
    return tuple(
        SoleRejections(
            actor,
            counts[a],
            package_list(compiled, best[a]),
            ActorFailures(compiled, best[a], actor),
        )
        for a, actor in enumerate(compiled.actors)
    )


def _actor_bytes(compiled: CompiledScenario, planes: int) -> list[list[int]]:
    """Per actor, per byte plane: the bits of the actor's constraints in that plane."""
    out = [[0] * planes for _ in compiled.actors]
    for k, test in enumerate(compiled.constraints):
        if test.actor is not None:
            out[test.actor][k // 8] |= 1 << (k % 8)
    return out


def _sole_masks(walker: Enumerator, chunk: Chunk, bytes_of: list[list[int]]) -> list[Ints]:
    """Per actor, the internal masks of the chunk's feasible packages it alone rejects."""
    where = walker.feasible_index(chunk)
    rejects = np.zeros((len(bytes_of), where.size), dtype=np.bool_)
    for j, plane in enumerate(chunk.planes):
        failed = plane[where]
        for a, actor_bytes in enumerate(bytes_of):
            if actor_bytes[j]:
                rejects[a] |= (failed & np.uint8(actor_bytes[j])) != 0
    alone: NDArray[np.bool_] = rejects & (rejects.sum(axis=0) == 1)
    return [chunk.masks(where[alone[a]]) for a in range(len(bytes_of))]


def _best(compiled: CompiledScenario, masks: Ints, keep: int) -> Ints:
    """The `keep` best-ranked masks, in rank order."""
    best: Ints = masks[rank_order(compiled, masks)[:keep]]
    return best
