"""The format's stability fields: `one_way`, `ranking` and one preference form per actor."""

from __future__ import annotations

import pytest

from guarantees.model.errors import ScenarioError
from guarantees.model.format.load import loads

HEAD = """\
format: guarantees/1
id: s
title: t
options:
  a: {label: A, controlled_by: x, one_way: take}
  b: {label: B, controlled_by: y}
rules:
  - excludes: [a, b]
"""


def _messages(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loads(HEAD + text, file="f.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_a_complete_ranking_with_ties_loads() -> None:
    scenario = loads(
        HEAD + "actors:\n  x:\n    name: X\n    ranking: [[a], {tie: [[], [b]]}]\n  y: {name: Y}\n"
    )
    assert scenario.actors["x"].ranking == ((("a",),), ((), ("b",)))
    assert scenario.actors["x"].preference == "ranking"


def test_missing_duplicated_and_infeasible_packages_are_named() -> None:
    y = "  y: {name: Y}\n"
    text = (
        "actors:\n  x:\n    name: X\n    ranking:\n      - [a, b]\n      - [a]\n      - [a]\n" + y
    )
    assert _messages(text) == [
        "f.yaml:15:9: package ['a'] is ranked twice in actor 'x' (ranking entries 2 and 3): "
        "rank each once, with {tie: [...]} for packages liked equally",
    ]
    text = "actors:\n  x:\n    name: X\n    ranking:\n      - [a, b]\n      - [a]\n" + y
    assert _messages(text) == [
        "f.yaml:12:5: the ranking of actor 'x' leaves out 2 feasible packages: [], ['b'] "
        "(every feasible package is ranked once)",
        "f.yaml:13:9: package ['a', 'b'] in the ranking of actor 'x' is not feasible: "
        "it breaks a rule",
    ]


def test_bad_entries_and_two_preference_forms() -> None:
    text = (
        "actors:\n  x:\n    name: X\n    ranking: [[a, a], {tie: []}, 3]\n"
        "  y:\n    name: Y\n    priorities: [a]\n    ranking: [[a]]\n"
    )
    assert _messages(text) == [
        "f.yaml:12:19: actor 'x', ranking entry 1: 'a' is listed twice in one package "
        "(items 1 and 2)",
        "f.yaml:12:29: 'tie' in actor 'x', ranking entry 2 must be a non-empty list of packages "
        "(got a list of 0 items)",
        "f.yaml:12:34: actor 'x', ranking entry 3 must be a package (a list of option ids, [] "
        "for none) or {tie: [package, ...]} (got 3 (a number))",
        "f.yaml:16:5: actor 'y' has two preference forms, priorities and ranking: an actor "
        "ranks packages in one way only",
    ]


def test_one_way_needs_a_controller_and_a_direction() -> None:
    text = (
        "  c: {label: C, one_way: drop}\n  d: {label: D, controlled_by: x, one_way: both}\n"
        "actors:\n  x: {name: X}\n  y: {name: Y}\n"
    )
    head = HEAD.replace("rules:\n  - excludes: [a, b]\n", "")
    with pytest.raises(ScenarioError) as caught:
        loads(head + text, file="f.yaml")
    assert [str(i) for i in caught.value.issues] == [
        "f.yaml:7:17: option 'c' is one-way but controlled by no actor: say who takes or drops "
        "it with 'controlled_by:'",
        "f.yaml:8:44: 'one_way' in option 'd' must be 'take' or 'drop' (got 'both' (a string))",
    ]


def test_unknown_option_in_a_ranking() -> None:
    text = "actors:\n  x:\n    name: X\n    ranking: [[a], {tie: [[], [bb]]}]\n  y: {name: Y}\n"
    assert _messages(text) == [
        "f.yaml:12:32: unknown option 'bb' in 'tie' of actor 'x', ranking entry 2 "
        "(did you mean 'b'?)"
    ]


def test_a_ranking_beyond_the_option_limit_is_refused_where_it_is_written() -> None:
    options = "".join(f"  o{i}: {{label: O}}\n" for i in range(21))
    text = f"format: guarantees/1\nid: s\ntitle: t\noptions:\n{options}"
    text += "actors:\n  x:\n    name: X\n    ranking: [[]]\n"
    with pytest.raises(ScenarioError) as caught:
        loads(text, file="f.yaml")
    assert [str(i) for i in caught.value.issues] == [
        "f.yaml:29:5: a ranking lists packages one by one: at most 20 options, and this "
        "scenario has 21"
    ]


def test_every_mistake_at_once_ranking_included() -> None:
    text = (
        "actors:\n  x:\n    name: X\n    ranking: [[a]]\n"
        "  y:\n    name: Y\n    priorities: [a]\n    utility: {a: 1}\n"
    )
    assert _messages(text) == [
        "f.yaml:12:5: the ranking of actor 'x' leaves out 2 feasible packages: [], ['b'] "
        "(every feasible package is ranked once)",
        "f.yaml:16:5: actor 'y' has two preference forms, priorities and utility: an actor "
        "ranks packages in one way only",
    ]
