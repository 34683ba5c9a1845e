"""`guarantees explain FILE --package a,b`: metrics, rules and every actor's verdict, and why."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_helpers import EXAMPLE, REPO, Run

from guarantees.model import load
from guarantees.model.exact.evaluate import explain
from guarantees.model.robustness.analyse import package_robustness


def test_table_gives_each_verdict_and_failed_constraint(run: Run) -> None:
    result = run("explain", EXAMPLE, "--package", "ground_force,backstop")
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[2] == "Package: ground_force, backstop (2 options)"
    assert "The package keeps every rule: it is on the table." in out
    assert "Rejected by 2 of 4 actors: adversary, guarantor_a." in out
    assert re.search(r"^beneficiary\s+Beneficiary\s+accepts\s+0$", out, re.MULTILINE)
    assert re.search(r"^adversary\s+Adversary\s+rejects\s+2$", out, re.MULTILINE)
    assert re.search(r"^adversary#1\s+veto\s+veto: membership, troops_inside", out, re.MULTILINE)
    assert re.search(r"^adversary#2\s+condition\s+condition: backstop -> recognition", out, re.M)
    assert "escalation 0.480 above max 0.400 by 0.080" in out


def test_source_is_resolved_to_its_description(run: Run) -> None:
    out = run("explain", EXAMPLE, "-p", "air_policing").stdout
    assert re.search(r"^beneficiary#1\s+limit\s+deterrence 0.213 below min 0.500", out, re.M)
    assert re.search(r"^\s+note: Wants protection strong enough", out, re.M)
    # the description of `press-2025`
    assert re.search(r"^\s+source: A press analysis of guarantee options \(2025\)$", out, re.M)


def test_metrics_show_units(run: Run) -> None:
    out = run("explain", EXAMPLE, "-p", "ground_force").stdout
    assert re.search(r"^troops\s+20 thousand$", out, re.MULTILINE)
    assert re.search(r"^deterrence\s+0\.300$", out, re.MULTILINE)


def test_empty_package(run: Run) -> None:
    result = run("explain", EXAMPLE, "--package", "")
    assert result.exit_code == 0
    assert "Package: (no options)" in result.stdout
    assert "Rejected by 1 of 4 actors: beneficiary." in result.stdout


def test_broken_rule_is_named(run: Run, small: Path) -> None:
    out = run("explain", small, "-p", "backstop").stdout
    assert "The package breaks 1 rule: it is not on the table." in out
    assert re.search(r"^rule\.backstop_needs_jets\s+requires\s+backstop requires jets", out, re.M)


def test_acceptable_package_is_said_to_be(run: Run, small: Path) -> None:
    out = run("explain", small, "-p", "jets, backstop").stdout
    assert "Every actor accepts the package. The package is acceptable." in out
    assert "Failed constraints" not in out


def test_unknown_option_suggests_the_near_miss(run: Run) -> None:
    result = run("explain", EXAMPLE, "-p", "ground_forse,backstop")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: unknown option 'ground_forse' (did you mean 'ground_force'?)\n"
    )


def test_json_wraps_the_model_explanation_with_sources(run: Run) -> None:
    result = run("explain", EXAMPLE, "-p", "air_policing", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert list(document) == ["schema", "file", "result", "sources", "robustness"]
    assert document["schema"] == "guarantees.explain/1"
    assert document["file"] == str(EXAMPLE)
    assert document["result"] == explain(load(EXAMPLE), ["air_policing"]).to_json()
    assert document["sources"] == {"press-2025": "A press analysis of guarantee options (2025)"}
    chance = package_robustness(load(EXAMPLE), ("air_policing",), samples=500, seed=1)
    assert document["robustness"] == json.loads(json.dumps(chance.to_json()))


def test_the_package_across_the_draws_is_the_robustness_commands(run: Run) -> None:
    """One question, one answer: explain's chance of a package is robustness's for it."""
    baseline = REPO / "scenarios" / "coalition-baseline.yaml"
    args = ("--samples", "300", "--seed", "5", "--format", "json")
    full = json.loads(run("robustness", baseline, *args).stdout)["files"][0]["result"]
    best = full["packages"][0]
    package = ",".join(best["options"])
    document = json.loads(run("explain", baseline, "-p", package, *args).stdout)
    assert document["robustness"]["acceptable"]["hits"] == best["hits"]
    table = run("explain", baseline, "-p", package, "--samples", "300", "--seed", "5").stdout
    assert "Most often in the way:" in table


def test_samples_0_leaves_the_robustness_out(run: Run) -> None:
    document = json.loads(run("explain", EXAMPLE, "-p", "", "-n", "0", "-f", "json").stdout)
    assert document["robustness"] is None


def test_markdown_view(run: Run, small: Path) -> None:
    out = run("explain", small, "-p", "force", "-f", "markdown").stdout
    assert out.startswith("# Small test scenario\n")
    assert "## Verdicts" in out
    assert "| moscow | Moscow | rejects | 1 |" in out
    assert "| moscow.no_troops | veto | veto: troops_inside<br>note: No foreign troops. |" in out
    assert "| troops | 20 thousand | Troops deployed |" in out


def test_markdown_escapes_pipes_in_cells(run: Run, small: Path) -> None:
    out = run("explain", small, "-p", "", "-f", "markdown").stdout
    assert "A memo [internal] \\| 2025" in out


def test_invalid_file_prints_issues_and_exits_2(run: Run, invalid: Path) -> None:
    result = run("explain", invalid, "-p", "a")
    assert result.exit_code == 2
    assert f"{invalid}:7:5: unknown field or metric 'deterrance'" in result.stderr


def test_package_is_required(run: Run) -> None:
    result = run("explain", EXAMPLE)
    assert result.exit_code == 2
    assert "--package" in result.stderr
