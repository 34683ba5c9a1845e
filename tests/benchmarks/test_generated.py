"""The benchmark's generated scenarios are valid scenarios: the benchmark measures real work.

A change to the format that the generator does not follow (a new refusal) would otherwise only
show when someone runs the benchmark.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from guarantees.model import load
from guarantees.model.optimise.evaluate import optimise

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def generate(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """benchmarks/generate.py, imported from its folder (it is not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield __import__("generate")
    sys.modules.pop("generate", None)


@pytest.mark.parametrize("size", [12, 20, 26])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_benchmark_scenarios_load(
    size: int, seed: int, tmp_path: Path, generate: ModuleType
) -> None:
    scenario = load(generate.write(size, tmp_path, seed))
    assert len(scenario.options) == size
    assert len(scenario.actors) == 8


@pytest.mark.parametrize("actors", [1, 9, 16, 32, 40])
@pytest.mark.parametrize(("size", "seed"), [(20, 0), (20, 1), (30, 0)])
def test_generated_scenarios_with_many_actors_load(
    actors: int, size: int, seed: int, tmp_path: Path, generate: ModuleType
) -> None:
    scenario = load(generate.write(size, tmp_path, seed, actors))
    assert len(scenario.options) == size
    assert len(scenario.actors) == actors
    assert sum(len(a.constraints) for a in scenario.actors.values()) == 2 * actors


def test_more_actors_keep_the_first_eight(generate: ModuleType) -> None:
    """Actors past 8 are added after the first 8, which stay as the 8-actor scenario has them."""
    eight = generate.scenario(22, 0)
    many = generate.scenario(22, 0, 32)
    assert list(many["actors"])[:8] == list(eight["actors"])
    assert {k: many["actors"][k] for k in eight["actors"]} == eight["actors"]
    assert many["options"] == eight["options"]


@pytest.mark.parametrize("size", [60, 100, 200])
def test_large_generated_scenarios_have_an_acceptable_package(
    size: int, tmp_path: Path, generate: ModuleType
) -> None:
    """At every large size the best-package rows measure a search, not a proof that nothing
    is acceptable: noisy-or bounds near 1 stay below it (a floor of 1.0 is out of reach)."""
    scenario = load(generate.write(size, tmp_path, 0))
    bounds = [
        bound.best
        for actor in scenario.actors.values()
        for constraint in actor.constraints
        for name, limit in (constraint.limit or {}).items()
        if scenario.metrics[name].combine == "noisy_or"
        for bound in (limit.min, limit.max)
        if bound is not None
    ]
    assert bounds
    assert all(0.0 < b < 1.0 for b in bounds)
    assert optimise(scenario, best=1, frontier=False, concession=False, blockers=False).exists
