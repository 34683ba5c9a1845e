"""The Pareto sweep (model/optimise/sweep.py): the whole frontier of a large scenario without
a solver, the same points as the solver's epsilon-constraint method, and its fallbacks."""

from __future__ import annotations

import sys
from itertools import pairwise
from pathlib import Path

import pytest

from guarantees.model import load
from guarantees.model.exact.compile import CompiledScenario, compile_scenario
from guarantees.model.format.load import loads
from guarantees.model.optimise import analyses, sweep
from guarantees.model.optimise.encode import Encoding
from guarantees.model.optimise.evaluate import optimise
from guarantees.model.optimise.search import Searcher

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def generated_60(tmp_path_factory: pytest.TempPathFactory) -> CompiledScenario:
    """benchmarks/generate.py's 60-option scenario, compiled."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        path = __import__("generate").write(60, tmp_path_factory.mktemp("sweep"))
    finally:
        sys.path.remove(str(BENCHMARKS))
        sys.modules.pop("generate", None)
    return compile_scenario(load(path))


def _points(points: list[analyses.Point]) -> list[tuple[int, int, int]]:
    return [(p.benefit, p.risk, p.package.mask) for p in points]


def test_the_whole_frontier_of_60_options_starts_as_the_solvers(
    generated_60: CompiledScenario,
) -> None:
    """Before the sweep, the epsilon-constraint method needed over 116 s for this frontier
    (hundreds of points, several solves each), so evaluate listed only the first few."""
    swept = sweep.frontier(generated_60)
    assert swept is not None
    assert len(swept) > 100
    s = Searcher(Encoding(generated_60))
    solver, complete = analyses.frontier(s, 6, sweep=False)
    assert not complete
    assert swept[:6] == _points(solver)
    # each point strictly better on risk, worse on benefit, than the one before
    assert all(a[0] > b[0] and a[1] < b[1] for a, b in pairwise(swept))


def test_the_sweep_gives_way_to_the_solver_when_it_grows(
    generated_60: CompiledScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep, "MAX_STATES", 10)
    assert sweep.frontier(generated_60) is None
    s = Searcher(Encoding(generated_60))
    points, complete = analyses.frontier(s, 3)
    assert not complete
    monkeypatch.undo()
    swept = sweep.frontier(generated_60)
    assert swept is not None
    assert _points(points) == swept[:3]


CASE = """\
format: guarantees/1
id: case
title: Case
options:
  a: {label: A, deterrence: 0.1, escalation: 0.1, troops: 1}
  b: {label: B, deterrence: 0.1, escalation: 0.1, troops: 1}
  c: {label: C, deterrence: 0.2, escalation: 0.05, troops: 2}
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  troops: {combine: sum, better: lower}
RULES
actors:
  x: {name: X, constraints: []}
"""


@pytest.mark.parametrize(
    ("rules", "applies"),
    [
        ("rules: [{excludes: [a, c]}]", True),
        ("rules: [{condition: 'troops <= 2'}]", False),  # a rule comparing a metric
    ],
)
def test_the_sweep_applies_to_rules_on_options_only(rules: str, applies: bool) -> None:
    scenario = loads(CASE.replace("RULES", rules), file="case.yaml")
    assert (sweep.frontier(compile_scenario(scenario)) is not None) == applies
    ours = optimise(scenario, best=1, points=None)
    assert ours.frontier_complete
