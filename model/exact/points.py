"""Every feasible package as a point on (benefit, risk) with its status, for a picture.

One exact pass over all packages (the same enumeration as `evaluate`) counts the feasible
packages of each status exactly. Their points are kept whole while they are few; beyond
`limit`, a deterministic sample is kept: in each status, the packages with the smallest
value of a fixed hash of their mask (a bottom-k sample, uniform within the status and the
same on every run), so that rare statuses (the acceptable packages) are never drowned by
common ones. Memory stays bounded by `limit`, whatever the number of packages. The
frontier is not sampled: it comes exact from `evaluate`.

Status of a feasible package (see docs/explanation/semantics.md):
- ACCEPTABLE: fails no constraint;
- HELD_BACK: fails only metric limits (held back by degree, not by principle); those on the
  frontier are what reports call the trade-offs;
- BLOCKED: fails a veto, demand, demand_any or condition of some actor.

`free_groups` merges packages that differ only by options with no effect on what is being
compared (formal recognition at 0 and 0, with or without it the package sits at the same
point): reports show `P (with or without o)` once instead of P and P with o, so that a
zero-effect option does not double every list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..format.schema import Bound, Scenario
from ..format.uncertain import Uncertain
from .compile import CompiledScenario, compile_scenario
from .enumerate import Chunk, Enumerator, Progress
from .results import ConstraintRef
from .values import SCALE, Floats, Ints

ACCEPTABLE, HELD_BACK, BLOCKED = 0, 1, 2
STATUS_NAMES = ("acceptable", "held back by limits", "blocked")
#: Points kept (in all) when there are more feasible packages than this.
DISPLAY_LIMIT = 5000
#: Exact enumeration stops here, as for `evaluate`.

Codes = NDArray[np.int8]


@dataclass(frozen=True, eq=False)
class PackagePoints:
    """Feasible packages as points: masks in file order, values, status codes, exact counts."""

    benefit_metric: str
    risk_metric: str
    masks: Ints  # bit i: the option at file position i
    benefit: Floats  # on the reporting grid
    risk: Floats
    status: Codes  # ACCEPTABLE, HELD_BACK or BLOCKED
    counts: tuple[int, int, int]  # every feasible package, per status (not only those kept)

    @property
    def feasible(self) -> int:
        """How many feasible packages there are (all statuses)."""
        return sum(self.counts)

    @property
    def sampled(self) -> bool:
        """Whether only a sample of the feasible packages is kept."""
        return int(self.masks.size) < self.feasible


@dataclass(frozen=True, slots=True)
class LimitLine:
    """An actor's bound on the benefit or the risk metric, where a picture draws it."""

    actor: str
    constraint: str  # `russia.max_escalation`, `russia#2`
    axis: Literal["benefit", "risk"]
    metric: str
    side: Literal["min", "max"]
    value: float  # best guess
    low: float  # the bound's range when it is uncertain (a range or triangular), else value
    high: float


def package_points(
    scenario: Scenario, *, limit: int = DISPLAY_LIMIT, progress: Progress | None = None
) -> PackagePoints:
    """Every feasible package's (benefit, risk) and status; a fixed sample beyond `limit`."""
    compiled = compile_scenario(scenario)
    walker = Enumerator(compiled)
    hard = _hard_planes(compiled, walker.n_planes)
    kept = [_Kept() for _ in STATUS_NAMES]
    counts = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    for chunk in walker.walk(progress):
        index = np.flatnonzero(chunk.feasible)
        status = _status(chunk, index, hard)
        counts += np.bincount(status, minlength=len(STATUS_NAMES))
        for code, keep in enumerate(kept):
            keep.add(chunk, index[status == code], limit)
    quotas = share(tuple(int(k.masks.size) for k in kept), limit)
    return _points(compiled, kept, quotas, (int(counts[0]), int(counts[1]), int(counts[2])))


