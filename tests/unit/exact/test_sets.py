"""Failure sets of a chunk: rows and counts, subset tests, minimal rows, per-actor counts."""

from __future__ import annotations

import functools
import importlib
import itertools
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_evaluate, solver_view

from guarantees.model.errors import TooLargeError
from guarantees.model.exact.enumerate import Enumerator
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.sets import (
    MAX_KEY_BITS,
    ChunkSets,
    SetCounts,
    _unique_rows,
    chunk_sets,
    covers,
    minimal_rows,
    not_above,
    to_bytes,
)
from guarantees.model.format.load import loads

solver = importlib.import_module("guarantees.model.exact.evaluate")  # the module

WORDS = st.integers(1, 3).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63]), min_size=width,
                 max_size=width),
        min_size=1,
        max_size=60,
    )
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(WORDS)
def test_unique_rows_is_numpy_unique_on_rows(rows: list[list[int]]) -> None:
    stacked = np.array(rows, dtype=np.uint64)
    distinct, index, counts = _unique_rows(stacked)
    expected, expected_counts = np.unique(stacked, axis=0, return_counts=True)
    found = sorted(zip(map(tuple, distinct.tolist()), counts.tolist(), strict=True))
    assert found == sorted(
        zip(map(tuple, expected.tolist()), expected_counts.tolist(), strict=True)
    )
    assert (distinct[index] == stacked).all()


def test_many_varying_constraints_match_the_reference() -> None:
    """More than MAX_KEY_BITS constraints vary among a chunk's packages: the sorting path."""
    options = [f"o{i}" for i in range(8)]
    constraints = (
        [f"{{demand: {o}}}" for o in options]
        + [f"{{condition: 'count({a}, {b}) <= 1'}}" for a, b in itertools.pairwise(options)]
        + [f"{{veto: [{a}, {b}]}}" for a, b in zip(options[::2], options[1::2], strict=True)]
        + [f"{{demand_any: [{a}, {b}]}}" for a, b in zip(options[:4], options[4:], strict=True)]
    )
    assert len(constraints) > MAX_KEY_BITS
    text = (
        "format: guarantees/1\nid: many\ntitle: Many\noptions:\n"
        + "".join(f"  {o}: {{label: {o}, deterrence: 0.1, escalation: 0.05}}\n" for o in options)
        + "actors:\n  x:\n    name: X\n    constraints: ["
        + ", ".join(constraints)
        + "]\n"
    )
    scenario = loads(text, file="many.yaml")
    assert solver_view(evaluate(scenario)) == reference_evaluate(scenario)


ROWS = st.integers(1, 2).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 3, 2**63, 2**64 - 1]),
                 min_size=width, max_size=width),
        min_size=0,
        max_size=40,
    ).map(lambda rows, width=width: np.array(rows, dtype=np.uint64).reshape(-1, width))
)  # fmt: skip
SMALL_SETS = st.lists(st.integers(0, 2**10 - 1), min_size=0, max_size=80)


def as_ints(rows: np.ndarray) -> list[int]:
    return [sum(int(v) << (64 * i) for i, v in enumerate(row)) for row in rows.tolist()]


@settings(max_examples=200, deadline=None)
@given(ROWS, ROWS)
def test_covers_and_not_above_are_the_subset_tests(sets: np.ndarray, rows: np.ndarray) -> None:
    """Byte tables, blocks of 64 and the early exits decide exactly `s <= r` and `s < r`."""
    if sets.shape[1] != rows.shape[1]:
        rows = np.zeros((rows.shape[0], sets.shape[1]), dtype=np.uint64)
    width = sets.shape[1]
    columns = to_bytes(rows, 8 * width)
    known, found = as_ints(sets), as_ints(rows)
    assert covers(sets, columns).tolist() == [any(s & r == s for s in known) for r in found]
    proper = [any(s & r == s and s != r for s in known) for r in found]
    assert covers(sets, columns, proper=True).tolist() == proper
    chunk = ChunkSets(columns, None, np.arange(len(found)), np.arange(len(found)))
    expected = [r != 0 and not p for r, p in zip(found, proper, strict=True)]
    assert not_above(chunk, sets).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 2**70), min_size=0, max_size=200, unique=True))
def test_covers_takes_many_sets_in_blocks(values: list[int]) -> None:
    """More than 64 known sets: every block is looked at, smallest sets first."""
    sets = np.array([[v & (2**64 - 1), v >> 64] for v in values], dtype=np.uint64).reshape(-1, 2)
    rows = sets[::-1]
    proper = covers(sets, to_bytes(rows, 16), proper=True).tolist()
    found = as_ints(rows)
    assert proper == [any(s & r == s and s != r for s in values) for r in found]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 2**70), min_size=0, max_size=120, unique=True))
