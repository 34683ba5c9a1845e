"""Resources: what evaluation keeps does not grow with ties or with distinct failure sets.

The scenarios come from tests/generated.py.
"""

from __future__ import annotations

import tracemalloc

import pytest
from generated import antichain, demands, labels_only

from guarantees.model import loads
from guarantees.model.errors import TooLargeError
from guarantees.model.evaluate import evaluate
from guarantees.model.sets import MAX_CONCESSIONS


def test_a_point_keeps_every_tied_package_as_arrays() -> None:
    result = evaluate(loads(labels_only(12)))
    (point,) = result.frontier
    assert len(point.packages) == 4096
    assert [p.options for p in point.packages[:3]] == [(), ("o00",), ("o01",)]
    assert bool(point.acceptable.all())
    assert len(result.frontier[0:1]) == 1
    assert len(result.frontier[1:]) == 0


def _peak(text: str) -> int:
    """Peak traced memory (bytes) of evaluating a scenario."""
    scenario = loads(text)
    tracemalloc.start()
    try:
        evaluate(scenario)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_distinct_failure_sets() -> None:
    # Every package fails a different set of demands: twice the packages, twice the sets,
    # the same memory (chunks of 2^18 packages), where a count per set doubled it.
    small, large = _peak(demands(19)), _peak(demands(20))
    assert large < 1.1 * small


def test_counts_of_every_distinct_failure_set_are_exact() -> None:
    result = evaluate(loads(demands(12)))
    (blocks,) = result.blocks
    assert (blocks.rejects, blocks.blocks, blocks.sole) == (4095, 4095, 4095)
    assert [c.fails for c in result.constraint_fails] == [2048] * 12
    assert sorted(len(c.constraints) for c in result.concessions) == [1] * 12


def test_too_many_concessions_are_refused_with_the_reason() -> None:
    expected = rf"more than {MAX_CONCESSIONS:,} minimal sets .*'demand: \[a, b"
    with pytest.raises(TooLargeError, match=expected):
        evaluate(loads(antichain(18)))  # 48,620 minimal failure sets


def test_concessions_up_to_the_limit_are_all_found() -> None:
    result = evaluate(loads(antichain(10)))
    assert len(result.concessions) == 252  # 10 choose 5
