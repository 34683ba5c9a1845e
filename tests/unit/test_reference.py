"""Worked examples that check the reference evaluator itself, by hand-computed numbers.

The property tests trust `tests/reference.py` as the oracle for the solver; these tests make
that trust earned: tiny scenarios whose every report is worked out by hand below.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from reference import (
    acceptable,
    broken_rules,
    count,
    feasible,
    holds,
    matches,
    metric_grid,
    metric_value,
    q,
    rank_key,
    reference_evaluate,
    reference_verdicts,
)
from scipy import stats

from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario

SHARED = Path(__file__).resolve().parents[1] / "data" / "format-example.yaml"


def load_text(text: str) -> Scenario:
    """Load a scenario from YAML text."""
    return loads(text, file="test.yaml")


@pytest.fixture(scope="module")
def example() -> Scenario:
    """The shape example of the brief (a copy of ../shared/format-example.yaml)."""
    return load_text(SHARED.read_text(encoding="utf-8"))


def P(*options: str) -> frozenset[str]:
    """A package."""
    return frozenset(options)


# ----------------------------------------------------------------------- the tolerance


def test_q_puts_numbers_on_the_nano_grid() -> None:
    assert q(0.5) == 500_000_000
    assert q(0.1 + 0.2) == q(0.3)
    assert q(-0.25) == -250_000_000
    assert q(0.0) == 0


def test_q_cut_is_above_the_half_so_noise_cannot_decide() -> None:
    """q(v) = floor(v * 1e9 + 1/2 + 2^-12): an exact half goes up, whatever the float noise."""
    half = 2.5e-9
    assert q(math.nextafter(half, 0)) == q(half) == q(math.nextafter(half, 1)) == 3
    # 1 - 0.35 * 0.65 * 0.45 * 0.55 * 0.15 = 0.9915540625 lies exactly halfway between two
    # grid points: q puts it on the upper one (Python's round, half to even, on the lower).
    factors = [0.35, 0.65, 0.45, 0.55, 0.15]
    assert {q(1 - math.prod(order)) for order in itertools.permutations(factors)} == {991_554_063}
    # the cut: 2^-12 nano (about 0.000244) above the half
    assert q(2.4998e-9) == 3
    assert q(2.4997e-9) == 2


# -------------------------------------------------------------- the format example


def test_example_metric_values(example: Scenario) -> None:
    """Best guesses (medians): ground_force det [0.2, 0.4] -> 0.3; air_policing triangular
    [0.1, 0.2, 0.35] -> 0.35 - sqrt(0.25 * 0.15 / 2) = 0.21307 (its mode is below the middle)."""
    air = 0.35 - math.sqrt(0.25 * 0.15 / 2)
    assert air == pytest.approx(stats.triang(0.4, 0.1, 0.25).median(), abs=1e-12)
    # {ground_force, backstop}: det 1 - 0.7 * 0.7 * (1 - 0.15 interaction) = 0.5835
    gb = P("ground_force", "backstop")
    assert q(metric_value(example, gb, "deterrence")) == q(0.5835)
    assert q(metric_value(example, gb, "escalation")) == q(1 - 0.65 * 0.8)  # 0.48
    assert metric_value(example, gb, "troops") == 20
    # {ground_force, air_policing, backstop}: det 1 - 0.7 * (1 - air) * 0.7 * 0.85 = 0.67224
    gab = P("ground_force", "air_policing", "backstop")
    assert q(metric_value(example, gab, "deterrence")) == q(1 - 0.7 * (1 - air) * 0.7 * 0.85)
    assert q(metric_value(example, gab, "escalation")) == q(0.558)
    # no interaction without the backstop
    assert q(metric_value(example, P("ground_force"), "deterrence")) == q(0.3)
    # nothing in the package: every combination gives 0
    assert metric_value(example, P(), "deterrence") == 0
    assert metric_value(example, P(), "troops") == 0
    # options without a troops value contribute nothing to the sum
    assert metric_value(example, P("membership", "air_policing"), "troops") == 0


def test_example_names_and_rules(example: Scenario) -> None:
    assert matches(example, P("ground_force"), "troops_inside")
    assert matches(example, P("air_policing"), "alliance_country_forces")
    assert not matches(example, P("air_policing"), "troops_inside")
    assert count(example, P("ground_force", "air_policing"), ("alliance_country_forces",)) == 2
    # an option matching two of the names counts once
    assert count(example, P("ground_force"), ("ground_force", "troops_inside")) == 1
    # backstop requires ground_force (rule 1); membership excludes recognition (rule 2)
    assert broken_rules(example, P("backstop")) == ["rule#1"]
    assert broken_rules(example, P("membership", "recognition", "backstop")) == [
        "rule#1",
        "rule#2",
    ]
    assert feasible(example, P("ground_force", "backstop"))


def test_example_verdicts(example: Scenario) -> None:
    """{ground_force, backstop}: the adversary vetoes troops inside and wants recognition
    with a backstop; guarantor A's escalation cap 0.4 is missed (0.48)."""
    assert reference_verdicts(example, P("ground_force", "backstop")) == {
        None: [],
        "beneficiary": [],
        "adversary": ["adversary#1", "adversary#2"],
        "guarantor_a": ["guarantor_a#1"],
        "guarantor_b": [],
    }
    # {air_policing}: deterrence 0.2 < 0.5 for the beneficiary, nothing else
    assert reference_verdicts(example, P("air_policing")) == {
        None: [],
        "beneficiary": ["beneficiary#1"],
        "adversary": [],
        "guarantor_a": [],
        "guarantor_b": [],
    }
    assert reference_verdicts(example, P("membership", "recognition"))[None] == ["rule#2"]


