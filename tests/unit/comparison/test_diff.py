"""Comparing two variants of a scenario: each kind of change in the inputs, and the outcomes
it moves (acceptable packages, frontier, trade-offs, blocks, concessions)."""

from __future__ import annotations

import json

import pytest

from guarantees.model import loads
from guarantees.model.comparison.diff import ScenarioDiff, diff, package_changes
from guarantees.model.comparison.inputs import Change, input_changes, show
from guarantees.model.exact.evaluate import evaluate

BASE = """\
format: guarantees/1
id: base
title: Base
sources:
  memo: A memo
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  troops: {combine: sum, better: lower, unit: thousand}
options:
  monitors: {label: Monitors, deterrence: 0.1, escalation: 0.02}
  jets: {label: Jets, tags: [air_power], deterrence: 0.3, escalation: 0.1}
  force: {label: Force, tags: [troops_inside], deterrence: 0.4, escalation: 0.3, troops: 20}
  backstop: {label: Backstop, deterrence: 0.3, escalation: 0.15, source: memo}
interactions:
  - {id: backed_jets, all_of: [jets, backstop], deterrence: 0.05}
rules:
  - {id: backstop_needs_jets, requires: {backstop: [jets]}}
actors:
  kyiv:
    name: Kyiv
    constraints:
      - {id: enough, limit: {deterrence: {min: 0.35}}, source: memo, note: Wants protection.}
  moscow:
    name: Moscow
    constraints:
      - {id: no_troops, veto: troops_inside}
      - limit: {escalation: {max: 0.3}}
  london:
    name: London
    constraints:
      - limit: {troops: {max: 10}}
"""


def _variant(*edits: tuple[str, str]) -> str:
    text = BASE
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _diff(new_text: str, old_text: str = BASE) -> ScenarioDiff:
    old, new = loads(old_text), loads(new_text)
    return diff(old, new, evaluate(old), evaluate(new))


def _changes(new_text: str) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    return [
        (c.change, c.section, c.item, c.field, c.old, c.new)
        for c in input_changes(loads(BASE), loads(new_text))
    ]


