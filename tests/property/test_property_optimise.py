"""Both engines agree: the optimisation engine (MILP) against the enumeration engine.

On random scenarios small enough for both, covering every rule, constraint, metric
combination and interaction form that `scenario_data` draws: the same existence, the same
best packages (in rank order), the same frontier points with the same first package, and the
same smallest concession (size, shift on the grid, and the package it opens) and the same
first three minimal concessions. The frontier is checked on both of the engine's paths: the
Pareto sweep (sweep.py, where it applies) and the epsilon-constraint method on the MILP.
The blocker view (per actor, the best package the others accept), which the enumeration
engine does not report, is checked against the brute-force reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from reference import reference_blockers
from strategies import scenario_data, to_yaml_text

from guarantees.model.exact.compile import compile_scenario
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.results import Concession, Evaluation
from guarantees.model.exact.values import q_scalar
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise import analyses, sweep
from guarantees.model.optimise.encode import Encoding
from guarantees.model.optimise.evaluate import optimise
from guarantees.model.optimise.search import Searcher

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
    assert ours.concessions is not None
    assert concession_list(ours.concessions) == concession_list(exact.concessions[:3])
    assert ours.concessions_complete == (len(exact.concessions) < 3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data(max_options=6, max_actors=4))
def test_blockers_agree_with_reference(data: Data) -> None:
    """Per actor: the best package the others accept, and whether this actor rejects it."""
    scenario = load(data)
    ours = optimise(scenario, best=0, frontier=False, concession=False)
    assert ours.blockers is not None
    view = [
        (b.actor, None if b.others_best is None else b.others_best.options, b.blocks)
        for b in ours.blockers
    ]
    event("some actor blocks" if any(b for _, _, b in view) else "no actor blocks")
    assert view == reference_blockers(scenario)


def concession_list(found: Sequence[Concession]) -> list[tuple[Any, ...]]:
    """Concessions as compared: constraints, shift on the grid, the package opened."""
    return [(c.constraints, q_scalar(c.shift), c.package.options) for c in found]


def exact_frontier(exact: Evaluation) -> list[tuple[float, float, tuple[str, ...]]]:
    """The enumeration engine's frontier points with their first package."""
    return [(p.benefit, p.risk, p.packages[0].options) for p in exact.frontier]


def mine(points: list[analyses.Point]) -> list[tuple[float, float, tuple[str, ...]]]:
    """The optimisation engine's frontier points, on the reporting grid."""
    return [
        (
            p.package.package().metrics[p.package.c.metrics[p.package.c.benefit].name],
            p.package.package().metrics[p.package.c.metrics[p.package.c.risk].name],
            p.package.package().options,
        )
        for p in points
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data(max_options=6, max_actors=2))
def test_epsilon_frontier_agrees(data: Data) -> None:
    """The MILP's epsilon-constraint frontier, with the sweep turned off."""
    scenario = load(data)
    s = Searcher(Encoding(compile_scenario(scenario)))
    points, complete = analyses.frontier(s, sweep=False)
    assert complete
    assert mine(points) == exact_frontier(evaluate(scenario))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data(max_options=12, max_actors=1))
def test_sweep_frontier_agrees(data: Data) -> None:
    """The Pareto sweep on up to 12 options with heavily repeated values (terms in
    twentieths or small integers): every tie broken as the rank key breaks it."""
    scenario = load(data)
    c = compile_scenario(scenario)
    swept = sweep.frontier(c)
    event("swept" if swept is not None else "not swept")
    applies = {c.metrics[c.benefit].combine, c.metrics[c.risk].combine} <= {"sum", "noisy_or"}
    if swept is None:
        assert not applies or any("MetricCmp" in repr(rule.ok) for rule in c.rules)
        return
    s = Searcher(Encoding(c))
    points = [analyses.Point(b, r, s.judge(mask)) for b, r, mask in swept]
    assert mine(points) == exact_frontier(evaluate(scenario))
