"""Unusual sizes: output and memory stay bounded whatever the ties, refusals say why.

Scenarios are generated: options with labels only (every package ties at one frontier point),
an actor with one `demand` per option (a distinct failure set per package), and files with
thousands of mistakes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import Run
from generated import antichain, labels_only


@pytest.fixture
def ties(tmp_path: Path) -> Path:
    """14 options with no values: all 16,384 packages tie at one frontier point."""
    path = tmp_path / "ties.yaml"
    path.write_text(labels_only(14), encoding="utf-8")
    return path


@pytest.fixture
def uneven(tmp_path: Path) -> Path:
    """As `ties`, with a rule keeping packages of at most 7 options: 9,908 packages tie at one
    point, and do not factor into a few `with or without` groups."""
    path = tmp_path / "uneven.yaml"
    path.write_text(labels_only(14, at_most=7), encoding="utf-8")
    return path


@pytest.fixture
def tied_tradeoffs(tmp_path: Path) -> Path:
    """As `uneven`, with a limit every package misses: every package is a trade-off."""
    path = tmp_path / "tied-tradeoffs.yaml"
    constraints = "[{limit: {deterrence: {min: 0.5}}}]"
    path.write_text(labels_only(14, constraints, at_most=7), encoding="utf-8")
    return path


def test_ties_that_factor_are_one_row(run: Run, ties: Path) -> None:
    """Every package of 14 options to no effect: one row, each option with or without."""
    out = run("evaluate", ties).stdout
    assert "more tied here" not in out
    assert len(out.splitlines()) < 40
    markdown = run("evaluate", ties, "--format", "markdown").stdout
    names = ", ".join(f"o{i:02d}" for i in range(14))
    assert f"| 0.000 | 0.000 | any combination of {names} (or none) | yes |" in markdown


def test_evaluate_shows_top_groups_of_a_point_and_counts_the_rest(run: Run, uneven: Path) -> None:
    result = run("evaluate", uneven)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) < 80
    more = [line.split() for line in lines if "more tied here" in line]
    assert len(more) == 1
    assert more[0][:1] == ["and"]
    assert more[0][2:] == ["more", "tied", "here", "all"]
    assert 0 < int(more[0][1]) < 9908


def test_markdown_counts_the_rest_too(run: Run, uneven: Path) -> None:
    out = run("evaluate", uneven, "--format", "markdown", "--top", "2").stdout
    assert re.search(r"^\|  \|  \| and \d+ more tied here \| all \|$", out, re.MULTILINE)
    assert len(out.splitlines()) < 80


def test_frontier_shows_every_point_with_ten_groups_each(run: Run, uneven: Path) -> None:
    out = run("frontier", uneven).stdout
    assert re.search(r"and \d+ more tied here", out)
    assert len(out.splitlines()) < 60


def test_json_top_cuts_the_packages_of_a_point(run: Run, ties: Path) -> None:
    document = json.loads(run("evaluate", ties, "--format", "json", "--top", "3").stdout)
    result = document["files"][0]["result"]
    (point,) = result["frontier"]
    assert [p["options"] for p in point["packages"]] == [[], ["o00"], ["o01"]]
    assert result["truncated"] is True


def test_json_without_top_lists_every_tied_package(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ties10.yaml"
    path.write_text(labels_only(10), encoding="utf-8")
    document = json.loads(run("frontier", path, "--format", "json").stdout)
    (point,) = document["frontier"]
    assert len(point["packages"]) == 1024
    assert document["truncated"] is False


def test_tied_trade_offs_are_cut(run: Run, tied_tradeoffs: Path) -> None:
    out = run("evaluate", tied_tradeoffs).stdout
    assert re.search(r"^Showing \d+ of 9908 trade-offs \(--top N to show more\)\.$", out, re.M)
    out = run("frontier", tied_tradeoffs).stdout
    assert re.search(r"^Showing \d+ of 9908 trade-offs \(--top N to show more\)\.$", out, re.M)
    assert len(out.splitlines()) < 120


def test_too_many_concessions_is_a_message_not_a_crash(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "antichain.yaml"
    path.write_text(antichain(18), encoding="utf-8")
    result = run("evaluate", path)
    assert result.exit_code == 2
    assert "minimal sets of constraints to relax (concessions): use fewer constraints" in (
        result.stderr
    )
