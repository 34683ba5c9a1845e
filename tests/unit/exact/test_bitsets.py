"""Minimal members of a family of masks: the packed-bitset closure against the definition.

The reference is the definition itself, in Python ints: a mask is minimal when no other mask
of the family is a subset of it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantees.model.exact.bitsets import (
    bitset_is_cheaper,
    compact,
    contains,
    minimal_by_bitset,
    minimal_members,
    minimal_of_up_set,
    minimal_pairwise,
    packed,
    up_closure,
)
from guarantees.model.exact.values import Ints

#: block sizes for the passes: one word, two words, and the default (one block up to n = 21)
CHUNKS = (0, 1, 15)


def _masks(values: list[int]) -> Ints:
    return np.array(values, dtype=np.uint64)


def _minimal_by_definition(values: list[int]) -> list[bool]:
    return [not any(y != x and y & x == y for y in values) for x in values]


def _up_by_definition(values: list[int], n: int) -> list[bool]:
    return [any(y & x == y for y in values) for x in range(1 << n)]


def _every_bit(words: Ints, n: int) -> list[bool]:
    return contains(words, np.arange(1 << n, dtype=np.uint64)).tolist()


def _family(n: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, (1 << n) - 1), unique=True, max_size=min(1 << n, 200))


@pytest.mark.parametrize("n", range(9))
def test_packed_sets_exactly_the_given_bits(n: int) -> None:
    values = [x for x in range(1 << n) if x % 3 == 1]
    words = packed(_masks(values), n)
    assert words.size == max(1, (1 << n) // 64)
    assert [x for x, bit in enumerate(_every_bit(words, n)) if bit] == values


@pytest.mark.parametrize("chunk_bits", CHUNKS)
@pytest.mark.parametrize("n", range(9))
def test_closure_of_hand_made_families(n: int, chunk_bits: int) -> None:
    full = (1 << n) - 1
    chain = [(1 << k) - 1 for k in range(1, n + 1)]  # {0} < {0,1} < ...
    singletons = [1 << k for k in range(n)]  # an antichain
    cases: list[tuple[list[int], list[int]]] = [
        ([], []),  # empty: nothing above, nothing minimal
        (list(range(1 << n)), [0]),  # every set: only the empty set is minimal
        ([0], [0]),
        ([full], [full]),
        (chain, chain[:1]),
        (singletons, singletons),
        (singletons + [full], singletons or [full]),  # n = 0: full is the empty set
    ]
    for values, minimal in cases:
        words = packed(_masks(values), n)
        up_closure(words, n, chunk_bits=chunk_bits)
        assert _every_bit(words, n) == _up_by_definition(values, n)
        minimal_of_up_set(words, n, chunk_bits=chunk_bits)
        assert [x for x, bit in enumerate(_every_bit(words, n)) if bit] == sorted(minimal)


def test_a_word_partly_used_keeps_its_unused_bits_clear() -> None:
    for n in range(6):
        words = packed(_masks(list(range(1 << n))), n)
        up_closure(words, n)
        assert int(words[0]) == (1 << (1 << n)) - 1


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 12).flatmap(lambda n: st.tuples(st.just(n), _family(n))))
def test_every_method_agrees_with_the_definition(case: tuple[int, list[int]]) -> None:
    n, values = case
    masks = _masks(values)
    expected = _minimal_by_definition(values)
    assert minimal_pairwise(masks).tolist() == expected
    assert minimal_members(masks).tolist() == expected
    for chunk_bits in CHUNKS:
        words = packed(masks, n)
        up_closure(words, n, chunk_bits=chunk_bits)
        assert _every_bit(words, n) == _up_by_definition(values, n)
        minimal_of_up_set(words, n, chunk_bits=chunk_bits)
        assert contains(words, masks).tolist() == expected
    assert minimal_by_bitset(masks, n).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(_family(12), st.lists(st.integers(0, 40), unique=True, min_size=12, max_size=12))
def test_compact_keeps_subsets_and_uses_only_the_used_bits(
    values: list[int], spread: list[int]
) -> None:
    """Masks spread over 41 bits are renumbered onto the bits some mask uses."""
    wide = [sum(1 << spread[b] for b in range(12) if x >> b & 1) for x in values]
    dense, k = compact(_masks(wide))
    union = 0
    for x in wide:
        union |= x
    assert k == union.bit_count()
    assert all(int(x) < 1 << k for x in dense)
    assert minimal_members(_masks(wide)).tolist() == _minimal_by_definition(wide)
    assert _minimal_by_definition([int(x) for x in dense]) == _minimal_by_definition(wide)


def test_the_bitset_is_chosen_when_pairs_outnumber_word_passes() -> None:
    assert not bitset_is_cheaper(0, 0)
    assert not bitset_is_cheaper(100, 30)  # 4,950 pairs against 2 * 30 * 2^24 word passes
    assert bitset_is_cheaper(100, 6)  # 4,950 pairs against 2 * 6 word passes
    assert bitset_is_cheaper(200_000, 24)
    many = list(range(0, 1 << 10, 3))  # 342 masks over 10 bits: the bitset
    assert bitset_is_cheaper(len(many), 10)
    assert minimal_members(_masks(many)).tolist() == _minimal_by_definition(many)
