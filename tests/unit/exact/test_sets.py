"""Failure sets of a chunk: the distinct rows and their counts, however many bits vary."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import reference_evaluate, solver_view

from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.sets import MAX_KEY_BITS, _unique_rows
from guarantees.model.format.load import loads

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
