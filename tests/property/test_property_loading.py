"""Property tests of loading: generated scenarios load, round-trip, and mistakes are located.

Every document drawn by `scenario_data()` is valid, so it must load; dumping the loaded
scenario and loading the dump must give the same scenario back; and a document with one
planted mistake must raise `ScenarioError` with an issue on the planted line (never any other
exception).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    MISTAKE_KINDS,
    Mistake,
    scenario_data,
    scenario_with_mistake,
    to_yaml_text,
)

from guarantees.model.errors import ScenarioError
from guarantees.model.format import expr
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario

SETTINGS = settings(max_examples=100, deadline=None)


def dump(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the file's shape, leaving out what is defaulted."""
    return scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def canonical_expressions(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a document whose expressions are written in `expr.render`'s canonical form."""
    out = copy.deepcopy(data)

    def canon(text: str) -> str:
        return expr.render(expr.parse(text))

    for rule in out.get("rules", []):
        if "condition" in rule:
            rule["condition"] = canon(rule["condition"])
    for actor in out["actors"].values():
        for constraint in actor.get("constraints", []):
            if "condition" in constraint:
                constraint["condition"] = canon(constraint["condition"])
        if "priorities" in actor:
            actor["priorities"] = [canon(p) for p in actor["priorities"]]
    return out


@SETTINGS
@given(scenario_data())
def test_property_generated_scenarios_load(data: dict[str, Any]) -> None:
    """Every generated document is valid and loads into what it says."""
    scenario = loads(to_yaml_text(data), file="gen.yaml")
    assert list(scenario.options) == list(data["options"])
    assert list(scenario.actors) == list(data["actors"])
    assert len(scenario.rules) == len(data.get("rules", []))
    assert len(scenario.interactions) == len(data.get("interactions", []))
    for actor_id, actor in scenario.actors.items():
        assert len(actor.constraints) == len(data["actors"][actor_id].get("constraints", []))


@SETTINGS
@given(scenario_data())
def test_property_round_trip(data: dict[str, Any]) -> None:
    """Dumping a loaded scenario and loading the dump gives the same Scenario back.

    Expression nodes carry their character offsets and take part in equality, so an
    expression written with spare parentheses or spacing reloads as an equal tree at other
    offsets; the original is therefore written with canonical expressions here (see
    `test_property_round_trip_modulo_expression_offsets` for any spelling).
    """
    original = loads(to_yaml_text(canonical_expressions(data)), file="gen.yaml")
    again = loads(to_yaml_text(dump(original)), file="dump.yaml")
    assert again == original


@SETTINGS
@given(scenario_data())
def test_property_round_trip_modulo_expression_offsets(data: dict[str, Any]) -> None:
    """With expressions in any spelling, the round trip changes nothing but their offsets."""
    original = loads(to_yaml_text(data), file="gen.yaml")
    again = loads(to_yaml_text(dump(original)), file="dump.yaml")
    # model_dump renders expressions as canonical text, which forgets the offsets.
    assert again.model_dump() == original.model_dump()
    assert dump(loads(to_yaml_text(dump(again)), file="dump2.yaml")) == dump(again)


@settings(max_examples=100, deadline=None)
@given(scenario_with_mistake())
def test_property_planted_mistake_is_reported_on_its_line(mistake: Mistake) -> None:
    """One planted mistake: a ScenarioError with an issue on the planted line saying so."""
    text, line, fragment = mistake
    with pytest.raises(ScenarioError) as caught:
        loads(text, file="gen.yaml")
    issues = caught.value.issues
    assert any(i.line == line and fragment in i.message for i in issues), (
        f"expected an issue on line {line} containing {fragment!r}, got:\n"
        + "\n".join(map(str, issues))
    )
    assert all(i.file == "gen.yaml" for i in issues)


@pytest.mark.parametrize("kind", MISTAKE_KINDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_property_every_mistake_kind(kind: str, data: st.DataObject) -> None:
    """Each kind of planted mistake, drawn on purpose, is reported on its line."""
    text, line, fragment = data.draw(scenario_with_mistake(kind))
    with pytest.raises(ScenarioError) as caught:
        loads(text, file="gen.yaml")
    assert any(i.line == line and fragment in i.message for i in caught.value.issues), str(
        caught.value
    )