def test_example_counts_and_no_agreement(example: Scenario) -> None:
    """32 packages; 8 break rule 1 and 8 rule 2, 2 of them both: 18 feasible. The adversary
    vetoes ground_force (so no backstop either), membership is vetoed, recognition too, and
    air_policing alone deters 0.2 < 0.5: nothing is acceptable. Only the empty package and
    air_policing alone escape every veto: those two are held back by the deterrence floor."""
    result = reference_evaluate(example)
    assert result["counts"] == {
        "options": 5,
        "actors": 4,
        "packages": 32,
        "feasible": 18,
        "acceptable": 0,
        "held_back": 2,
    }
    assert result["acceptable"] == []
    assert result["minimal"] == []
    assert not any(acceptable(example, p) for p in [P(), P("air_policing")])


# --------------------------------------------------------------- a tiny worked scenario

TINY = """
format: guarantees/1
id: tiny
title: Tiny
options:
  a: {label: A, deterrence: 0.5, escalation: 0.2}
  b: {label: B, deterrence: 0.4, escalation: 0.5}
actors:
  x:
    name: X
    constraints:
      - limit: {deterrence: {min: 0.6}}
  y:
    name: Y
    constraints:
      - limit: {escalation: {max: 0.3}}
"""


def test_tiny_reports_by_hand() -> None:
    """Packages: {} 0/0, {a} .5/.2, {b} .4/.5, {a,b} .7/.6 (det 1-.5*.6, esc 1-.8*.5).
    x fails {}, {a}, {b} (shortfalls .6, .1, .2); y fails {b} (.2), {a,b} (.3)."""
    s = load_text(TINY)
    r = reference_evaluate(s)
    assert r["counts"]["acceptable"] == 0
    assert r["counts"]["feasible"] == 4
    # {b} is dominated by {a}; {}, {a}, {a,b} remain, listed from the best benefit down
    assert r["frontier"] == [
        (q(0.7), q(0.6), [(("a", "b"), False)]),
        (q(0.5), q(0.2), [(("a",), False)]),
        (0, 0, [((), False)]),
    ]
    # all three fail only limits: they are the trade-offs, in frontier order
    assert r["tradeoffs"] == [
        (("a", "b"), [("y#1", [("escalation", "max", q(0.3), q(0.6))])]),
        (("a",), [("x#1", [("deterrence", "min", q(0.6), q(0.5))])]),
        ((), [("x#1", [("deterrence", "min", q(0.6), 0)])]),
    ]
    # x alone rejects {} and {a}; y alone rejects {a,b}; {b} is rejected by both
    assert r["blocks"] == [("x", 3, 0, 2), ("y", 2, 0, 1)]
    assert r["sole_blockers"] == ["x"]
    assert r["constraint_fails"] == [("x#1", 3), ("y#1", 2)]
    # failure sets: {x}, {x}, {x,y}, {y}: minimal {x} (opened most cheaply by {a}, shift .1)
    # and {y} (by {a,b}, shift .3)
    assert r["concessions"] == [(("x#1",), ("a",), q(0.1)), (("y#1",), ("a", "b"), q(0.3))]


def test_tiny_with_a_veto() -> None:
    """A veto on b by z: F({b}) = {x,y,z}, F({a,b}) = {y,z}; {x} and {y,z} are minimal."""
    s = load_text(TINY + "  z:\n    name: Z\n    constraints:\n      - {id: no_b, veto: b}\n")
    r = reference_evaluate(s)
    assert r["blocks"] == [("x", 3, 0, 2), ("y", 2, 0, 0), ("z", 2, 2, 0)]
    assert r["constraint_fails"] == [("x#1", 3), ("y#1", 2), ("z.no_b", 2)]
    assert r["concessions"] == [
        (("x#1",), ("a",), q(0.1)),
        (("y#1", "z.no_b"), ("a", "b"), q(0.3)),
    ]
    # the trade-off {a,b} now fails a veto too, so it is no longer a trade-off
    assert [t[0] for t in r["tradeoffs"]] == [("a",), ()]


