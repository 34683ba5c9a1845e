"""`guarantees robustness` run as a user runs it: views, determinism, bad and large input."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import INVALID, SCENARIOS, Run, big_scenario

BASELINE = SCENARIOS / "coalition-baseline.yaml"


def test_table_says_how_likely_a_deal_is_what_drives_it_and_when(run: Run) -> None:
    result = run("robustness", BASELINE, "--samples", "400", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in (
        "Chance of a deal",
        "Most robust packages",
        "Best deal",
        "Actors",
        "Smallest concessions",
        "Drivers",
        "When a deal exists",
    ):
        assert heading in out
    assert "400 draws (seed 3)" in out
    assert "A package acceptable to every actor exists in" in out


def test_json_is_versioned_and_the_same_for_the_same_seed(run: Run) -> None:
    first = run("robustness", BASELINE, "--samples", "300", "--format", "json")
    again = run("robustness", BASELINE, "--samples", "300", "--format", "json")
    other = run("robustness", BASELINE, "--samples", "300", "--seed", "2", "--format", "json")
    assert first.exit_code == again.exit_code == other.exit_code == 0
    assert first.stdout == again.stdout
    assert first.stdout != other.stdout
    document = json.loads(first.stdout)
    assert document["schema"] == "guarantees.robustness/1"
    (entry,) = document["files"]
    deal = entry["result"]["deal"]
    assert entry["ok"] is True
    assert deal["draws"] == 300
    assert deal["interval_95"][0] <= deal["share"] <= deal["interval_95"][1]


def test_markdown_view(run: Run) -> None:
    result = run("robustness", BASELINE, "--samples", "200", "--format", "markdown")
    assert result.exit_code == 0
    assert "## Chance of a deal" in result.stdout


def test_few_draws_say_so(run: Run) -> None:
    result = run("robustness", BASELINE, "--samples", "20")
    assert result.exit_code == 0
    assert "Too few draws for whole percents" in result.stdout
    assert "--samples 80" in result.stdout


def test_bad_and_too_large_files_exit_2_and_the_others_run(run: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(INVALID, encoding="utf-8")
    large = tmp_path / "large.yaml"
    large.write_text(big_scenario(23), encoding="utf-8")
    result = run("robustness", broken, large, BASELINE, "--samples", "50")
    assert result.exit_code == 2
    assert "deterrance" in result.stderr
    assert "has 23 options: the robustness analysis evaluates all 2^n packages" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Chance of a deal" in result.stdout


def test_a_scenario_with_no_uncertain_value_says_so(run: Run) -> None:
    result = run("robustness", SCENARIOS / "walk-away.yaml", "--samples", "20")
    assert result.exit_code == 0
    assert "No value of this scenario is uncertain" in " ".join(result.stdout.split())


def test_the_frontier_of_every_draw_is_counted_once_when_it_never_moves(run: Run) -> None:
    result = run("robustness", SCENARIOS / "walk-away.yaml", "--samples", "20")
    text = " ".join(result.stdout.split())
    assert "The exact frontier of each of the first 20 draws has " in text
    assert " points in every one;" in text


def test_a_moving_frontier_is_given_as_a_range_with_its_median(run: Run) -> None:
    result = run("robustness", SCENARIOS / "coalition-baseline.yaml", "--samples", "50")
    text = " ".join(result.stdout.split())
    assert "The exact frontier of each of the first 50 draws has " in text
    assert " points (median " in text
