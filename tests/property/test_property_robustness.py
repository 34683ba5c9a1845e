"""The robustness pass against independent references, on random scenarios.

- With every value certain, its answers are `evaluate`'s (chance 0 or 1 of everything).
- Draw by draw, whether a deal exists and which packages are acceptable equal what the
  brute-force reference evaluator (tests/reference.py) says of the scenario rewritten with
  that draw's numbers as plain values.
- Reordering options or actors changes nothing; the same seed gives the same JSON.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference import acceptable, all_packages, options_tuple, q_written, reference_evaluate
from strategies import scenario_data, to_yaml_text

from guarantees.model import loads
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.format.schema import Scenario
from guarantees.model.format.uncertain import point
from guarantees.model.robustness.analyse import package_robustness, robustness
from guarantees.model.robustness.sampling import Slot, draw, slots

Data = dict[str, Any]
# No shrinking: each example evaluates every package in every draw, twice, so shrinking a
# failure would take minutes; the failing example is printed whole instead.
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)


def _certain(data: Data) -> Data:
    """The scenario with every uncertain value replaced by its best guess."""
    scenario = loads(to_yaml_text(data))
    out = copy.deepcopy(data)
    for slot in slots(scenario):
        _put(out, slot, slot.value.best)
    return out


def _put(data: Data, slot: Slot, value: float) -> None:
    """Write a plain number where a slot's value is written in the scenario's data."""
    if slot.where == "option":
        data["options"][slot.owner][slot.metric] = value
    elif slot.where == "interaction":
        assert isinstance(slot.owner, int)
        data["interactions"][slot.owner][slot.metric] = value
    else:
        actor, index, side = slot.owner  # type: ignore[misc]
        data["actors"][actor]["constraints"][index]["limit"][slot.metric][side] = value


@SETTINGS
@given(scenario_data(max_options=5, max_actors=3))
def test_with_certain_values_robustness_is_evaluate(data: Data) -> None:
    scenario = loads(to_yaml_text(_certain(data)))
    result = robustness(scenario, samples=3, seed=0)
    exact = evaluate(scenario)
    assert result.uncertain == ()
    assert result.deal.share == (1.0 if exact.counts.acceptable else 0.0)
    assert {p.options for p in result.packages} == {p.options for p in exact.acceptable}
    assert all(p.chance.share == 1.0 for p in result.packages)
    assert [p.options for p in result.best] == [p.options for p in exact.acceptable[:1]]
    for blocks, chance in zip(exact.blocks, result.actors, strict=True):
        assert chance.alone.share == (1.0 if blocks.sole else 0.0)
    feasible = exact.counts.feasible
    for count, chance in zip(exact.constraint_fails, result.constraints, strict=True):
        assert chance.label == count.constraint.label
        assert chance.fails == (count.fails / feasible if feasible else 0.0)
    if not exact.counts.acceptable and exact.concessions:
        first = exact.concessions[0]
        smallest = {
            tuple(c.label for c in x.constraints)
            for x in exact.concessions
            if len(x.constraints) == len(first.constraints) and x.shift == first.shift
        }
        assert {c.constraints for c in result.concessions} <= smallest
        assert all(c.chance.share == 1.0 for c in result.concessions)


@SETTINGS
@given(scenario_data(max_options=4, max_actors=3), st.integers(0, 2**31))
def test_each_draw_agrees_with_the_reference(data: Data, seed: int) -> None:
    scenario = loads(to_yaml_text(data))
    samples = 6
    result = robustness(scenario, samples=samples, seed=seed)
    chosen = slots(scenario)
    values = draw(chosen, samples, seed)
    deals = 0
    counts: dict[tuple[str, ...], int] = {}
    for row in values:
        fixed = _fixed(data, chosen, [float(v) for v in row])
        ok = [options_tuple(fixed, p) for p in all_packages(fixed) if acceptable(fixed, p)]
        deals += bool(ok)
        for package in ok:
            counts[package] = counts.get(package, 0) + 1
    assert result.deal.hits == deals
    assert {p.options: p.chance.hits for p in result.packages} == counts


@SETTINGS
@given(scenario_data(max_options=4, max_actors=3), st.integers(0, 2**31))
def test_each_followed_frontier_agrees_with_the_reference(data: Data, seed: int) -> None:
    """Each draw's frontier points, and how often each package is on it and a trade-off,
    equal the reference's frontier and trade-offs of the scenario rewritten with the draw."""
    scenario = loads(to_yaml_text(data))
    samples = 6
    moved = robustness(scenario, samples=samples, seed=seed).frontier
    assert moved is not None
    assert moved.draws == samples
    chosen = slots(scenario)
    points: set[tuple[int, int, int]] = set()
    on: dict[tuple[str, ...], int] = {}
    held: dict[tuple[str, ...], int] = {}
    for d, row in enumerate(draw(chosen, samples, seed)):
        found = reference_evaluate(_fixed(data, chosen, [float(v) for v in row]))
        for benefit, risk, members in found["frontier"]:
            points.add((d, benefit, risk))
            for package, _ in members:
                on[package] = on.get(package, 0) + 1
        for package, _ in found["tradeoffs"]:
            held[package] = held.get(package, 0) + 1
    assert {(d, q_written(b), q_written(r)) for d, b, r in moved.points} == points
    assert {p.options: p.on_frontier.hits for p in moved.packages} == on
    assert {p.options: p.tradeoff.hits for p in moved.tradeoffs} == held


