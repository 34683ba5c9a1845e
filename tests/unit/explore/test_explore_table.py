"""The explorer's table against the engine's own answers, package by package.

Every package's failed rules and constraints and the bounds it misses must be what `explain`
says of it; its status what `evaluate` counts; its nearest acceptable package a brute-force
minimum of the Hamming distance (ties to the best, as `evaluate` ranks them); its concession
the first of `evaluate`'s within what it fails.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from generated import labels_only

from guarantees.model.errors import TooLargeError
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.points import ACCEPTABLE, BLOCKED, HELD_BACK
from guarantees.model.exact.results import Evaluation, Explanation
from guarantees.model.explore.table import (
    INFEASIBLE,
    MAX_OPTIONS,
    WORD,
    ExploreTable,
    explore_table,
)
from guarantees.model.format.load import load, loads
from guarantees.model.format.schema import Scenario

REPO = Path(__file__).parents[3]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
EXAMPLES_DIR = REPO / "docs" / "examples"
EXAMPLES = [EXAMPLES_DIR / name for name in ("rules.yaml", "shape.yaml")]
#: Examples with acceptable packages, one or many.
WITH_DEALS = ("rules.yaml", "uncertain.yaml", "expressions.yaml", "constraints.yaml")


def options_of(scenario: Scenario, mask: int) -> tuple[str, ...]:
    """The options of a file-order mask."""
    return tuple(o for i, o in enumerate(scenario.options) if mask >> i & 1)


def failed_labels(table: ExploreTable, p: int) -> set[str]:
    """Labels of the rules and constraints package p fails, read from the packed bits."""
    return {
        t.ref.label
        for k, t in enumerate(table.tests)
        if table.failed[p, k // WORD] >> np.uint32(k % WORD) & 1
    }


def missed(table: ExploreTable, p: int) -> set[tuple[str, str, str]]:
    """(constraint, metric, side) of every bound package p misses."""
    names = table.compiled.metrics
    return {
        (table.tests[b.test].ref.label, names[b.metric].name, b.side)
        for j, b in enumerate(table.bounds)
        if table.missed[p, j]
    }


def explained(result: Explanation) -> tuple[set[str], set[tuple[str, str, str]]]:
    """What explain says package fails, and the bounds it misses."""
    failures = [*result.broken_rules, *(f for v in result.verdicts for f in v.failures)]
    labels = {f.constraint.label for f in failures}
    misses = {(f.constraint.label, m.metric, m.side) for f in failures for m in f.misses}
    return labels, misses


def status_of(result: Explanation) -> int:
    """The status explain implies: a broken rule, a hard failure, only limits, or none."""
    if not result.feasible:
        return INFEASIBLE
    failures = [f for v in result.verdicts for f in v.failures]
    if not failures:
        return ACCEPTABLE
    return HELD_BACK if all(f.misses for f in failures) else BLOCKED


def nearest_by_brute_force(evaluation: Evaluation, n: int) -> tuple[list[int], list[int]]:
    """Per package: the acceptable package at least Hamming distance, ties to the first in
    evaluate's order; -1 and -1 when none is acceptable."""
    ranked = [int(m) for m in evaluation.acceptable.masks]  # type: ignore[attr-defined]
    package, distance = [], []
    for p in range(1 << n):
        if not ranked:
            package.append(-1)
            distance.append(-1)
            continue
        best = min(ranked, key=lambda q: ((p ^ q).bit_count(), ranked.index(q)))
        package.append(best)
        distance.append((p ^ best).bit_count())
    return package, distance


@pytest.mark.parametrize("path", SHIPPED[-1:] + EXAMPLES, ids=lambda p: p.name)
def test_every_package_fails_what_explain_says(path: Path) -> None:
    scenario = load(path)
    table = explore_table(scenario, evaluate(scenario))
    for p in range(table.size):
        result = explain(scenario, options_of(scenario, p))
        labels, misses = explained(result)
        assert failed_labels(table, p) == labels
        assert missed(table, p) == misses
        assert table.status[p] == status_of(result)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_sample_of_shipped_packages_agrees_with_explain(path: Path) -> None:
    scenario = load(path)
    table = explore_table(scenario, evaluate(scenario))
    for p in np.random.default_rng(7).choice(table.size, 60, replace=False).tolist():
        labels, misses = explained(explain(scenario, options_of(scenario, p)))
        assert (failed_labels(table, p), missed(table, p)) == (labels, misses)


@pytest.mark.parametrize("path", SHIPPED + EXAMPLES, ids=lambda p: p.name)
def test_statuses_count_as_evaluate_counts(path: Path) -> None:
    scenario = load(path)
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    assert int((table.status == ACCEPTABLE).sum()) == evaluation.counts.acceptable
    assert int((table.status != INFEASIBLE).sum()) == evaluation.counts.feasible


@pytest.mark.parametrize(
    "path",
    [REPO / "scenarios" / "walk-away.yaml", *(EXAMPLES_DIR / n for n in WITH_DEALS)],
    ids=lambda p: p.name,
)
def test_nearest_acceptable_package_is_a_brute_force_minimum(path: Path) -> None:
    scenario = load(path)
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    package, distance = nearest_by_brute_force(evaluation, len(scenario.options))
    assert evaluation.counts.acceptable > 0
    assert table.nearest.package.tolist() == package
    assert table.nearest.distance.tolist() == distance


def test_without_an_acceptable_package_there_is_no_nearest() -> None:
    scenario = load(REPO / "scenarios" / "coalition-baseline.yaml")
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    assert evaluation.counts.acceptable == 0
    assert set(table.nearest.package.tolist()) == {-1}
    assert set(table.nearest.distance.tolist()) == {-1}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_concession_within_is_the_first_of_evaluates(path: Path) -> None:
    scenario = load(path)
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    sets = [{c.label for c in found.constraints} for found in evaluation.concessions]
    rules = {t.ref.label for t in table.tests if t.ref.actor is None}
    for p in range(table.size):
        fails = failed_labels(table, p) - rules
        if table.status[p] in (ACCEPTABLE, INFEASIBLE):
            assert (table.concession[p], table.minimal[p]) == (-1, False)
            continue
        within = [j for j, s in enumerate(sets) if s <= fails]
        assert table.concession[p] == within[0]
        assert table.minimal[p] == (fails in sets)


def test_more_options_than_the_page_holds_are_refused() -> None:
    scenario = loads(labels_only(MAX_OPTIONS + 1), file="big.yaml")
    with pytest.raises(TooLargeError, match=f"at most {MAX_OPTIONS} options"):
        explore_table(scenario, evaluate(scenario))


def test_the_largest_scenario_the_page_holds_is_judged_whole() -> None:
    scenario = loads(labels_only(MAX_OPTIONS, "[{veto: o03}]"), file="big.yaml")
    table = explore_table(scenario, evaluate(scenario))
    assert table.size == 1 << MAX_OPTIONS
    blocked = np.arange(table.size) >> 3 & 1 == 1
    assert (table.status == np.where(blocked, BLOCKED, ACCEPTABLE)).all()
    assert (table.nearest.distance == blocked).all()
