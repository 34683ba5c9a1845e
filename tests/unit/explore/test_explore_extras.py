"""The explorer's robustness and stability columns against the analyses that own them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from guarantees.model.explore.extras import acceptance_hits, equilibria
from guarantees.model.format.load import load, loads
from guarantees.model.robustness.analyse import package_robustness, robustness
from guarantees.model.stability.analysis import analyse
from guarantees.model.stability.conflict import CONCEPTS

SCENARIOS = Path(__file__).parents[3] / "scenarios"


def test_every_package_is_acceptable_in_as_many_draws_as_package_robustness_says() -> None:
    scenario = load(SCENARIOS / "backstop-in-doubt.yaml")
    found, hits = acceptance_hits(scenario, samples=200, seed=3)
    assert found.to_json() == robustness(scenario, samples=200, seed=3).to_json()
    options = list(scenario.options)
    sampled = np.random.default_rng(1).choice(hits.size, 40, replace=False).tolist()
    chosen = [*np.flatnonzero(hits).tolist()[:20], *sampled]
    assert hits.max() > 0
    for p in chosen:
        package = tuple(o for i, o in enumerate(options) if p >> i & 1)
        found = package_robustness(scenario, package, samples=200, seed=3)
        assert int(hits[p]) == found.acceptable.hits, package


def test_every_package_is_an_equilibrium_where_the_stability_analysis_says() -> None:
    scenario = load(SCENARIOS / "walk-away.yaml")
    held = equilibria(scenario)
    result = analyse(scenario)
    options = list(scenario.options)
    for p in range(1 << len(options)):
        state = result.report_of([o for i, o in enumerate(options) if p >> i & 1])
        expected = dict.fromkeys(CONCEPTS, False) if state is None else state.equilibrium
        assert {c: bool(held[c][p]) for c in CONCEPTS} == expected
    assert any(held[c].any() for c in CONCEPTS)


def test_a_package_that_breaks_a_rule_is_no_equilibrium() -> None:
    scenario = load(SCENARIOS / "coalition-baseline.yaml")
    held = equilibria(scenario)
    result = analyse(scenario)
    options = list(scenario.options)
    broken = [
        p
        for p in range(1 << len(options))
        if result.report_of([o for i, o in enumerate(options) if p >> i & 1]) is None
    ]
    assert broken
    assert not any(held[c][broken].any() for c in CONCEPTS)
    assert sum(int(held[c].sum()) for c in CONCEPTS) == sum(
        len(result.equilibria[c]) for c in CONCEPTS
    )


def test_without_a_feasible_package_nothing_is_an_equilibrium() -> None:
    text = (
        "format: guarantees/1\nid: none\ntitle: None\n"
        "options:\n  a: {label: A, tags: [tagged]}\n"
        "rules:\n  - one_of: [a, tagged]\n"  # a and its tag: never exactly one
        "actors:\n  x: {name: X, priorities: [a]}\n  y: {name: Y}\n"
    )
    scenario = loads(text, file="none.yaml")
    held = equilibria(scenario)
    assert {c: held[c].tolist() for c in CONCEPTS} == {c: [False, False] for c in CONCEPTS}
