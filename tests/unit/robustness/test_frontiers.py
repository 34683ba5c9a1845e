"""How the frontier moves: each followed draw's frontier, merged the same whatever the split."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from guarantees.model import load
from guarantees.model.exact.compile import compile_scenario
from guarantees.model.exact.enumerate import exact_frontier
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.robustness import analyse
from guarantees.model.robustness.frontiers import (
    FRONTIER_CELLS,
    FRONTIER_DRAWS,
    column_front,
    frontier_draws,
)

SCENARIOS = Path(__file__).parents[3] / "scenarios"
small = st.integers(-3, 3)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25), st.integers(1, 5), st.data())
def test_column_front_is_exact_frontier_per_column(
    rows: int, cols: int, data: st.DataObject
) -> None:
    shape = (rows, cols)
    b = data.draw(hnp.arrays(np.int64, shape, elements=small))
    r = data.draw(hnp.arrays(np.int64, shape, elements=small))
    feasible = data.draw(hnp.arrays(np.bool_, shape))
    found = column_front(b, r, feasible)
    for j in range(cols):
        index = np.flatnonzero(feasible[:, j])
        expected = np.zeros(rows, dtype=np.bool_)
        expected[index[exact_frontier(np.arange(index.size), b[index, j], r[index, j])]] = True
        assert (found[:, j] == expected).all()


def test_the_draws_followed_are_bounded_by_the_cells_sorted() -> None:
    compiled = compile_scenario(load(SCENARIOS / "coalition-baseline.yaml"))  # 13 options
    assert frontier_draws(compiled, 10_000) == FRONTIER_DRAWS
    assert frontier_draws(compiled, 50) == 50
    assert FRONTIER_CELLS >> compiled.n >= FRONTIER_DRAWS


def test_with_certain_values_every_draw_has_evaluates_frontier() -> None:
    scenario = load(SCENARIOS / "walk-away.yaml")  # no uncertain value
    moved = analyse.robustness(scenario, samples=20, seed=1).frontier
    exact = evaluate(scenario)
    assert moved is not None
    assert moved.draws == 20
    assert moved.sizes == (len(exact.frontier),) * 3
    on = {p.options for p in moved.packages}
    assert on == {p.options for p in exact.frontier.packages}
    assert all(p.on_frontier.share == 1.0 for p in moved.packages)
    assert {p.options for p in moved.tradeoffs} == {t.package.options for t in exact.tradeoffs}


def test_the_frontiers_are_the_same_whatever_the_split_of_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = load(SCENARIOS / "coalition-baseline.yaml")
    alone = analyse.robustness(scenario, samples=60, seed=3, jobs=1).to_json()
    monkeypatch.setattr(analyse, "PARALLEL", 0)  # fork even for this small pass
    split = analyse.robustness(scenario, samples=60, seed=3, jobs=2).to_json()
    assert json.dumps(split) == json.dumps(alone)
    assert alone["frontier"]["draws"] == 60
