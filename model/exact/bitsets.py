"""Minimal elements of a family of sets, through a packed bitset over all 2^n subsets.

Used for the minimal forms (acceptable packages with no acceptable proper subset). A family
of masks over n bits is marked in a bitset of 2^n bits (bit x of the packed words is set
when mask x is in the family). Its up-closure U ("x has a subset in the family") is the
zeta transform over the subset lattice ("sum over subsets"), taken with OR: for each bit i,
every x holding i takes the value of x without i (the fast zeta transform of Bjorklund,
Husfeldt, Kaski and Koivisto, "Fourier meets Mobius: fast subset convolution", STOC 2007).
A member is minimal when no member is a proper subset of it, that is when it is in U and
no x - {i} is. Cost: 2n passes over 2^n / 64 words, whatever the number of members;
memory: one bitset, and temporaries of bounded size. For a small family, comparing the
masks pair by pair is cheaper, and `minimal_members` chooses by the cost bound.

Bits 0-5 of a mask index bits within a 64-bit word (a shift and a mask per bit); bits 6 and
up index words, so their pass is an OR of one half of a reshaped word array into the other.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .values import Ints

WORD_BITS = 6  # 2^6 = 64 bits per word
#: Positions p in 0..63 whose bit i is clear, for i = 0..5 (p and p + 2^i pair up).
LOW = tuple(np.uint64(sum(1 << p for p in range(64) if not p >> i & 1)) for i in range(WORD_BITS))
BLOCK = 1024  # the pairwise method compares BLOCK x BLOCK pairs at once
PAIR_COST = 4  # pair comparisons costing about one word pass (see minimal_members)
CHUNK_BITS = 15  # 2^15 words (256 KiB) handled at once
PIECE = 1 << 20  # masks marked, looked up or renumbered at once (temporaries of 8 MiB)


def packed(masks: Ints, n: int) -> Ints:
    """A bitset of 2^n bits (at least one word) with bit x set for each mask x."""
    words = np.zeros(max(1, 1 << max(0, n - WORD_BITS)), dtype=np.uint64)
    for start in range(0, masks.size, PIECE):
        part = masks[start : start + PIECE]
        index = (part >> np.uint64(WORD_BITS)).astype(np.intp)
        np.bitwise_or.at(words, index, np.uint64(1) << (part & np.uint64(63)))
    return words


def contains(words: Ints, masks: Ints) -> NDArray[np.bool_]:
    """Whether bit x of the bitset is set, for each mask x."""
    out = np.empty(masks.size, dtype=np.bool_)
    for start in range(0, masks.size, PIECE):
        part = masks[start : start + PIECE]
        word = words[(part >> np.uint64(WORD_BITS)).astype(np.intp)]
        out[start : start + PIECE] = (word >> (part & np.uint64(63))) & np.uint64(1)
    return out


def up_closure(words: Ints, n: int, *, chunk_bits: int = CHUNK_BITS) -> None:
    """In place: bit x set when some set bit y is a subset of x (the OR zeta transform)."""
    _passes(words, n, up=True, chunk_bits=chunk_bits)


def minimal_of_up_set(words: Ints, n: int, *, chunk_bits: int = CHUNK_BITS) -> None:
    """In place, on an up-closed bitset U: keep x only when no x - {i} is in U.

    Passes go bit i = 0, 1, ..., each reading the bitset as the earlier passes left it, and
    a bit is only cleared when x - {i} is read set, which implies it is in U. Conversely, if
    some x - {i} is in U, take the first such i: pass i reads x - {i} still set, since an
    earlier pass j clears x - {i} only when x - {i} - {j} is in U, and then so is x - {j}
    (U is up-closed), which contradicts i being the first. So x is cleared exactly when it
    is not minimal in U; the minimal elements of U are those of the marked family.
    """
    _passes(words, n, up=False, chunk_bits=chunk_bits)


def _passes(words: Ints, n: int, *, up: bool, chunk_bits: int) -> None:
    """One pass per bit i in increasing order, each x holding i combined with x - {i}.

    up: x |= x - {i}; otherwise x &= ~(x - {i}). Passes over bits inside a block of
    2^chunk_bits words run block by block (in cache); the passes over higher bits then pair
    blocks, a block at a time.
    """
    chunk = 1 << chunk_bits
    inside = min(max(n - WORD_BITS, 0), chunk_bits)
    scratch = np.empty(min(words.size, chunk), dtype=np.uint64)
    for start in range(0, words.size, 1 << inside):
        part = words[start : start + (1 << inside)]
        for i in range(min(n, WORD_BITS)):
            tmp = scratch[: part.size]
            np.bitwise_and(part, LOW[i], out=tmp)
            np.left_shift(tmp, np.uint64(1 << i), out=tmp)
            _combine(part, tmp, tmp, up=up)
        for i in range(WORD_BITS, WORD_BITS + inside):
            halves = part.reshape(-1, 2, 1 << (i - WORD_BITS))
            tmp = scratch[: part.size // 2].reshape(halves[:, 0, :].shape)
            _combine(halves[:, 1, :], halves[:, 0, :], tmp, up=up)
    for i in range(WORD_BITS + inside, n):
        halves = words.reshape(-1, 2, 1 << (i - WORD_BITS))
        for block in halves:
            for col in range(0, block.shape[1], chunk):
                without, with_i = block[0, col : col + chunk], block[1, col : col + chunk]
                _combine(with_i, without, scratch[: with_i.size], up=up)


def _combine(target: Ints, source: Ints, tmp: Ints, *, up: bool) -> None:
    """target |= source (up), or target &= ~source; tmp is scratch of the same shape."""
    if up:
        np.bitwise_or(target, source, out=target)
    else:
        np.invert(source, out=tmp)
        np.bitwise_and(target, tmp, out=target)


def minimal_members(masks: Ints) -> NDArray[np.bool_]:
    """Which masks (distinct) have no proper subset among the masks, in their order.

    Masks are first renumbered onto the k bits that some mask uses (subsets are kept). The
    bitset method costs about 2k passes over 2^k / 64 words; the pairwise one at most one
    comparison per pair: the cheaper bound is taken (measured: a word pass costs about as
    much as 4 pair comparisons).
    """
    dense, k = compact(masks)
    if bitset_is_cheaper(masks.size, k):
        return minimal_by_bitset(dense, k)
    return minimal_pairwise(dense)


def bitset_is_cheaper(count: int, n: int) -> bool:
    """Whether 2n passes over 2^n / 64 words cost less than comparing every pair of masks."""
    pairs = count * (count - 1) // 2
    return pairs > PAIR_COST * 2 * n * (1 << max(0, n - WORD_BITS))


def minimal_by_bitset(masks: Ints, n: int) -> NDArray[np.bool_]:
    """Which masks (distinct, below 2^n) have no proper subset among them: one bitset."""
    words = packed(masks, n)
    up_closure(words, n)
    minimal_of_up_set(words, n)
    return contains(words, masks)


def minimal_pairwise(masks: Ints) -> NDArray[np.bool_]:
    """Which masks have no proper subset among them, by comparing pairs in blocks.

    Sizes are visited in increasing order: a mask is minimal when no minimal mask found so
    far (all smaller) is a subset of it. Blocks of BLOCK x BLOCK pairs keep the temporary
    arrays small whatever the number of masks.
    """
    keep = np.zeros(masks.size, dtype=np.bool_)
    sizes = np.bitwise_count(masks)
    found = np.zeros(0, dtype=np.uint64)
    for size in np.flatnonzero(np.bincount(sizes)):  # (np.unique would import numpy.ma)
        level = np.flatnonzero(sizes == size)
        for start in range(0, found.size, BLOCK):
            block = found[start : start + BLOCK][None, :]
            covered = np.zeros(level.size, dtype=np.bool_)
            for row in range(0, level.size, BLOCK):
                rows = masks[level[row : row + BLOCK], None]
                covered[row : row + BLOCK] = ((rows & block) == block).any(axis=1)
            level = level[~covered]  # fewer rows left to check against the next block
        keep[level] = True
        found = np.concatenate((found, masks[level]))
    return keep


def compact(masks: Ints) -> tuple[Ints, int]:
    """The masks with their used bits renumbered 0..k-1 in order, and k."""
    union = int(np.bitwise_or.reduce(masks)) if masks.size else 0
    used = [bit for bit in range(union.bit_length()) if union >> bit & 1]
    if len(used) == union.bit_length():
        return masks, len(used)
    out = np.zeros_like(masks)
    for start in range(0, masks.size, PIECE):
        part, into = masks[start : start + PIECE], out[start : start + PIECE]
        for new, bit in enumerate(used):
            into |= ((part >> np.uint64(bit)) & np.uint64(1)) << np.uint64(new)
    return out, len(used)
