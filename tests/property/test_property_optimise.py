"""Both engines agree: the optimisation engine (MILP) against the enumeration engine.

On random scenarios small enough for both, covering every rule, constraint, metric
combination and interaction form that `scenario_data` draws: the same existence, the same
best packages (in rank order), the same frontier points with the same first package, and the
same smallest concession (size, shift on the grid, and the package it opens).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from strategies import scenario_data, to_yaml_text

from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.values import q_scalar
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise.evaluate import optimise

Data = dict[str, Any]


def load(data: Data) -> Scenario:
    """Load a generated document through its YAML text."""
    return loads(to_yaml_text(data), file="gen.yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data(max_options=6, max_actors=3))
def test_engines_agree(data: Data) -> None:
    scenario = load(data)
    exact = evaluate(scenario)
    ours = optimise(scenario, best=3, blockers=False)
    assert ours.exists == (exact.counts.acceptable > 0)
    assert [p.options for p in ours.best] == [p.options for p in exact.acceptable[:3]]
    assert ours.frontier is not None
    assert ours.frontier_complete
    assert [(p.benefit, p.risk, p.package.options) for p in ours.frontier] == [
        (point.benefit, point.risk, point.packages[0].options) for point in exact.frontier
    ]
    assert [p.acceptable for p in ours.frontier] == [
        bool(point.acceptable[0]) for point in exact.frontier
    ]
    first = exact.concessions[0] if exact.concessions else None
    mine = ours.smallest_concession
    assert (mine is None) == (first is None)
    if mine is not None and first is not None:
        assert len(mine.constraints) == len(first.constraints)
        assert q_scalar(mine.shift) == q_scalar(first.shift)
        assert mine.package.options == first.package.options
        assert mine.constraints == first.constraints
