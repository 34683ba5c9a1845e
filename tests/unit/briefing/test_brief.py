"""Briefings against the engine and the brute-force reference: the packages an actor alone
rejects (all counted, the best-ranked kept), the concessions that involve it, its options."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from reference import all_packages, feasible, options_tuple, rank_key, reference_verdicts
from strategies import scenario_data, to_yaml_text

from guarantees.model import load, loads
from guarantees.model.briefing.brief import briefs, check_actors
from guarantees.model.errors import ActorError
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.format.schema import Scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[3] / "scenarios").glob("*.yaml"))


Alone = dict[str, list[tuple[tuple[str, ...], list[str]]]]


def alone_by_reference(scenario: Scenario) -> Alone:
    """Per actor, the feasible packages only it rejects, best-ranked first, each with the
    labels of the actor's constraints it fails (brute force)."""
    out: Alone = {a: [] for a in scenario.actors}
    ranked = sorted(all_packages(scenario), key=lambda p: rank_key(scenario, p))
    for package in ranked:
        if not feasible(scenario, package):
            continue
        verdicts = reference_verdicts(scenario, package)
        rejecting = [a for a in scenario.actors if verdicts[a]]
        if len(rejecting) == 1:
            actor = rejecting[0]
            out[actor].append((options_tuple(scenario, package), verdicts[actor]))
    return out


def check_against_reference(scenario: Scenario, keep: int) -> None:
    result = evaluate(scenario)
    expected = alone_by_reference(scenario)
    for brief in briefs(scenario, result, keep=keep):
        assert brief.blocks.sole == len(expected[brief.actor])
        found = [
            (p.options, [f.constraint.label for f in fails])
            for p, fails in zip(brief.sole, brief.sole_failures, strict=True)
        ]
        assert found == expected[brief.actor][:keep]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_packages_alone_blocked_are_the_reference_s(path: Path) -> None:
    check_against_reference(load(path), keep=10_000)


@pytest.mark.parametrize("path", SCENARIOS[:2], ids=lambda p: p.stem)
def test_a_short_list_keeps_the_best_ranked(path: Path) -> None:
    check_against_reference(load(path), keep=3)


@settings(max_examples=60, deadline=None)
@given(scenario_data())
def test_property_alone_blocked_agree_with_the_reference(data: dict[str, object]) -> None:
    scenario = loads(to_yaml_text(data), file="gen.yaml")
    check_against_reference(scenario, keep=5)


def test_concessions_are_those_relaxing_one_of_its_constraints() -> None:
    scenario = load(next(p for p in SCENARIOS if p.stem == "attache-trade"))
    result = evaluate(scenario)
    for brief in briefs(scenario, result):
        expected = [
            c for c in result.concessions if brief.actor in {r.actor for r in c.constraints}
        ]
        assert list(brief.concessions) == expected
        only = [c for c in expected if {r.actor for r in c.constraints} == {brief.actor}]
        assert list(brief.alone_in) == only
    assert any(b.concessions for b in briefs(scenario, result))


def test_options_provided_and_controlled_and_counts() -> None:
    scenario = load(next(p for p in SCENARIOS if p.stem == "walk-away"))
    result = evaluate(scenario)
    (russia,) = briefs(scenario, result, ["russia"])
    assert russia.controls == ("offensive_resumed",)
    assert russia.preference == "priorities"
    assert russia.accepts == result.counts.feasible - russia.blocks.rejects
    assert [c.label for c in russia.constraints] == ["russia.no_nato_troops"]
    assert russia.constraints[0].source == "bbc-aug-2025"


def test_actors_named_come_in_the_order_given_once_each() -> None:
    scenario = load(next(p for p in SCENARIOS if p.stem == "walk-away"))
    found = briefs(scenario, evaluate(scenario), ["russia", "ukraine", "russia"])
    assert [b.actor for b in found] == ["russia", "ukraine"]


def test_an_unknown_actor_is_named_with_a_suggestion() -> None:
    scenario = load(next(p for p in SCENARIOS if p.stem == "walk-away"))
    with pytest.raises(
        ActorError,
        match=r"unknown actor 'rusia' \(did you mean 'russia'\?\); "
        r"unknown actor 'nobody'$",
    ):
        check_actors(scenario, ["rusia", "ukraine", "nobody"])
