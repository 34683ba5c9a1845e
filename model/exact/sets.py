"""Failure sets: which constraints a package fails, as bits (64 constraints per word).

A chunk's failure sets are rows, held as byte columns (byte j: constraints 8j to 8j + 7) and
given as 64-bit words where sets are compared. When few constraints vary among its feasible
packages, the distinct sets are counted without sorting (only the varying bits make up the key
of a `bincount`) and each row is a distinct set with its count; otherwise each row is one
package (deduplicating would cost a sort and gain little when most sets differ). Everything
the reports need is derived from the rows by array operations (`SetCounts` adds per-actor and
per-constraint counts chunk by chunk, through per-byte lookup tables), so no set outlives its
chunk and no Python loop runs over sets or packages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import TooLargeError

MAX_KEY_BITS = 20
KEY_BITS = 18  # a chunk's key may span this many bits when its planes go whole
#: More minimal failure sets (concessions) than this and evaluation stops (TooLargeError).
MAX_CONCESSIONS = 20_000
Index = NDArray[np.intp]
Rows = NDArray[np.uint64]  # (sets, words): bit k of word i is constraint 64 i + k
#: Per byte value, its 8 bits (column b: bit b), to turn histograms of bytes into bit counts.
_BITS = ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1).astype(np.float64)
_BIT = tuple(np.uint8(1 << b) for b in range(8))
#: _HOLDS[v, u]: byte value v holds every bit of byte value u.
_HOLDS = (np.arange(256)[:, None] & np.arange(256)[None, :]) == np.arange(256)[None, :]


class ChunkSets:
    """The failure sets of a chunk's feasible packages, as rows (see the module docstring).

    Held as byte columns (`columns[j]`: byte j of every row's set, contiguous), the form that
    lookup tables read; `rows()` gives them as 64-bit words. Which row each package has
    (`row`) is worked out only when asked for: most chunks never need it.
    """

    def __init__(
        self,
        columns: NDArray[np.uint8],
        counts: NDArray[np.int64] | None,
        where: Index,
        key: Index | None = None,
        row_of_key: Index | None = None,
    ) -> None:
        self.columns = columns  # (bytes, rows)
        self.counts = counts  # packages with each row's set; None: one each
        self.where = where  # chunk index of each feasible package
        self._key, self._row_of_key = key, row_of_key

    @functools.cached_property
    def row(self) -> Index:
        """Per feasible package: its row."""
        if self._key is None or self._row_of_key is None:
            return np.arange(self.where.size)
        found: Index = self._row_of_key[self._key]
        return found

    def __len__(self) -> int:
        return int(self.columns.shape[1])

    def rows(self, index: Index | None = None) -> Rows:
        """Rows `index` (default: all) as 64-bit words."""
        return from_bytes(self.columns if index is None else self.columns[:, index])

    def members(self, j: int) -> Index:
        """Chunk indices of the packages whose failure set is row j."""
        found: Index = self.where[self.row == j]
        return found


def from_bytes(columns: NDArray[np.uint8]) -> Rows:
    """Byte columns (bytes, rows) -> rows of 64-bit words."""
    n_bytes, size = columns.shape
    padded = np.zeros((size, max(1, -(-n_bytes // 8)) * 8), dtype=np.uint8)
    padded[:, :n_bytes] = columns.T
    return padded.view("<u8").astype(np.uint64)


def to_bytes(rows: Rows, n_bytes: int) -> NDArray[np.uint8]:
    """Rows of words -> their first `n_bytes` byte columns, each contiguous."""
    return np.ascontiguousarray(_bytes(rows)[:, :n_bytes].T)


def as_int(row: NDArray[np.uint64]) -> int:
    """A failure set from its words."""
    return sum(int(v) << (64 * i) for i, v in enumerate(row.tolist()))


def as_words(mask: int, words: int) -> NDArray[np.uint64]:
    """A set of constraints (a Python int) as 64-bit words."""
    return np.array([(mask >> (64 * i)) & (2**64 - 1) for i in range(words)], dtype=np.uint64)


def chunk_sets(
    planes: list[NDArray[np.uint8]], feasible: NDArray[np.bool_], where: Index | None = None
) -> ChunkSets:
    """The failure sets of a chunk's feasible packages (`where`, if known already): distinct
    with counts when few bits vary (a key made of the varying bits), else one per package."""
    where = np.flatnonzero(feasible) if where is None else where
    columns = np.empty((len(planes), where.size), dtype=np.uint8)
    for j, plane in enumerate(planes):
        np.take(plane, where, out=columns[j])
    if where.size == 0:
        return ChunkSets(columns, np.zeros(0, dtype=np.int64), where)
    always = np.bitwise_and.reduce(columns, axis=1).tolist()
    anywhere = np.bitwise_or.reduce(columns, axis=1).tolist()
    varying = [v ^ a for v, a in zip(anywhere, always, strict=True)]
    if sum(v.bit_count() for v in varying) > MAX_KEY_BITS:
        return ChunkSets(columns, None, where)
    key = _key(columns, varying)
    counts = np.bincount(key)
    set_keys = np.flatnonzero(counts)
    row_of = np.zeros(counts.size, dtype=np.intp)
    row_of[set_keys] = np.arange(set_keys.size)
    distinct = np.empty((len(planes), set_keys.size), dtype=np.uint8)
    for j, (fields, fixed) in enumerate(zip(_fields(varying), always, strict=True)):
        byte = np.full(set_keys.size, fixed, dtype=np.intp)
        for start, length, shift in fields:
            byte |= ((set_keys >> shift) & ((1 << length) - 1)) << start
        distinct[j] = byte
    return ChunkSets(distinct, counts[set_keys], where, key, row_of)


def _fields(varying: list[int]) -> list[list[tuple[int, int, int]]]:
    """Where each plane's varying bits go in a chunk's key: per plane, (first bit, length,
    place in the key) of each field. A plane's bits from its lowest varying one to its
    highest go as one field when the key stays within KEY_BITS (the constant bits between
    are the same for every package); else each run of varying bits is a field."""
    lowest = [(m & -m).bit_length() - 1 for m in varying]
    span = sum(m.bit_length() - low for m, low in zip(varying, lowest, strict=True) if m)
    if span <= KEY_BITS:
        pieces = [
            [(low, m.bit_length() - low)] if m else []
            for m, low in zip(varying, lowest, strict=True)
        ]
    else:
        pieces = [_runs(m) for m in varying]
    fields, shift = [], 0
    for plane in pieces:
        placed = []
        for start, length in plane:
            placed.append((start, length, shift))
            shift += length
        fields.append(placed)
    return fields


def _key(columns: NDArray[np.uint8], varying: list[int]) -> Index:
    """Per package, its varying bits packed into one small integer (see `_fields`)."""
    key = np.zeros(columns.shape[1], dtype=np.uint32)
    for j, fields in enumerate(_fields(varying)):
        if len(fields) == 1 and fields[0][0] == 0 and fields[0][1] == 8:
            key |= columns[j].astype(np.uint32) << np.uint32(fields[0][2])
            continue
        for start, length, shift in fields:
            part = (columns[j] >> np.uint8(start)) & np.uint8((1 << length) - 1)
            key |= part.astype(np.uint32) << np.uint32(shift)
    return key.astype(np.intp)


def _runs(mask: int) -> list[tuple[int, int]]:
    """(first bit, length) of each run of consecutive set bits of a byte, low runs first."""
    runs: list[tuple[int, int]] = []
    bit = 0
    while mask >> bit:
        if mask >> bit & 1:
            rest = mask >> bit
            length = (rest ^ (rest + 1)).bit_length() - 1  # its trailing ones
            runs.append((bit, length))
            bit += length
        else:
            bit += 1
    return runs


def _unique_rows(
    stacked: NDArray[np.uint64],
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows, each row's index among them, and their counts.

    What `np.unique(..., axis=0)` gives, by a lexicographic sort of the columns: unique on
    rows sorts them as opaque bytes, several times slower.
    """
    if stacked.shape[0] == 0:
        return stacked, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort(stacked.T[::-1])
    ordered = stacked[order]
    change = np.any(ordered[1:] != ordered[:-1], axis=1)
    starts = np.flatnonzero(np.concatenate(([True], change)))
    counts = np.diff(np.append(starts, stacked.shape[0]))
    index = np.empty(stacked.shape[0], dtype=np.int64)
    index[order] = np.cumsum(np.concatenate(([0], change)))
    return ordered[starts], index, counts


def find_rows(table: Rows, rows: Rows) -> Index:
    """Per row: its index in `table` (distinct rows), or -1 when it is not there."""
    if table.shape[0] == 0 or rows.shape[0] == 0:
        return np.full(rows.shape[0], -1, dtype=np.intp)
    as_bytes = np.dtype((np.void, 8 * table.shape[1]))  # a row as one sortable item
    keys = np.ascontiguousarray(table).view(as_bytes).ravel()
    wanted = np.ascontiguousarray(rows).view(as_bytes).ravel()
    order = np.argsort(keys, kind="stable")
    at = np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)
    found: Index = np.where(keys[order][at] == wanted, order[at], -1)
    return found


