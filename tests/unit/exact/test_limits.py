"""Resources: what evaluation keeps does not grow with ties or with distinct failure sets,
and validation stays linear in the file's size however many mistakes it holds.

The scenarios come from tests/generated.py.
"""

from __future__ import annotations

import importlib
import tracemalloc

import pytest
from generated import antichain, bad_expressions, demands, labels_only, misspelt

from guarantees.model import loads
from guarantees.model.errors import ScenarioError, TooLargeError
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.sets import MAX_CONCESSIONS
from guarantees.model.format.diagnostics import FUZZY_BUDGET, Suggester
from guarantees.model.format.positions import split_lines

enumerate_module = importlib.import_module("guarantees.model.exact.enumerate")
load_module = importlib.import_module(
    "guarantees.model.format.load"
)  # the package names a function so


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


def test_memory_does_not_grow_with_distinct_failure_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every package fails a different set of demands: twice the packages, twice the sets,
    # the same memory (chunks of 2^16 packages at both sizes, as from 24 options chunks are
    # always 2^18), where a count per set doubled it.
    monkeypatch.setattr(enumerate_module, "chunk_bits", lambda n: 16)
    small, large = _peak(demands(19)), _peak(demands(20))
    assert large < 1.1 * small


def test_counts_of_every_distinct_failure_set_are_exact() -> None:
    result = evaluate(loads(demands(12)))
    (blocks,) = result.blocks
    assert (blocks.rejects, blocks.blocks, blocks.sole) == (4095, 4095, 4095)
    assert [c.fails for c in result.constraint_fails] == [2048] * 12
    assert sorted(len(c.constraints) for c in result.concessions) == [1] * 12


def test_too_many_concessions_are_refused_with_the_reason() -> None:
    expected = (
        rf"scenario 'generated' has more than {MAX_CONCESSIONS:,} minimal sets .*'demand: \[a, b"
    )
    with pytest.raises(TooLargeError, match=expected):
        evaluate(loads(antichain(18)))  # 48,620 minimal failure sets


def test_concessions_up_to_the_limit_are_all_found() -> None:
    result = evaluate(loads(antichain(10)))
    assert len(result.concessions) == 252  # 10 choose 5


def test_suggestions_stop_when_the_budget_is_spent() -> None:
    with pytest.raises(ScenarioError) as caught:
        loads(misspelt(1000, 300))
    issues = caught.value.issues
    assert len(issues) == 300
    suggested = [i for i in issues if "did you mean 'option_" in i.message]
    assert len(suggested) == FUZZY_BUDGET // 1000
    assert suggested == list(issues[: len(suggested)])  # the first ones, in file order


def test_a_repeated_misspelling_is_matched_once() -> None:
    suggester = Suggester(budget=10)
    choices = [f"option_{i}" for i in range(10)]
    assert suggester.nearest("optoin_1", choices, kind="options") == "option_1"
    assert suggester.nearest("optoin_1", choices, kind="options") == "option_1"
    assert suggester.nearest("optoin_2", choices, kind="options") is None
    assert suggester.left == 0


def test_the_file_is_split_into_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def counting(text: str) -> list[str]:
        calls.append(1)
        return split_lines(text)

    monkeypatch.setattr(load_module, "split_lines", counting)
    with pytest.raises(ScenarioError) as caught:
        loads(bad_expressions(50))
    issues = caught.value.issues
    assert [(i.line, i.col) for i in issues] == [(11 + k, 27) for k in range(50)]
    assert len(calls) == 1


def test_more_packages_to_list_than_memory_allows_is_refused() -> None:
    """Every package acceptable and tied: past MAX_LISTED the pass stops with a message
    rather than ranking lists that do not fit in memory (at 30 options, 2^30 of them)."""
    solver = importlib.import_module("guarantees.model.exact.evaluate")
    scenario = loads(labels_only(12))
    assert len(evaluate(scenario).acceptable) == 4096
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "MAX_LISTED", 4095)
        with pytest.raises(TooLargeError, match=r"more than 4,095 acceptable packages \(of 2\^12"):
            solver.evaluate(scenario)


@pytest.mark.parametrize("n", range(1, 31))
def test_chunks_are_never_larger_than_the_cap_nor_the_scenario(n: int) -> None:
    bits = enumerate_module.chunk_bits(n)
    assert 1 <= bits <= min(n, enumerate_module.LOW_BITS)
    assert bits == min(n, enumerate_module.LOW_BITS) or bits >= n // 2
