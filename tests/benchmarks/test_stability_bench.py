"""benchmarks/stability.py generates valid conflicts with both preference forms and one-way
options, which the analysis accepts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from guarantees.model.format.load import loads
from guarantees.model.stability.analysis import analyse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """benchmarks/stability.py, imported from its folder (it is not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield __import__("stability")
    for name in ("stability", "child"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize(("options", "actors"), [(8, 2), (10, 6)])
def test_generated_conflicts_load_and_are_analysed(
    bench: ModuleType, options: int, actors: int
) -> None:
    scenario = loads(bench.scenario(options, actors))
    assert len(scenario.options) == options
    assert len(scenario.actors) == actors
    assert {a.preference for a in scenario.actors.values()} == {"priorities", "utility"}
    assert any(o.one_way == "take" for o in scenario.options.values())
    assert bench.scenario(options, actors) == bench.scenario(options, actors)  # seeded
    result = analyse(scenario)
    assert 0 < result.states < 2**options  # the rules make some packages infeasible
    assert len(result.acceptable) == result.states
