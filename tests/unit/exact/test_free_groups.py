"""`free_groups`: packages merged into `base (with or without free)` groups, exactly.

Each group stands for every `base | subset of free`; the groups cover the packages given,
each once, and nothing else. Worked examples and a property over random sets of masks.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from guarantees.model.exact.points import free_groups


def expand(base: int, free: int) -> set[int]:
    """Every package a group stands for."""
    bits = [1 << i for i in range(free.bit_length()) if free >> i & 1]
    return {base | sum(chosen) for n in range(len(bits) + 1) for chosen in combinations(bits, n)}


def test_an_option_to_no_effect_halves_the_list() -> None:
    # packages {a}, {a, r}, {b}, {b, r}: r is free in both pairs
    assert free_groups([0b001, 0b101, 0b010, 0b110]) == ((0b001, 0b100), (0b010, 0b100))


def test_a_whole_cube_is_one_group() -> None:
    assert free_groups(range(16)) == ((0, 0b1111),)


def test_packages_without_a_partner_stay_alone() -> None:
    assert free_groups([0b011, 0b100]) == ((0b011, 0), (0b100, 0))


def test_nothing_gives_nothing() -> None:
    assert free_groups([]) == ()


@given(st.sets(st.integers(min_value=0, max_value=(1 << 6) - 1), max_size=40))
def test_groups_cover_the_packages_exactly_once(masks: set[int]) -> None:
    groups = free_groups(sorted(masks))
    covered = [expand(base, free) for base, free in groups]
    assert set().union(*covered) == masks
    assert sum(len(c) for c in covered) == len(masks)
    assert all(base & free == 0 for base, free in groups)