JETS = "jets: {label: Jets, tags: [air_power], deterrence: 0.3"
MOSCOW_LIMIT = "      - limit: {escalation: {max: 0.3}}\n"
LONDON = "  london:\n    name: London\n    constraints:\n      - limit: {troops: {max: 10}}\n"


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            [(JETS, JETS.replace("0.3", "0.5"))],
            [("changed", "options", "jets", "deterrence", "0.3", "0.5")],
            id="value changed",
        ),
        pytest.param(
            [(JETS, JETS.replace("0.3", "[0.2, 0.4]"))],
            [("changed", "options", "jets", "deterrence", "0.3", "[0.2, 0.4]")],
            id="value made uncertain",
        ),
        pytest.param(
            [("interactions:", "  drones: {label: Drones, deterrence: 0.2}\ninteractions:")],
            [("added", "options", "drones", None, None, "Drones")],
            id="option added",
        ),
        pytest.param(
            [("  monitors: {label: Monitors, deterrence: 0.1, escalation: 0.02}\n", "")],
            [("removed", "options", "monitors", None, "Monitors", None)],
            id="option removed",
        ),
        pytest.param(
            [("tags: [air_power]", "tags: [air_power, aircraft]")],
            [("changed", "options", "jets", "tags", "air_power", "air_power, aircraft")],
            id="option tags changed",
        ),
        pytest.param(
            [(MOSCOW_LIMIT, MOSCOW_LIMIT + "      - {id: no_jets, veto: jets}\n")],
            [("added", "constraints", "moscow.no_jets", None, None, "veto: jets")],
            id="constraint added",
        ),
        pytest.param(
            [("    constraints:\n      - limit: {troops: {max: 10}}\n", "    constraints: []\n")],
            [("removed", "constraints", "london#1", None, "limit: troops max 10", None)],
            id="constraint removed",
        ),
        pytest.param(
            [(MOSCOW_LIMIT, MOSCOW_LIMIT.replace("0.3", "0.4"))],
            [
                (
                    "changed",
                    "constraints",
                    "moscow#2",
                    "limit",
                    "escalation max 0.3",
                    "escalation max 0.4",
                )
            ],
            id="limit without id loosened",
        ),
        pytest.param(
            [("min: 0.35}}, source: memo", "min: 0.25}}, source: memo")],
            [
                (
                    "changed",
                    "constraints",
                    "kyiv.enough",
                    "limit",
                    "deterrence min 0.35",
                    "deterrence min 0.25",
                )
            ],
            id="limit with id lowered",
        ),
        pytest.param(
            [("note: Wants protection.", "note: Wants real protection.")],
            [
                (
                    "changed",
                    "constraints",
                    "kyiv.enough",
                    "note",
                    "Wants protection.",
                    "Wants real protection.",
                )
            ],
            id="constraint note changed",
        ),
        pytest.param(
            [(LONDON, LONDON + "  warsaw: {name: Warsaw, constraints: [{veto: force}]}\n")],
            [("added", "actors", "warsaw", None, None, "Warsaw")],
            id="actor added",
        ),
        pytest.param(
            [(LONDON, "")],
            [("removed", "actors", "london", None, "London", None)],
            id="actor removed",
        ),
        pytest.param(
            [("name: Moscow", "name: Russia")],
            [("changed", "actors", "moscow", "name", "Moscow", "Russia")],
            id="actor renamed",
        ),
        pytest.param(
            [("rules:\n", "rules:\n  - {id: one_of_them, excludes: [force, jets]}\n")],
            [("added", "rules", "rule.one_of_them", None, None, "excludes: force, jets")],
            id="rule added",
        ),
        pytest.param(
            [
                (
                    "rules:\n  - {id: backstop_needs_jets, requires: {backstop: [jets]}}\n",
                    "rules: []\n",
                )
            ],
            [
                (
                    "removed",
                    "rules",
                    "rule.backstop_needs_jets",
                    None,
                    "backstop requires jets",
                    None,
                )
            ],
            id="rule removed",
        ),
        pytest.param(
            [("deterrence: 0.05}", "deterrence: 0.1}")],
            [("changed", "interactions", "backed_jets", "deterrence", "0.05", "0.1")],
            id="interaction changed",
        ),
        pytest.param(
            [("  memo: A memo\n", "  memo: A memo, revised\n  brief: A brief\n")],
            [
                ("changed", "sources", "memo", None, "A memo", "A memo, revised"),
                ("added", "sources", "brief", None, None, "A brief"),
            ],
            id="sources",
        ),
        pytest.param(
            [("unit: thousand", "unit: people")],
            [("changed", "metrics", "troops", "unit", "thousand", "people")],
            id="metric unit",
        ),
        pytest.param(
            [("options:", "tradeoff: {benefit: deterrence, risk: troops}\noptions:")],
            [("changed", "tradeoff", "", "risk", "escalation", "troops")],
            id="trade-off axes",
        ),
        pytest.param(
            [("options:", "status_quo: [monitors]\noptions:")],
            [("changed", "status_quo", "", None, None, "monitors")],
            id="status quo",
        ),
        pytest.param(
            [("title: Base", "title: Base, revised")],
            [("changed", "scenario", "", "title", "Base", "Base, revised")],
            id="title",
        ),
    ],
)
def test_each_kind_of_input_change(
    edits: list[tuple[str, str]],
    expected: list[tuple[str, str, str, str | None, str | None, str | None]],
) -> None:
    assert _changes(_variant(*edits)) == expected


def test_the_same_scenario_has_no_changes() -> None:
    result = _diff(BASE)
    assert result.inputs == ()
    out = result.outcomes
    assert not out.acceptable.gained
    assert not out.acceptable.lost
    assert not out.frontier.gained
    assert out.tradeoffs == ()
    assert out.blocks == ()
    assert out.concessions == ()
    assert result.to_json()["same_scenario"] is True


def test_layout_and_order_of_options_are_not_changes() -> None:
    lines = BASE.splitlines(keepends=True)
    start = lines.index("options:\n") + 1
    reordered = lines[:start] + lines[start : start + 4][::-1] + lines[start + 4 :]
    result = _diff("# a comment\n" + "".join(reordered))
    assert result.inputs == ()
    assert not result.outcomes.acceptable.gained
    assert not result.outcomes.acceptable.lost
    assert not result.outcomes.frontier.gained
    assert not result.outcomes.frontier.lost


def _options(packages: object) -> list[tuple[str, ...]]:
    return [p.options for p in packages]  # type: ignore[attr-defined]


def test_lowering_a_floor_opens_packages_and_closes_a_trade_off() -> None:
    result = _diff(_variant(("min: 0.35}}, source: memo", "min: 0.25}}, source: memo")))
    out = result.outcomes
    assert _options(out.acceptable.gained) == [("jets",)]
    assert _options(out.acceptable.lost) == []
    assert (out.acceptable.old_count, out.acceptable.new_count) == (3, 4)
    assert [(c.name, c.old, c.new) for c in out.counts if c.old != c.new] == [("acceptable", 3, 4)]
    assert ("jets",) in _options(out.minimal.gained)
    (gone,) = [t for t in out.tradeoffs if t.options == ("jets",)]
    assert gone.old is not None
    assert gone.new is None
    assert [b.actor for b in out.blocks] == ["kyiv"]
    (kyiv,) = [c for c in out.concessions if c.constraints == ("kyiv.enough",)]
    assert kyiv.old is not None
    assert kyiv.new is not None  # still a concession, now opening another package
    assert kyiv.old.package.options == ("jets",)
    assert kyiv.new.package.options != ("jets",)