def _fixed(data: Data, chosen: tuple[Slot, ...], row: list[float]) -> Scenario:
    """The scenario with one draw's numbers as plain values.

    Option and interaction values are written into the file; bounds are set on the loaded
    scenario, since a drawn min may exceed a drawn max, which no file may write.
    """
    drawn = copy.deepcopy(data)
    for slot, value in zip(chosen, row, strict=True):
        if slot.where != "bound":
            _put(drawn, slot, value)
    scenario = loads(to_yaml_text(drawn))
    actors = dict(scenario.actors)
    for slot, value in zip(chosen, row, strict=True):
        if slot.where == "bound":
            actor_id, index, side = slot.owner  # type: ignore[misc]
            actor = actors[actor_id]
            constraint = actor.constraints[index]
            assert constraint.limit is not None
            bound = constraint.limit[slot.metric].model_copy(update={side: point(value)})
            limit = {**constraint.limit, slot.metric: bound}
            changed = constraint.model_copy(update={"limit": limit})
            constraints = (*actor.constraints[:index], changed, *actor.constraints[index + 1 :])
            actors[actor_id] = actor.model_copy(update={"constraints": constraints})
    return scenario.model_copy(update={"actors": actors})


def _reordered(data: Data) -> Data:
    """Options and actors in reverse file order."""
    out = copy.deepcopy(data)
    out["options"] = dict(reversed(list(data["options"].items())))
    out["actors"] = dict(reversed(list(data["actors"].items())))
    return out


@SETTINGS
@given(scenario_data(max_options=5, max_actors=3), st.integers(0, 2**31))
def test_reordering_options_and_actors_changes_nothing(data: Data, seed: int) -> None:
    first = robustness(loads(to_yaml_text(data)), samples=20, seed=seed)
    second = robustness(loads(to_yaml_text(_reordered(data))), samples=20, seed=seed)
    assert first.deal == second.deal
    assert {frozenset(p.options): p.chance for p in first.packages} == {
        frozenset(p.options): p.chance for p in second.packages
    }
    assert {a.actor: a for a in first.actors} == {a.actor: a for a in second.actors}
    assert {c.label: c.fails for c in first.constraints} == pytest_approx_dict(
        {c.label: c.fails for c in second.constraints}
    )


def pytest_approx_dict(values: dict[str, float]) -> Any:
    import pytest

    return pytest.approx(values, rel=1e-12, abs=1e-15)


@SETTINGS
@given(scenario_data(max_options=5, max_actors=3), st.integers(0, 2**31))
def test_the_same_seed_gives_the_same_answers(data: Data, seed: int) -> None:
    scenario = loads(to_yaml_text(data))
    once = robustness(scenario, samples=15, seed=seed).to_json()
    again = robustness(scenario, samples=15, seed=seed).to_json()
    assert once == again


def test_draws_stay_in_the_metric_domain() -> None:
    scenario: Scenario = loads(
        to_yaml_text(
            {
                "format": "guarantees/1",
                "id": "wide",
                "title": "A normal term on a probability",
                "options": {"a": {"label": "A", "deterrence": {"normal": [0.5, 3]}}},
                "actors": {"x": {"name": "X"}},
            }
        )
    )
    values = draw(slots(scenario), 5000, 3)
    assert values.min() == 0.0  # clipped at both ends, as the format's [0, 1) for a term
    assert values.max() == np.nextafter(1.0, 0.0)


@SETTINGS
@given(scenario_data(max_options=5, max_actors=3), st.integers(0, 2**31), st.data())
def test_one_package_across_the_draws_agrees_with_the_whole_pass(
    data: Data, seed: int, pick: st.DataObject
) -> None:
    scenario = loads(to_yaml_text(data))
    whole = robustness(scenario, samples=12, seed=seed)
    ids = list(scenario.options)
    chosen = tuple(o for o in ids if pick.draw(st.booleans()))
    one = package_robustness(scenario, chosen, samples=12, seed=seed)
    chances = {frozenset(p.options): p.chance for p in whole.packages}
    expected = chances.get(frozenset(chosen))
    assert one.acceptable.hits == (0 if expected is None else expected.hits)
    assert frozenset(one.options) == frozenset(chosen)