def _hard_planes(compiled: CompiledScenario, planes: int) -> list[np.uint8]:
    """Per byte plane, the bits of the constraints that block (not limits)."""
    out = [0] * planes
    for k, test in enumerate(compiled.constraints):
        if test.hard:
            out[k // 8] |= 1 << (k % 8)
    return [np.uint8(bits) for bits in out]


def _status(chunk: Chunk, index: NDArray[np.intp], hard: list[np.uint8]) -> Codes:
    """The status code of some feasible packages of a chunk."""
    failed = np.zeros(index.size, dtype=np.bool_)
    blocked = np.zeros(index.size, dtype=np.bool_)
    for plane, bits in zip(chunk.planes, hard, strict=True):
        part = plane[index]
        failed |= part != 0
        blocked |= (part & bits) != 0
    status = np.where(failed, HELD_BACK, ACCEPTABLE).astype(np.int8)
    status[blocked] = BLOCKED
    return status


def mix(masks: Ints) -> Ints:
    """A fixed 64-bit hash of each mask (the splitmix64 finaliser): the sampling order."""
    x = np.asarray(masks, dtype=np.uint64).copy()
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


class _Kept:
    """The packages of one status with the smallest hashes seen so far (at most `limit`)."""

    def __init__(self) -> None:
        self.masks: Ints = np.zeros(0, dtype=np.uint64)
        self.hashes: Ints = np.zeros(0, dtype=np.uint64)
        self.values: Floats = np.zeros((0, 2))

    def add(self, chunk: Chunk, index: NDArray[np.intp], limit: int) -> None:
        """Offer some packages of a chunk; keep the `limit` smallest hashes of all offered."""
        if index.size == 0:
            return
        masks = chunk.masks(index)
        hashes = mix(masks)
        if self.masks.size >= limit:
            below = hashes <= self.hashes.max()
            index, masks, hashes = index[below], masks[below], hashes[below]
        c = chunk.walker.c
        values = np.stack((chunk.q_at(c.benefit, index), chunk.q_at(c.risk, index)), axis=1)
        self.masks = np.concatenate((self.masks, masks))
        self.hashes = np.concatenate((self.hashes, hashes))
        self.values = np.concatenate((self.values, values / SCALE))
        if self.masks.size > limit:
            self.cut(limit)

    def cut(self, size: int) -> None:
        """Keep the `size` smallest hashes (ties, never seen in practice, by mask)."""
        order = np.lexsort((self.masks, self.hashes))[:size]
        self.masks, self.hashes, self.values = (
            self.masks[order],
            self.hashes[order],
            self.values[order],
        )


def share(sizes: tuple[int, ...], limit: int) -> tuple[int, ...]:
    """How many of each group to keep so that at most `limit` are kept in all.

    Water-filling: a group smaller than an equal share keeps everything, and what it leaves
    goes to the others equally (remainders to the first groups).
    """
    quotas = [0] * len(sizes)
    left, open_ = limit, sorted(range(len(sizes)), key=lambda i: (sizes[i], i))
    while open_:
        fair, extra = divmod(left, len(open_))
        smallest = open_[0]
        if sizes[smallest] <= fair:
            quotas[smallest] = sizes[smallest]
            left -= sizes[smallest]
            open_.pop(0)
            continue
        for rank, i in enumerate(sorted(open_)):
            quotas[i] = fair + (rank < extra)
        break
    return tuple(quotas)


def _points(
    compiled: CompiledScenario, kept: list[_Kept], quotas: tuple[int, ...], counts: tuple[int, ...]
) -> PackagePoints:
    """The kept packages of every status, cut to their quotas, in status then mask order."""
    for keep, quota in zip(kept, quotas, strict=True):
        keep.cut(quota)
    masks = compiled.to_file_order(np.concatenate([k.masks for k in kept]))
    values = np.concatenate([k.values for k in kept])
    status = np.repeat(np.arange(len(kept), dtype=np.int8), [k.masks.size for k in kept])
    order = np.lexsort((masks, status))
    scenario = compiled.scenario
    return PackagePoints(
        benefit_metric=scenario.tradeoff.benefit,
        risk_metric=scenario.tradeoff.risk,
        masks=masks[order],
        benefit=values[order, 0],
        risk=values[order, 1],
        status=status[order],
        counts=(counts[0], counts[1], counts[2]),
    )


def free_groups(masks: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Packages (masks) merged into `(base, free)` groups, in the order first seen: a group
    stands for `base | s` for every subset `s` of `free`, all of which were given.

    One pass per option bit merges each pair of groups that differ by that bit alone
    (a single-pass Quine-McCluskey merge): exact, and every package is in one group.
    """
    groups = list(dict.fromkeys((int(m), 0) for m in masks))
    every = 0
    for base, _ in groups:
        every |= base
    bit = 1
    while bit <= every:
        if every & bit:
            groups = _merge(groups, bit)
        bit <<= 1
    return tuple(groups)


def _merge(groups: list[tuple[int, int]], bit: int) -> list[tuple[int, int]]:
    """Groups with each pair differing only by `bit` made one, at the first one's place."""
    present = set(groups)
    used: set[tuple[int, int]] = set()
    out = []
    for group in groups:
        if group in used:
            continue
        base, free = group
        partner = (base ^ bit, free)
        if partner in present and partner not in used:
            used.add(partner)
            out.append((base & ~bit, free | bit))
        else:
            out.append(group)
    return out


def limit_lines(scenario: Scenario) -> tuple[LimitLine, ...]:
    """Each actor's bounds on the benefit and the risk metric, actors and bounds in file order."""
    axes: dict[str, Literal["benefit", "risk"]] = {
        scenario.tradeoff.benefit: "benefit",
        scenario.tradeoff.risk: "risk",
    }
    out = []
    for actor_id, actor in scenario.actors.items():
        for index, constraint in enumerate(actor.constraints):
            label = ConstraintRef(actor_id, index, constraint.kind, constraint.id).label
            for metric, bound in (constraint.limit or {}).items():
                if metric in axes:
                    out += _lines(actor_id, label, axes[metric], metric, bound)
    return tuple(out)


def _lines(
    actor: str, label: str, axis: Literal["benefit", "risk"], metric: str, bound: Bound
) -> list[LimitLine]:
    """The min and the max of a bound as lines, each with its range when it is uncertain."""
    sides: tuple[tuple[Literal["min", "max"], Uncertain | None], ...] = (
        ("min", bound.min),
        ("max", bound.max),
    )
    out = []
    for side, value in sides:
        if value is None:
            continue
        ranged = value.kind in ("range", "triangular")
        low, high = value.support if ranged else (value.best, value.best)
        out.append(LimitLine(actor, label, axis, metric, side, value.best, low, high))
    return out
