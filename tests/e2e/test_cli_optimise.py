"""`evaluate` past the enumeration limit: the optimisation engine answers, and says so.

Run as a user runs it: the engine is chosen by size or forced with --engine, every view says
which engine answered and what it did not compute, and the JSON marks the absent keys null.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Run

from guarantees.model import load
from guarantees.model.exact.enumerate import MAX_OPTIONS
from guarantees.model.exact.evaluate import evaluate


def _files(result: Any) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = json.loads(result.stdout)["files"]
    return files


BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def generated_60(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """benchmarks/generate.py's 60-option scenario (8 actors, some packages acceptable)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield __import__("generate").write(60, tmp_path)
    sys.modules.pop("generate", None)


def test_large_scenario_answered_by_the_optimisation_engine(run: Run, generated_60: Path) -> None:
    result = run("evaluate", generated_60, "-f", "json", "--top", "2")
    assert result.exit_code == 0, result.stderr
    entry = _files(result)[0]
    assert entry["engine"] == "optimise"
    answer = entry["result"]
    assert answer["engine"]["name"] == "optimise"
    assert answer["engine"]["tolerance"]["mip_rel_gap"] == 0.0
    for key in ("acceptable", "minimal", "tradeoffs", "blocks", "constraint_fails"):
        assert answer[key] is None
        assert key in answer["absent"]
    assert answer["counts"]["feasible"] is None
    assert answer["exists"] is True
    assert len(answer["best"]) == 2
    assert answer["best"][0]["metrics"]["deterrence"] >= answer["best"][1]["metrics"]["deterrence"]
    assert len(answer["frontier"]) == 2  # --top 2 of the whole frontier (the Pareto sweep)
    assert answer["frontier_complete"] is True
    assert "frontier_points" not in answer["absent"]
    assert answer["smallest_concession"]["size"] >= 1


def test_both_engines_give_the_same_best_packages(
    run: Run, make_big: Callable[[int], Path]
) -> None:
    small = make_big(12)
    forced = run("evaluate", small, "-f", "json", "--top", "3", "--engine", "optimise")
    assert forced.exit_code == 0, forced.stderr
    best = [p["options"] for p in _files(forced)[0]["result"]["best"]]
    exact = evaluate(load(small))
    assert best == [list(p.options) for p in exact.acceptable[:3]]
    auto = run("evaluate", small, "-f", "json", "--top", "3")
    assert _files(auto)[0]["engine"] == "enumerate"


def test_table_says_which_engine_answered(
    run: Run, make_big: Callable[[int], Path], generated_60: Path
) -> None:
    assert MAX_OPTIONS < 60
    big = run("evaluate", generated_60, "--top", "1")
    assert big.exit_code == 0, big.stderr
    assert "Answered by the optimisation engine" in big.stdout
    assert "Not computed" in big.stdout
    small = run("evaluate", make_big(8), "--top", "1")
    assert "Answered by the enumeration engine" in small.stdout


def test_markdown_view_of_the_optimisation_engine(run: Run, generated_60: Path) -> None:
    result = run("evaluate", generated_60, "-f", "markdown", "--top", "1")
    assert result.exit_code == 0, result.stderr
    assert "Best acceptable packages" in result.stdout
    assert "Smallest concession" in result.stdout


def test_explain_a_package_of_a_200_option_scenario(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Past 64 options the exact engine's masks overflow; explain judges on Python ints."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    path = __import__("generate").write(200, tmp_path)
    sys.modules.pop("generate", None)
    result = run("explain", path, "--package", "option_00,option_150", "-f", "json")
    assert result.exit_code == 0, result.stderr
    package = json.loads(result.stdout)["result"]["package"]
    assert package["options"] == ["option_00", "option_150"]


def test_frontier_cut_at_top_when_the_solver_searches_it(run: Run, generated_60: Path) -> None:
    """A rule comparing a metric leaves the frontier to the solver's point-by-point search
    (the Pareto sweep reads rules on options only): evaluate finds --top points, says so."""
    text = generated_60.read_text(encoding="utf-8")
    assert "\nrules:\n" in text
    generated_60.write_text(
        text.replace("\nrules:\n", "\nrules:\n- condition: troops <= 100000\n", 1),
        encoding="utf-8",
    )
    result = run("evaluate", generated_60, "-f", "json", "--top", "2")
    assert result.exit_code == 0, result.stderr
    answer = _files(result)[0]["result"]
    assert len(answer["frontier"]) == 2
    assert answer["frontier_complete"] is False
    assert "frontier_points" in answer["absent"]