def test_acceptable_ranking_and_minimal() -> None:
    """Three options anyone accepts: ranked by benefit, then risk, size and position."""
    s = load_text(
        """
format: guarantees/1
id: rank
title: Rank
options:
  a: {label: A, deterrence: 0.5}
  b: {label: B, deterrence: 0.5}
  c: {label: C, escalation: 0.1}
actors:
  x:
    name: X
    constraints:
      - demand_any: [a, b]
"""
    )
    r = reference_evaluate(s)
    # det: {a,b,*} 0.75, {a,*} / {b,*} 0.5; esc 0.1 with c
    assert r["acceptable"] == [
        ("a", "b"),
        ("a", "b", "c"),
        ("a",),
        ("b",),
        ("a", "c"),
        ("b", "c"),
    ]
    assert r["minimal"] == [("a",), ("b",)]
    assert rank_key(s, P("a")) < rank_key(s, P("b"))  # tie broken by file position
    # the frontier point (0.75, 0) holds {a,b}; (0.5, 0) holds {a}, {b}; {} is dominated
    # by {a} (same risk 0, better benefit); everything with c is dominated
    assert r["frontier"] == [
        (q(0.75), 0, [(("a", "b"), True)]),
    ]


def test_combines_directions_and_tolerance() -> None:
    """sum, max and min; `better: lower` benefit; q-equality at a limit and in conditions."""
    s = load_text(
        """
format: guarantees/1
id: combine
title: Combine
metrics:
  cost: {combine: sum, better: lower}
  reach: {combine: max, better: higher}
  weakest: {combine: min, better: higher}
tradeoff: {benefit: cost, risk: reach}
options:
  a: {label: A, cost: 0.1, reach: 3, weakest: 2}
  b: {label: B, cost: 0.2, reach: 1}
  c: {label: C, cost: [0.0, 0.4], weakest: {triangular: [0, 1, 5], best: 1}}
rules:
  - condition: "cost <= 0.5"
actors:
  x:
    name: X
    constraints:
      - limit: {cost: {max: 0.3}}
      - condition: "cost == 0.3 or weakest >= 2"
"""
    )
    ab = P("a", "b")
    # a sum adds the written numbers on the grid: 0.1 + 0.2 is 0.3 exactly, not the float
    # 0.30000000000000004
    assert metric_grid(s, ab, "cost") == 300_000_000 == q(0.3)
    assert metric_value(s, ab, "cost") == 0.3
    assert metric_value(s, ab, "reach") == 3
    assert metric_value(s, ab, "weakest") == 2  # b gives no value, so it is left out
    assert metric_value(s, P("a", "c"), "weakest") == 1  # c's stated best guess (its mode)
    assert metric_value(s, P("b"), "weakest") == 0  # no term at all
    # 0.1 + 0.2 is within the limit 0.3 and equal to 0.3 under the tolerance
    assert acceptable(s, ab)
    assert holds(s, ab, s.actors["x"].constraints[1].condition)  # type: ignore[arg-type]
    # {a,b,c}: cost 0.5 keeps the rule but fails the limit; weakest min(2, 1) = 1 < 2
    assert reference_verdicts(s, P("a", "b", "c")) == {None: [], "x": ["x#1", "x#2"]}
    # {a,c}: cost 0.3 (0.1 + the range midpoint 0.2) is at the limit; weakest 1, cost == 0.3
    assert reference_verdicts(s, P("a", "c")) == {None: [], "x": []}
    # {b}: cost 0.2 <= 0.3, but weakest 0 < 2 and cost != 0.3
    assert reference_verdicts(s, P("b")) == {None: [], "x": ["x#2"]}
    # benefit `cost` is better lower, so the cheapest acceptable package ranks first
    r = reference_evaluate(s)
    assert r["acceptable"][0] == ("a",)


def test_rules_of_every_kind() -> None:
    """requires, excludes (an option and its own tag are two names), one_of, condition."""
    s = load_text(
        """
format: guarantees/1
id: rules
title: Rules
options:
  a: {label: A, tags: [t]}
  b: {label: B, tags: [t]}
  c: {label: C}
rules:
  - {id: need, requires: {c: [a, b]}}
  - excludes: [a, t]
  - one_of: [b, c]
  - condition: "count(t) <= 1 -> not c"
actors: {x: {name: X}}
"""
    )
    assert broken_rules(s, P("c")) == ["rule.need", "rule#4"]
    assert broken_rules(s, P("a")) == ["rule#2", "rule#3"]  # a and t both match
    assert broken_rules(s, P("b")) == []  # only t matches among [a, t]
    assert broken_rules(s, P("b", "c")) == ["rule.need", "rule#3", "rule#4"]
    assert broken_rules(s, P("a", "b", "c")) == ["rule#2", "rule#3"]
    assert reference_evaluate(s)["acceptable"] == [("b",)]


def test_labels_follow_ids_and_positions() -> None:
    s = load_text(
        """
format: guarantees/1
id: labels
title: Labels
options:
  a: {label: A}
actors:
  x:
    name: X
    constraints:
      - veto: a
      - {id: wants_a, demand: [a]}
      - demand_any: [a]
"""
    )
    assert reference_verdicts(s, P("a")) == {None: [], "x": ["x#1"]}
    assert reference_verdicts(s, P()) == {None: [], "x": ["x.wants_a", "x#3"]}
