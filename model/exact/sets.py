"""Failure sets: which constraints a package fails, as bits (64 constraints per word).

The distinct sets of a chunk are counted without sorting: only the bits that vary in the
chunk make up the key of a `bincount`. A set is a Python int once it leaves the arrays.
What the reports need from them is added up chunk by chunk (`SetCounts`): no set outlives
its chunk, so memory does not grow with their number (one per package, at worst).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError
from .values import Ints

MAX_KEY_BITS = 20
#: More minimal failure sets (concessions) than this and evaluation stops (TooLargeError).
MAX_CONCESSIONS = 20_000
Index = NDArray[np.intp]


@dataclass(frozen=True)
class ChunkSets:
    """The distinct failure sets of a chunk's feasible packages."""

    sets: NDArray[np.uint64]  # (distinct, words)
    counts: NDArray[np.int64]  # packages with each set
    where: Index  # chunk index of each feasible package
    key: NDArray[np.int64]  # per feasible package: its set's key
    set_keys: NDArray[np.int64]  # per distinct set: its key

    def members(self, j: int) -> Index:
        """Chunk indices of the packages whose failure set is distinct set j."""
        found: Index = self.where[self.key == self.set_keys[j]]
        return found


def as_int(row: NDArray[np.uint64]) -> int:
    """A failure set from its words."""
    return sum(int(v) << (64 * i) for i, v in enumerate(row.tolist()))


def widen(planes: list[NDArray[np.uint8]]) -> list[Ints]:
    """Byte planes (8 constraints each) -> 64-bit words (64 constraints each)."""
    words = []
    for start in range(0, len(planes), 8):
        word = planes[start].astype(np.uint64)
        for j, plane in enumerate(planes[start + 1 : start + 8], start=1):
            word |= plane.astype(np.uint64) << np.uint64(8 * j)
        words.append(word)
    return words


def chunk_sets(planes: list[NDArray[np.uint8]], feasible: NDArray[np.bool_]) -> ChunkSets:
    """Each distinct failure set among a chunk's feasible packages, with its count."""
    where = np.flatnonzero(feasible)
    chosen = widen([p[where] for p in planes])
    if where.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ChunkSets(np.zeros((0, len(chosen)), dtype=np.uint64), empty, where, empty, empty)
    if len(chosen) == 1 and int(chosen[0].max()) < 4 * feasible.size:
        key = chosen[0].astype(np.int64)
        counts = np.bincount(key)
        set_keys = np.flatnonzero(counts)
        sets = set_keys.astype(np.uint64)[:, None]
        return ChunkSets(sets, counts[set_keys], where, key, set_keys)
    return _compressed(chosen, where)


def _compressed(chosen: list[Ints], where: Index) -> ChunkSets:
    """Key on the bits that vary in the chunk (sorting only when too many vary)."""
    always = [np.bitwise_and.reduce(w) for w in chosen]
    varying = [
        (i, b)
        for i, w in enumerate(chosen)
        for b in range(64)
        if (int(np.bitwise_or.reduce(w)) ^ int(always[i])) >> b & 1
    ]
    if len(varying) > MAX_KEY_BITS:
        rows, key, counts = _unique_rows(np.stack(chosen, axis=1))
        return ChunkSets(rows, counts, where, key, np.arange(rows.shape[0]))
    key = np.zeros(where.shape, dtype=np.int64)
    for j, (i, b) in enumerate(varying):
        key |= ((chosen[i] >> np.uint64(b)) & np.uint64(1)).astype(np.int64) << j
    counts = np.bincount(key)
    set_keys = np.flatnonzero(counts)
    sets = np.tile(np.array(always, dtype=np.uint64), (set_keys.size, 1))
    for j, (i, b) in enumerate(varying):
        sets[:, i] |= ((set_keys >> j) & 1).astype(np.uint64) << np.uint64(b)
    return ChunkSets(sets, counts[set_keys], where, key, set_keys)


