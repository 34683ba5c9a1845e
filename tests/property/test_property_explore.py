"""The explorer's table on random input: the nearest acceptable package against a brute force
over random sets of acceptable ones, and every package of random scenarios against explain."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import Data, scenario_data, to_yaml_text

from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.points import ACCEPTABLE
from guarantees.model.explore.nearest import nearest_acceptable
from guarantees.model.explore.table import INFEASIBLE, WORD, explore_table
from guarantees.model.format.load import loads


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_nearest_is_the_least_hamming_distance_then_the_best_rank(data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 7), label="n")
    ranked = data.draw(st.lists(st.integers(0, (1 << n) - 1), unique=True), label="ranked")
    found = nearest_acceptable(n, np.array(ranked, dtype=np.uint64))
    for p in range(1 << n):
        if not ranked:
            assert (found.package[p], found.distance[p]) == (-1, -1)
            continue
        best = min(range(len(ranked)), key=lambda r: ((p ^ ranked[r]).bit_count(), r))
        assert found.package[p] == ranked[best]
        assert found.distance[p] == (p ^ ranked[best]).bit_count()


@settings(max_examples=30, deadline=None)
@given(scenario_data(max_options=5))
def test_every_package_of_a_random_scenario_fails_what_explain_says(data: Data) -> None:
    scenario = loads(to_yaml_text(data), file="gen.yaml")
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    options = list(scenario.options)
    for p in range(table.size):
        result = explain(scenario, [o for i, o in enumerate(options) if p >> i & 1])
        failures = [*result.broken_rules, *(f for v in result.verdicts for f in v.failures)]
        fails = {
            t.ref.label
            for k, t in enumerate(table.tests)
            if table.failed[p, k // WORD] >> np.uint32(k % WORD) & 1
        }
        misses = {
            (table.tests[b.test].ref.label, b.side)
            for j, b in enumerate(table.bounds)
            if table.missed[p, j]
        }
        assert fails == {f.constraint.label for f in failures}
        assert misses == {(f.constraint.label, m.side) for f in failures for m in f.misses}
        assert (table.status[p] == ACCEPTABLE) == result.acceptable
        assert (table.status[p] == INFEASIBLE) == (not result.feasible)
    acceptable = np.flatnonzero(table.status == ACCEPTABLE)
    assert (table.nearest.package[acceptable] == acceptable).all()  # its own nearest
    assert (table.nearest.distance[acceptable] == 0).all()
    assert ((table.nearest.package < 0).all()) == (acceptable.size == 0)
