"""Variants side by side: each row's figures are the engine's, rows are grouped by the
changes of substance from the base, and wording is counted, not listed."""

from __future__ import annotations

from pathlib import Path

from guarantees.model import load, loads
from guarantees.model.comparison.variants import Inputs, compare, held_deals, smallest
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.format.schema import Scenario
from guarantees.model.stability.analysis import analyse

REPO = Path(__file__).resolve().parents[3]
BASELINE = REPO / "scenarios" / "coalition-baseline.yaml"
WALK_AWAY = REPO / "scenarios" / "walk-away.yaml"

BASE = """\
format: guarantees/1
id: base
title: Base
options:
  jets: {label: Jets, deterrence: 0.3, escalation: 0.1}
  force: {label: Force, deterrence: 0.4, escalation: 0.3}
actors:
  kyiv:
    name: Kyiv
    constraints:
      - {id: enough, limit: {deterrence: {min: 0.5}}, note: Wants protection.}
  moscow:
    name: Moscow
    constraints:
      - {id: no_force, veto: force}
"""


def inputs(text: str, file: str) -> Inputs:
    scenario = loads(text, file=file)
    return Inputs(file, scenario, evaluate(scenario))


def test_each_row_reads_the_engine_s_results() -> None:
    scenario = load(BASELINE)
    result = evaluate(scenario)
    (row,) = compare([Inputs("b.yaml", scenario, result)])
    assert (row.feasible, row.acceptable, row.best) == (2688, 0, None)
    assert row.smallest == smallest(result.concessions)
    first = result.concessions[0]
    assert all(
        (len(c.constraints), c.shift) == (len(first.constraints), first.shift) for c in row.smallest
    )
    assert row.smallest[0] is first
    assert tuple(b.actor for b in row.alone) == result.sole_blockers
    assert (row.group, row.changes, row.wording) == (0, (), 0)


def test_with_a_deal_the_best_package_and_no_concession_needed() -> None:
    scenario = load(WALK_AWAY)
    result = evaluate(scenario)
    (row,) = compare([Inputs("w.yaml", scenario, result)])
    assert row.acceptable == len(result.acceptable) > 0
    assert row.best == result.acceptable[0]
    assert row.smallest == ()
    assert result.concessions  # there are concessions, but none is needed for a deal


def test_rows_are_grouped_by_changes_of_substance_base_first() -> None:
    lower = BASE.replace("min: 0.5", "min: 0.4")
    reworded = lower.replace("Wants protection.", "Wants less.").replace("title: Base", "title: B")
    both = lower.replace("veto: force", "veto: jets")
    rows = compare(
        [
            inputs(BASE, "base.yaml"),
            inputs(both, "both.yaml"),
            inputs(lower, "lower.yaml"),
            inputs(BASE.replace("title: Base", "title: Copy"), "copy.yaml"),
            inputs(reworded, "reworded.yaml"),
        ]
    )
    assert [(r.file, r.group) for r in rows] == [
        ("base.yaml", 0),
        ("copy.yaml", 0),
        ("lower.yaml", 1),
        ("reworded.yaml", 1),
        ("both.yaml", 2),
    ]
    assert [r.wording for r in rows] == [0, 1, 0, 2, 0]
    (change,) = rows[2].changes
    assert (change.item, change.field, change.old, change.new) == (
        "kyiv.enough",
        "limit",
        "deterrence min 0.5",
        "deterrence min 0.4",
    )
    assert len(rows[4].changes) == 2


def test_no_variants_no_rows() -> None:
    assert compare([]) == ()


def acceptable_equilibria(scenario: Scenario) -> dict[str, int]:
    """Per concept, the acceptable packages among the equilibria `stability` lists."""
    found = analyse(scenario)
    acceptable = {tuple(p.options) for p in evaluate(scenario).acceptable}
    return {c: sum(tuple(p) in acceptable for p in ps) for c, ps in found.equilibria.items()}


def test_held_deals_count_the_acceptable_equilibria() -> None:
    scenario = load(WALK_AWAY)
    held = held_deals(scenario)
    assert held == acceptable_equilibria(scenario)
    assert held is not None
    assert any(held.values())


def test_held_deals_need_a_preference() -> None:
    assert held_deals(loads(BASE, file="base.yaml")) is None
