"""The explorer page's data, decoded as the page's script decodes it, against `explain`.

For every package (a sample of the larger scenarios): the sentence on who rejects it, the
rules sentence, each metric's value and each failed constraint's "why" must be the very text
of `explain`'s report; the chance and stability sentences the words of explain's sections.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guarantees.cli.explore_data import (
    ARRAY_TYPES,
    OUTSIDE,
    PLACE_SCALE,
    Chances,
    Extras,
    Picture,
    embedded_places,
    page_data,
)
from guarantees.cli.report import Report
from guarantees.cli.report_explain import explanation_report
from guarantees.cli.report_robustness import package_section
from guarantees.cli.report_stability import NOT_A_STATE, equilibrium_text, package_stability
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.explore.extras import acceptance_hits, equilibria
from guarantees.model.explore.table import explore_table
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.analyse import package_robustness
from guarantees.model.stability.analysis import analyse

SCENARIOS = Path(__file__).parents[3] / "scenarios"
DTYPES = {name: np.dtype(kind) for kind, name in ARRAY_TYPES.items()}


def decode(spec: dict[str, Any]) -> np.ndarray:
    """A packed array as the page's script reads it (values less one where `missing`)."""
    raw = np.frombuffer(base64.b64decode(spec["data"]), dtype=DTYPES[spec["type"]])
    values = raw.astype(np.int64) - 1 if spec.get("missing") else raw
    return values.reshape(spec["shape"])


def looked_up(table: dict[str, Any], p: int) -> str:
    """The text a lookup table gives package p."""
    return str(table["texts"][int(decode(table["index"])[p])])


def data_of(scenario: Scenario, *, samples: int = 0) -> dict[str, Any]:
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    size = 1 << len(scenario.options)
    at = np.zeros((size, 2), dtype=np.float32)
    chances = None
    if samples:
        found, hits = acceptance_hits(scenario, samples=samples, seed=1)
        chances = Chances(hits, samples, found)
    extras = Extras(chances=chances, equilibria=equilibria(scenario))
    picture = Picture(b"", (100.0, 100.0), at)
    return page_data(
        "f.yaml", scenario, evaluation=evaluation, table=table, picture=picture, extras=extras
    )


def section(report: Report, title: str) -> Any:
    (found,) = [s for s in report.sections if s.title == title]
    return found


def options_of(scenario: Scenario, p: int) -> tuple[str, ...]:
    return tuple(o for i, o in enumerate(scenario.options) if p >> i & 1)


def why(data: dict[str, Any], p: int, k: int) -> str:
    """The script's `why`: each bound of test k missed, or what it says; note; source."""
    index = decode(data["misses"]["index"])
    lines = [
        data["misses"]["texts"][index[p, j]]
        for j, test in enumerate(data["misses"]["bounds"])
        if test == k and index[p, j]
    ]
    test = data["tests"][k]
    lines = lines or [test["says"]]
    lines += [f"note: {test['note']}"] if test["note"] else []
    lines += [f"source: {test['source']}"] if test["source"] else []
    return "\n".join(lines)


def failing(data: dict[str, Any], p: int) -> list[int]:
    failed = decode(data["failed"])
    return [k for k in range(len(data["tests"])) if failed[p, k // 32] >> (k % 32) & 1]


@pytest.mark.parametrize("name", ["walk-away.yaml", "coalition-baseline.yaml"])
def test_every_text_is_explains(name: str) -> None:
    scenario = load(SCENARIOS / name)
    data = data_of(scenario)
    stability = analyse(scenario)
    size = 1 << len(scenario.options)
    chosen = range(size) if size <= 128 else np.random.default_rng(2).choice(size, 80).tolist()
    for p in chosen:
        options = options_of(scenario, p)
        report = explanation_report("f.yaml", scenario, explain(scenario, options))
        assert looked_up(data["verdicts"], p) == section(report, "Verdicts").text[0]
        assert looked_up(data["rules"], p) == section(report, "Rules").text[0]
        rows = section(report, "Metrics").table.rows
        assert [looked_up(m, p) for m in data["metrics"]] == [row[1] for row in rows]
        expected = []
        for title in ("Rules", "Failed constraints"):
            found = [s for s in report.sections if s.title == title and s.table is not None]
            expected += [row[2] for s in found for row in s.table.rows]
        assert [why(data, p, k) for k in failing(data, p)] == expected
        state = stability.report_of(options)
        words = NOT_A_STATE if state is None else equilibrium_text(state.equilibrium)
        assert looked_up(data["stability"], p) == words


def test_the_stability_words_are_those_of_explain() -> None:
    scenario = load(SCENARIOS / "walk-away.yaml")
    data = data_of(scenario)
    for p in range(1 << len(scenario.options)):
        found = package_stability(scenario, options_of(scenario, p))
        assert found is not None
        assert looked_up(data["stability"], p) == found.text[0]


def test_the_chance_of_every_package_is_said_as_explain_says_it() -> None:
    scenario = load(SCENARIOS / "backstop-in-doubt.yaml")
    data = data_of(scenario, samples=100)
    hits = decode(data["chance"]["index"])
    for p in [*np.flatnonzero(hits).tolist()[:5], 0, 1, 2]:
        found = package_robustness(scenario, options_of(scenario, p), samples=100, seed=1)
        words = package_section(found, None).text[0]
        assert words.startswith(looked_up(data["chance"], p).removesuffix("."))


def test_nearest_and_concessions_are_packed_as_the_table_holds_them() -> None:
    scenario = load(SCENARIOS / "walk-away.yaml")
    evaluation = evaluate(scenario)
    table = explore_table(scenario, evaluation)
    data = data_of(scenario)
    assert decode(data["nearest"]).tolist() == table.nearest.package.tolist()
    assert decode(data["distance"]).tolist() == table.nearest.distance.tolist()
    assert decode(data["concession"]).tolist() == table.concession.tolist()
    assert len(data["concessions"]) == len(evaluation.concessions)


def test_places_off_the_picture_are_marked_outside() -> None:
    at = np.array([[10.0, 20.0], [-1.0, 5.0], [50.0, 101.0], [99.9, 0.0]], dtype=np.float32)
    places = embedded_places(Picture(b"", (100.0, 100.0), at))
    assert places.tolist() == [
        [10 * PLACE_SCALE, 20 * PLACE_SCALE],
        [OUTSIDE, OUTSIDE],
        [OUTSIDE, OUTSIDE],
        [round(99.9 * PLACE_SCALE), 0],
    ]