def test_a_new_veto_closes_packages_and_moves_blocks() -> None:
    veto = "      - {id: no_jets, veto: jets}\n"
    result = _diff(_variant((MOSCOW_LIMIT, MOSCOW_LIMIT + veto)))
    out = result.outcomes
    assert not out.acceptable.gained
    assert out.acceptable.lost
    assert all("jets" in p.options for p in out.acceptable.lost)
    assert out.acceptable.new_count == 0
    (moscow,) = [b for b in out.blocks if b.actor == "moscow"]
    assert moscow.old is not None
    assert moscow.new is not None
    assert moscow.new.blocks > moscow.old.blocks


def test_a_new_option_opens_packages_and_moves_the_frontier() -> None:
    drones = "  drones: {label: Drones, deterrence: 0.2, escalation: 0.01}\ninteractions:"
    result = _diff(_variant(("interactions:", drones)))
    out = result.outcomes
    assert out.acceptable.gained
    assert all("drones" in p.options for p in out.acceptable.gained)
    assert not out.acceptable.lost
    assert any("drones" in p.options for p in out.frontier.gained)
    assert out.counts[0].name == "options"
    assert (out.counts[0].old, out.counts[0].new) == (4, 5)


def test_actors_added_and_removed_in_blocks_and_sole_blockers() -> None:
    warsaw = "  warsaw: {name: Warsaw, constraints: [{veto: monitors}]}\n"
    result = _diff(_variant((LONDON, warsaw)))
    kinds = {b.actor: (b.old is None, b.new is None) for b in result.outcomes.blocks}
    assert kinds["warsaw"] == (True, False)
    assert kinds["london"] == (False, True)
    old, new = result.outcomes.sole_blockers
    assert old != new


def test_a_rule_changes_what_is_feasible() -> None:
    result = _diff(_variant(("rules:\n", "rules:\n  - {excludes: [monitors, jets]}\n")))
    feasible = next(c for c in result.outcomes.counts if c.name == "feasible")
    assert feasible.new < feasible.old


def test_json_is_plain_data_and_top_cuts_package_lists() -> None:
    drones = "  drones: {label: Drones, deterrence: 0.2, escalation: 0.01}\ninteractions:"
    result = _diff(_variant(("interactions:", drones)))
    whole = json.loads(json.dumps(result.to_json()))
    assert set(whole) == {"old", "new", "same_scenario", "inputs", "outcomes", "truncated"}
    assert whole["old"]["id"] == "base"
    assert whole["inputs"][0] == {
        "change": "added",
        "section": "options",
        "item": "drones",
        "field": None,
        "old": None,
        "new": "Drones",
    }
    assert len(whole["outcomes"]["acceptable"]["gained"]) > 1
    cut = result.to_json(top=1)
    assert len(cut["outcomes"]["acceptable"]["gained"]) == 1
    assert (
        cut["outcomes"]["acceptable"]["new_count"] == whole["outcomes"]["acceptable"]["new_count"]
    )
    assert cut["truncated"] is True


def test_package_changes_match_packages_by_option_ids() -> None:
    old, new = evaluate(loads(BASE)), evaluate(loads(BASE))
    same = package_changes(old.acceptable, tuple(new.acceptable)[::-1])
    assert not same.gained
    assert not same.lost


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.3, "0.3"),
        ([0.2, 0.4], "[0.2, 0.4]"),
        ({"triangular": [0, 0.15, 0.45]}, "triangular(0, 0.15, 0.45)"),
        (["a", "b"], "a, b"),
        (
            {"escalation": {"max": 0.3}, "troops": {"min": 1, "max": 2}},
            "escalation max 0.3; troops min 1 max 2",
        ),
        ("  text \n", "text"),
        (True, "true"),
        (0.1000001, "0.1000001"),
        ([0.1, 0.1000001], "[0.1, 0.1000001]"),
        (20.0, "20"),
        (1234567.0, "1234567"),
        ({"beta": [2.0, 5.5]}, "beta(2, 5.5)"),
        ({"escalation": {"max": 0.30000000000000004}}, "escalation max 0.30000000000000004"),
    ],
)
def test_show_writes_values_as_a_file_would(value: object, text: str) -> None:
    assert show(value) == text


def test_change_json() -> None:
    change = Change("changed", "options", "jets", "deterrence", "0.3", "0.5")
    assert change.to_json()["field"] == "deterrence"


def test_a_change_in_the_seventh_digit_is_shown() -> None:
    """0.1 and 0.1000001 once both read "0.1": the change must be visible."""
    edited = BASE.replace("deterrence: 0.1,", "deterrence: 0.1000001,")
    (change,) = input_changes(loads(BASE), loads(edited))
    assert (change.old, change.new) == ("0.1", "0.1000001")
