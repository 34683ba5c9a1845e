"""The nearest acceptable package against a brute force over random sets of acceptable ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantees.model.explore.nearest import nearest_acceptable


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
