"""The feasible packages each actor alone rejects: every other actor accepts them.

`evaluate` counts them (`ActorBlocks.sole`); a briefing lists them. One exact pass over every
package (the enumeration of model/exact/enumerate.py), in bounded memory: per chunk, which
actors reject each feasible package (from its failure bits, a byte plane at a time), then
per actor the packages rejected by it alone, all counted and the best-ranked `keep` kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import CompiledScenario
from ..exact.enumerate import Chunk, Enumerator, Progress
from ..exact.ranking import rank_order
from ..exact.results import PackageList
from ..exact.values import Ints
from ..exact.verdicts import package_list

#: Packages kept per actor (best-ranked first): a briefing shows far fewer.
KEEP = 4096


@dataclass(frozen=True, slots=True)
class SoleRejections:
    """The feasible packages one actor alone rejects: how many, and the best-ranked of them."""

    actor: str
    count: int
    packages: PackageList  # rank order, at most `keep` of them


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
    return tuple(
        SoleRejections(actor, counts[a], package_list(compiled, _best(compiled, kept[a], keep)))
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
