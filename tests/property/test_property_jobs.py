"""Sharing the enumeration among worker processes changes nothing: for any number of jobs,
the evaluation's JSON is byte-identical to the one-process pass.

Chunks are shrunk (as in test_property_solver.py) so that small scenarios have many of them,
and the size below which the pass stays in one process is lowered to zero, so that the
workers really run and their shares are merged.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import scenario_data, to_yaml_text

from guarantees.cli.render_json import ok_entry, write_evaluate_document
from guarantees.model.exact.enumerate import Enumerator
from guarantees.model.format.load import load, loads
from guarantees.model.format.schema import Scenario

solver = importlib.import_module("guarantees.model.exact.evaluate")  # the module, not the function
SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.fixture(autouse=True, scope="module")
def _always_parallel() -> Iterator[None]:
    """Workers for every scenario, however small."""
    with mock.patch.object(solver, "PARALLEL_FROM", 0):
        yield


def json_text(scenario: Scenario, *, jobs: int, low_bits: int) -> str:
    """The evaluation of `scenario` as `guarantees evaluate --format json` writes it."""
    with mock.patch.object(solver, "Enumerator", functools.partial(Enumerator, low_bits=low_bits)):
        result = solver.evaluate(scenario, jobs=jobs)
    parts: list[str] = []
    write_evaluate_document([ok_entry("s.yaml", result, top=None)], parts.append)
    return "".join(parts)


def workers(scenario: Scenario, *, jobs: int, low_bits: int) -> int:
    """How many processes the pass uses for these settings."""
    return solver.workers_for(
        Enumerator(solver.compile_scenario(scenario), low_bits=low_bits), jobs
    )


@settings(max_examples=25, deadline=None)
@given(scenario_data(), st.integers(0, 3))
def test_property_any_number_of_jobs_gives_the_same_json(
    data: dict[str, Any], low_bits: int
) -> None:
    """jobs 2 and 3 give the bytes of jobs 1, whatever the scenario and the chunk size."""
    scenario = loads(to_yaml_text(data), file="gen.yaml")
    alone = json_text(scenario, jobs=1, low_bits=low_bits)
    for jobs in (2, 3):
        assert json_text(scenario, jobs=jobs, low_bits=low_bits) == alone, f"jobs={jobs}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("jobs", [2, 3])
def test_shipped_scenarios_give_the_same_json_in_workers(path: Path, jobs: int) -> None:
    """Each shipped scenario, cut into chunks of 4 packages and shared among workers."""
    scenario = load(path)
    assert workers(scenario, jobs=jobs, low_bits=2) == jobs  # the workers do run
    assert json_text(scenario, jobs=jobs, low_bits=2) == json_text(scenario, jobs=1, low_bits=2)