def per_bit(
    columns: NDArray[np.uint8], counts: NDArray[np.int64] | None, bits: int
) -> NDArray[np.int64]:
    """Per bit k < bits: the total count of the rows (byte columns) holding it, from one
    histogram per byte. A sum of products turns histograms into bit counts, rather than
    `@`: no BLAS call, so forked workers share no lock."""
    out = np.zeros(-(-bits // 8) * 8, dtype=np.int64)
    weights = None if counts is None else counts.astype(np.float64)
    for byte in range(min(out.size // 8, columns.shape[0])):
        if weights is None:  # one row each: counting bytes with the bit is cheaper
            column = columns[byte]
            out[8 * byte : 8 * byte + 8] = [np.count_nonzero(column & bit) for bit in _BIT]
            continue
        histogram = np.bincount(columns[byte], weights=weights, minlength=256)
        out[8 * byte : 8 * byte + 8] = np.rint((histogram[:, None] * _BITS).sum(axis=0))
    return out[:bits]


def _bytes(rows: Rows) -> NDArray[np.uint8]:
    """The rows as bytes, byte j of word i in column 8 i + j (least significant first)."""
    little = np.ascontiguousarray(rows, dtype=np.dtype("<u8"))
    return little.view(np.uint8).reshape(rows.shape[0], 8 * rows.shape[1])


def byte_tables(groups: list[int], n_constraints: int) -> NDArray[np.uint64]:
    """Lookup tables: for byte j of a failure set and each of its 256 values, the groups
    (as bits of words) holding one of its constraints. Shape (bytes, 256, group words)."""
    n_bytes, n_words = max(1, -(-n_constraints // 8)), max(1, -(-len(groups) // 64))
    tables = np.zeros((n_bytes, 256, n_words), dtype=np.uint64)
    values = np.arange(256)
    for g, mask in enumerate(groups):
        for j in range(n_bytes):
            part = (mask >> (8 * j)) & 0xFF
            if part:
                hit = (values & part) != 0
                tables[j, hit, g // 64] |= np.uint64(1 << (g % 64))
    return tables


def group_rows(columns: NDArray[np.uint8], tables: NDArray[np.uint64]) -> Rows:
    """Per row (byte columns), the groups (bits) with a constraint in it: an OR of one
    lookup per byte."""
    used = min(tables.shape[0], columns.shape[0])
    if tables.shape[2] == 1:  # one word of groups: gathers from flat tables
        flat = np.zeros(columns.shape[1], dtype=np.uint64)
        for j in range(used):
            flat |= tables[j, :, 0][columns[j]]
        return flat[:, None]
    out = np.zeros((columns.shape[1], tables.shape[2]), dtype=np.uint64)
    for j in range(used):
        out |= tables[j][columns[j]]
    return out


@dataclass
class SetCounts:
    """Feasible packages counted by the constraints they fail, added up chunk by chunk.

    Per actor (`actors` and `hard` are masks of its constraints, all and blocking ones): the
    packages it rejects, blocks, and rejects alone; per constraint, the packages failing it;
    and the packages held back by limits (rejected, but by no blocking constraint).
    """

    actors: list[int]
    hard: list[int]
    n_constraints: int
    rejects: NDArray[np.int64] = field(init=False)
    blocks: NDArray[np.int64] = field(init=False)
    sole: NDArray[np.int64] = field(init=False)
    fails: NDArray[np.int64] = field(init=False)
    held_back: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.rejects, self.blocks, self.sole = (
            np.zeros(len(self.actors), dtype=np.int64) for _ in range(3)
        )
        self.fails = np.zeros(self.n_constraints, dtype=np.int64)
        # one lookup for both: actor a rejects at bit a, blocks at bit len(actors) + a
        self._tables = byte_tables([*self.actors, *self.hard], self.n_constraints)
        rejecting = (1 << len(self.actors)) - 1
        self._rejecting = as_words(rejecting, self._tables.shape[2])
        self._blocking = as_words(rejecting << len(self.actors), self._tables.shape[2])

    def add(self, sets: ChunkSets) -> None:
        """Add the counts of one chunk's failure sets."""
        if len(sets) == 0:
            return
        n = len(self.actors)
        groups = group_rows(sets.columns, self._tables)
        both = per_bit(to_bytes(groups, -(-2 * n // 8)), sets.counts, 2 * n)
        self.rejects += both[:n]
        self.blocks += both[n:]
        alone = np.bitwise_count(groups & self._rejecting).sum(axis=1, dtype=np.intp) == 1
        counts = None if sets.counts is None else sets.counts[alone]
        self.sole += per_bit(to_bytes(groups[alone], -(-n // 8)), counts, n)
        self.fails += per_bit(sets.columns, sets.counts, self.n_constraints)
        held = (groups & self._rejecting).any(axis=1) & ~(groups & self._blocking).any(axis=1)
        self.held_back += int(held.sum() if sets.counts is None else sets.counts[held].sum())

    def absorb(self, other: SetCounts) -> None:
        """Add the counts of other chunks (of the same scenario)."""
        self.rejects += other.rejects
        self.blocks += other.blocks
        self.sole += other.sole
        self.fails += other.fails
        self.held_back += other.held_back


def minimal_rows(rows: Rows, *, limit: int | None = None) -> NDArray[np.bool_]:
    """Which rows (distinct, non-empty sets) have no proper subset among the rows.

    Sizes are visited in increasing order: a row is minimal when no minimal row found so far
    (all smaller) is a subset of it, compared a block at a time. Raises TooLargeError as soon
    as more than `limit` are found: each is a concession.
    """
    keep = np.zeros(rows.shape[0], dtype=np.bool_)
    sizes = np.bitwise_count(rows).sum(axis=1, dtype=np.intp)
    found = np.zeros((0, rows.shape[1]), dtype=np.uint64)
    for size in np.flatnonzero(np.bincount(sizes)):  # (np.unique would import numpy.ma)
        level = np.flatnonzero(sizes == size)
        level = level[~covers(found, to_bytes(rows[level], 8 * rows.shape[1]))]
        keep[level] = True
        found = np.concatenate((found, rows[level]))
        if limit is not None and found.shape[0] > limit:
            raise TooLargeError(too_many_concessions(limit))
    return keep


def covers(sets: Rows, columns: NDArray[np.uint8], *, proper: bool = False) -> NDArray[np.bool_]:
    """Per row (byte columns): whether some set is a subset of it (a proper one, if `proper`).

    Sets go 64 at a time, smallest first, through byte lookup tables: for byte j and each of
    its 256 values, the sets whose byte j it holds; a row holds a set when every one of its
    bytes does. Rows already covered leave, so that most rows are settled by the first sets.
    """
    out = np.zeros(columns.shape[1], dtype=np.bool_)
    if columns.shape[1] == 0:
        return out
    present = from_bytes(np.bitwise_or.reduce(columns, axis=1)[:, None])
    sets = sets[((sets & ~present) == 0).all(axis=1)]  # only sets some row could hold
    if sets.shape[0] == 0:
        return out
    set_sizes = np.bitwise_count(sets).sum(axis=1, dtype=np.intp)
    order = np.argsort(set_sizes, kind="stable")
    sets, set_sizes = sets[order], set_sizes[order]
    sizes = np.bitwise_count(columns).sum(axis=0, dtype=np.intp) if proper else None
    left = np.arange(columns.shape[1])
    for start in range(0, sets.shape[0], 64):
        block, block_sizes = sets[start : start + 64], set_sizes[start : start + 64]
        held = np.full(left.size, ~np.uint64(0), dtype=np.uint64)
        whole = left.size == columns.shape[1]  # no row left yet: no gather
        for j, table in _held_tables(block, columns.shape[0]):
            held &= table[columns[j] if whole else columns[j, left]]
        if sizes is not None:  # a subset of no fewer elements than the row is the row itself
            tight = np.flatnonzero(sizes[left] <= block_sizes[-1])
            smaller = np.searchsorted(block_sizes, sizes[left[tight]], side="left")
            held[tight] &= _low_bits(smaller)
        out[left] = held != 0
        left = left[held == 0]
        if left.size == 0:
            break
    return out


def _held_tables(block: Rows, n_bytes: int) -> list[tuple[int, NDArray[np.uint64]]]:
    """For each byte j < n_bytes that some set of the block (at most 64) has bits in: per
    value v of that byte, bit s set when v holds set s's byte j (sets have no bits beyond)."""
    out = []
    for j, part in enumerate(_bytes(block).T[:n_bytes]):
        if not part.any():
            continue
        holds = np.zeros((256, 64), dtype=np.bool_)
        holds[:, : part.size] = _HOLDS[:, part]
        packed = np.ascontiguousarray(np.packbits(holds, axis=1, bitorder="little"))
        out.append((j, packed.view("<u8").astype(np.uint64).ravel()))
    return out


def _low_bits(count: NDArray[np.intp]) -> NDArray[np.uint64]:
    """2^count - 1 as 64-bit words, for counts 0 to 64."""
    shifted = np.uint64(1) << np.minimum(count, 63).astype(np.uint64)
    return np.where(count >= 64, ~np.uint64(0), shifted - np.uint64(1))


def too_many_concessions(limit: int) -> str:
    """Why a scenario with too many minimal failure sets is refused, and what to do."""
    return (
        f"more than {limit:,} minimal sets of constraints to relax (concessions): use fewer "
        "constraints, e.g. one 'veto: [a, b, ...]' or 'demand: [a, b, ...]' instead of one "
        "constraint per option"
    )


def not_above(sets: ChunkSets, known: Rows) -> NDArray[np.bool_]:
    """Rows of `sets` that are non-empty and not a proper superset of any known set."""
    found: NDArray[np.bool_] = sets.columns.any(axis=0) & ~covers(known, sets.columns, proper=True)
    return found