def _unique_rows(
    stacked: NDArray[np.uint64],
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows, each row's index among them, and their counts.

    What `np.unique(..., axis=0)` gives, by a lexicographic sort of the columns: unique on
    rows sorts them as opaque bytes, several times slower.
    """
    order = np.lexsort(stacked.T[::-1])
    ordered = stacked[order]
    change = np.any(ordered[1:] != ordered[:-1], axis=1)
    starts = np.flatnonzero(np.concatenate(([True], change)))
    counts = np.diff(np.append(starts, stacked.shape[0]))
    index = np.empty(stacked.shape[0], dtype=np.int64)
    index[order] = np.cumsum(np.concatenate(([0], change)))
    return ordered[starts], index, counts


def as_words(mask: int, words: int) -> NDArray[np.uint64]:
    """A set of constraints (a Python int) as 64-bit words."""
    return np.array([(mask >> (64 * i)) & (2**64 - 1) for i in range(words)], dtype=np.uint64)


def touching(sets: NDArray[np.uint64], mask: int) -> NDArray[np.bool_]:
    """Rows of `sets` (distinct, words) that share a constraint with `mask`."""
    found: NDArray[np.bool_] = ((sets & as_words(mask, sets.shape[1])) != 0).any(axis=1)
    return found


@dataclass
class SetCounts:
    """Feasible packages counted by the constraints they fail, added up chunk by chunk.

    Per actor (`actors` and `hard` are masks of its constraints, all and blocking ones): the
    packages it rejects, blocks, and rejects alone; per constraint, the packages failing it.
    """

    actors: list[int]
    hard: list[int]
    n_constraints: int
    rejects: NDArray[np.int64] = field(init=False)
    blocks: NDArray[np.int64] = field(init=False)
    sole: NDArray[np.int64] = field(init=False)
    fails: NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        self.rejects, self.blocks, self.sole = (
            np.zeros(len(self.actors), dtype=np.int64) for _ in range(3)
        )
        self.fails = np.zeros(self.n_constraints, dtype=np.int64)

    def add(self, sets: ChunkSets) -> None:
        """Add the counts of one chunk's distinct failure sets."""
        if sets.counts.size == 0:
            return
        everything = (1 << self.n_constraints) - 1
        for a, (mine, hard) in enumerate(zip(self.actors, self.hard, strict=True)):
            inside = touching(sets.sets, mine)
            outside = touching(sets.sets, everything & ~mine)
            self.rejects[a] += int(sets.counts[inside].sum())
            self.blocks[a] += int(sets.counts[touching(sets.sets, hard)].sum())
            self.sole[a] += int(sets.counts[inside & ~outside].sum())
        self.fails += _per_bit(sets.sets, sets.counts, self.n_constraints)

    def absorb(self, other: SetCounts) -> None:
        """Add the counts of other chunks (of the same scenario)."""
        self.rejects += other.rejects
        self.blocks += other.blocks
        self.sole += other.sole
        self.fails += other.fails


def _per_bit(sets: NDArray[np.uint64], counts: NDArray[np.int64], bits: int) -> NDArray[np.int64]:
    """Per bit k < bits: the total count of the rows holding it (one histogram per byte)."""
    out = np.zeros(-(-bits // 8) * 8, dtype=np.int64)
    table = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1
    for byte in range(out.size // 8):
        column = (sets[:, byte // 8] >> np.uint64(8 * (byte % 8))) & np.uint64(0xFF)
        histogram = np.bincount(column.astype(np.intp), weights=counts, minlength=256)
        # a sum of products rather than `@`: no BLAS call, so forked workers share no lock
        out[8 * byte : 8 * byte + 8] = np.rint((histogram[:, None] * table).sum(axis=0))
    return out[:bits]


def minimal_sets(sets: Iterable[int], *, limit: int | None = None) -> list[int]:
    """The non-empty sets that no other set of the collection is a proper subset of.

    Raises TooLargeError as soon as more than `limit` are found: each is a concession, and
    telling them apart costs time in their number squared.
    """
    kept: list[int] = []
    for s in sorted({s for s in sets if s}, key=lambda s: (s.bit_count(), s)):
        if not any(k & s == k for k in kept):
            kept.append(s)
            if limit is not None and len(kept) > limit:
                raise TooLargeError(too_many_concessions(limit))
    return kept


def too_many_concessions(limit: int) -> str:
    """Why a scenario with too many minimal failure sets is refused, and what to do."""
    return (
        f"more than {limit:,} minimal sets of constraints to relax (concessions): use fewer "
        "constraints, e.g. one 'veto: [a, b, ...]' or 'demand: [a, b, ...]' instead of one "
        "constraint per option"
    )


def not_above(sets: NDArray[np.uint64], known: list[int]) -> NDArray[np.bool_]:
    """Rows of `sets` that are non-empty and not a proper superset of any known set."""
    if sets.shape[1] == 1:
        col = sets[:, 0]
        ok: NDArray[np.bool_] = col != 0
        for k in known:
            m = np.uint64(k)
            ok &= ~(((col & m) == m) & (col != m))
        return ok
    ints = [as_int(row) for row in sets]
    return np.array([s != 0 and not any(k & s == k and k != s for k in known) for s in ints])