def test_minimal_rows_keeps_the_sets_with_no_proper_subset(values: list[int]) -> None:
    rows = np.array([[v & (2**64 - 1), v >> 64] for v in values], dtype=np.uint64).reshape(-1, 2)
    expected = [not any(o & v == o and o != v for o in values) for v in values]
    assert minimal_rows(rows).tolist() == expected


def test_minimal_rows_refuses_past_the_limit() -> None:
    rows = np.array([[1 << k] for k in range(10)], dtype=np.uint64)
    assert minimal_rows(rows, limit=10).all()
    with pytest.raises(TooLargeError, match="more than 9 minimal sets"):
        minimal_rows(rows, limit=9)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.data())
def test_chunk_sets_rows_are_the_failure_sets(n_planes: int, data: st.DataObject) -> None:
    """Distinct with counts (few bits vary) or one row per package (many vary): the rows
    of every feasible package are its own failure set, and the counts add up."""
    size = data.draw(st.integers(0, 300))
    # bits varying: the lowest, the lowest two, any, or two far apart (a key made of runs)
    values = data.draw(st.sampled_from([[0, 1], [0, 1, 2, 3], list(range(256)), [0, 1, 128, 129]]))
    planes = [
        np.array(data.draw(st.lists(st.sampled_from(values), min_size=size, max_size=size)),
                 dtype=np.uint8)
        for _ in range(n_planes)
    ]  # fmt: skip
    feasible = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)), bool)
    found = chunk_sets(planes, feasible)
    own = [sum(int(p[i]) << (8 * j) for j, p in enumerate(planes)) for i in found.where]
    assert found.where.tolist() == np.flatnonzero(feasible).tolist()
    rows = as_ints(found.rows())
    assert [rows[r] for r in found.row] == own
    counts = np.ones(len(found), int) if found.counts is None else found.counts
    assert sum(counts.tolist()) == len(own)
    if found.counts is not None:
        assert sorted(rows) == sorted(set(own))
        assert {r: int(c) for r, c in zip(rows, counts, strict=True)} == {
            s: own.count(s) for s in set(own)
        }


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.data())
def test_set_counts_match_a_count_package_by_package(
    n_constraints: int, n_actors: int, data: st.DataObject
) -> None:
    owner = data.draw(st.lists(st.integers(0, n_actors - 1), min_size=n_constraints,
                               max_size=n_constraints))  # fmt: skip
    hard = data.draw(st.lists(st.booleans(), min_size=n_constraints, max_size=n_constraints))
    actors = [sum(1 << k for k in range(n_constraints) if owner[k] == a) for a in range(n_actors)]
    blocking = [m & sum(1 << k for k in range(n_constraints) if hard[k]) for m in actors]
    sets = data.draw(st.lists(st.integers(0, 2**n_constraints - 1), max_size=60))
    counted = SetCounts(actors, blocking, n_constraints)
    n_planes = -(-n_constraints // 8)
    planes = [np.array([(s >> (8 * j)) & 255 for s in sets], dtype=np.uint8)
              for j in range(n_planes)]  # fmt: skip
    counted.add(chunk_sets(planes, np.ones(len(sets), dtype=bool)))
    assert counted.rejects.tolist() == [sum(1 for s in sets if s & m) for m in actors]
    assert counted.blocks.tolist() == [sum(1 for s in sets if s & m) for m in blocking]
    alone = [sum(1 for s in sets if s & m and not s & ~m) for m in actors]
    assert counted.sole.tolist() == alone
    assert counted.fails.tolist() == [sum(s >> k & 1 for s in sets) for k in range(n_constraints)]


def test_more_than_64_constraints_match_the_reference() -> None:
    """Failure sets two words wide, in chunks (one row per package) and merged from workers."""
    options = [f"o{i}" for i in range(9)]
    constraints = [f"{{veto: [{a}, {b}]}}" for a, b in itertools.combinations(options, 2)]
    constraints += [f"{{demand_any: [{a}, {b}, {c}]}}" for a, b, c in
                    itertools.islice(itertools.combinations(options, 3), 40)]  # fmt: skip
    assert len(constraints) > 64
    text = (
        "format: guarantees/1\nid: wide\ntitle: Wide\noptions:\n"
        + "".join(
            f"  {o}: {{label: {o}, deterrence: 0.{i + 1}, escalation: 0.0{i + 1}}}\n"
            for i, o in enumerate(options)
        )
        + "actors:\n"
        + "".join(
            f"  a{k}:\n    name: A{k}\n    constraints: [{', '.join(constraints[k::5])}]\n"
            for k in range(5)
        )
    )
    scenario = loads(text, file="wide.yaml")
    expected = reference_evaluate(scenario)
    small = functools.partial(Enumerator, low_bits=3)
    with mock.patch.object(solver, "Enumerator", small):
        assert solver_view(solver.evaluate(scenario)) == expected
        with mock.patch.object(solver, "PARALLEL_FROM", 0):
            assert solver_view(solver.evaluate(scenario, jobs=2)) == expected
