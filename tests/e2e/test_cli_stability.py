"""`guarantees stability FILES`: equilibria, defections and status quo paths, in three views."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_helpers import REPO, Run

CLASSIC = REPO / "scenarios" / "classic"


def test_table_names_equilibria_defections_and_paths(run: Run) -> None:
    result = run("stability", CLASSIC / "prisoners-dilemma.yaml")
    assert result.exit_code == 0
    out = result.stdout
    assert re.search(r"^Nash\s+1\s+a_confesses, b_confesses$", out, re.M)
    assert re.search(r"^SEQ\s+2\s+\(nothing\)$", out, re.M)
    assert re.search(r"^\(nothing\)\s+no\s+yes\s+yes\s+yes\s+prisoner_a, prisoner_b$", out, re.M)
    assert "The status quo [(nothing)] is an equilibrium under GMR, SMR, SEQ." in out


def test_json_document_is_versioned_and_complete(run: Run) -> None:
    result = run("stability", CLASSIC / "chicken.yaml", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["schema"] == "guarantees.stability/1"
    (entry,) = document["files"]
    assert entry["ok"] is True
    stability = entry["stability"]
    assert stability["equilibria"]["seq"] == [["a_swerves"], ["b_swerves"]]
    both = next(s for s in stability["acceptable"] if len(s["package"]) == 2)
    assert both["equilibrium"] == {"nash": False, "gmr": True, "smr": True, "seq": False}
    seq = [d for d in both["defections"] if d["concept"] == "seq"]
    assert {d["actor"] for d in seq} == {"driver_a", "driver_b"}
    assert all(d["sanction"] is None for d in seq)


def test_markdown_view(run: Run) -> None:
    out = run("stability", CLASSIC / "elmira.yaml", "--format", "markdown").stdout
    assert out.startswith("# Stability: classic-elmira\n")
    assert "| delay, insist | Nash, GMR, SMR, SEQ | 1 | lg: delay -> delay, insist |" in out


def test_invalid_ranking_is_located_and_others_still_run(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (CLASSIC / "chicken.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("      - [a_swerves, b_swerves]\n", "", 1), encoding="utf-8")
    result = run("stability", bad, CLASSIC / "chicken.yaml")
    assert result.exit_code == 2
    assert re.search(
        r"bad\.yaml:\d+:5: the ranking of actor 'driver_a' leaves out 1 feasible package: "
        r"\['a_swerves', 'b_swerves'\]",
        result.stderr,
    )
    assert "Stability: classic-chicken" in result.stdout


def test_evaluate_and_explain_add_a_short_stability_section(run: Run) -> None:
    walk_away = REPO / "scenarios" / "walk-away.yaml"
    out = run("evaluate", walk_away).stdout
    assert "\nStability\nEquilibria among the 128 feasible packages: Nash 4, GMR 68" in out
    assert "Of the 8 acceptable packages, equilibria: Nash 0, GMR 8, SMR 8, SEQ 8." in out
    out = run("explain", walk_away, "-p", "us_backstop").stdout
    assert "\nStability\nAn equilibrium under GMR, SMR, SEQ.\n" in out
    assert re.search(r"^SEQ\s+united_states\s+\(nothing\)\s+yes\s+the others' answer,", out, re.M)
    out = run("explain", walk_away, "-p", "us_backstop", "--format", "markdown").stdout
    assert "| Nash | united_states | (nothing) | no | a unilateral improvement" in out


def test_no_stability_section_without_preferences(run: Run) -> None:
    example = REPO / "docs" / "examples" / "minimal.yaml"
    assert "Stability" not in run("evaluate", example).stdout
    assert "Stability" not in run("explain", example, "-p", "").stdout


def test_a_package_that_breaks_a_rule_is_no_state(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ruled.yaml"
    text = (CLASSIC / "chicken.yaml").read_text(encoding="utf-8")
    rule = "rules:\n  - excludes: [a_swerves, b_swerves]\nstatus_quo: [a_swerves, b_swerves]"
    text = text.replace("status_quo: []", rule)
    text = text.replace("      - [a_swerves, b_swerves]\n", "")
    path.write_text(text, encoding="utf-8")
    out = run("explain", path, "-p", "a_swerves,b_swerves").stdout
    assert "The package breaks a rule: it is not a state of the conflict." in out
    out = run("stability", path).stdout
    assert "The status quo [a_swerves, b_swerves] is not feasible: it breaks a rule." in out
    document = json.loads(run("stability", path, "-f", "json").stdout)
    assert document["files"][0]["stability"]["status_quo_feasible"] is False
    assert document["files"][0]["stability"]["status_quo"] is None


def test_html_report_has_the_stability_section(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "walk-away.html"
    assert run("report", REPO / "scenarios" / "walk-away.yaml", "--output", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "Stability" in html
    assert "Of the 8 acceptable packages, equilibria: Nash 0, GMR 8, SMR 8, SEQ 8." in html


def test_a_conflict_past_the_limits_is_refused_and_the_others_still_run(
    run: Run, tmp_path: Path
) -> None:
    options = "".join(f"  o{i}: {{label: O, controlled_by: x}}\n" for i in range(21))
    wide = tmp_path / "wide.yaml"
    wide.write_text(
        f"format: guarantees/1\nid: w\ntitle: t\noptions:\n{options}actors:\n  x: {{name: X}}\n",
        encoding="utf-8",
    )
    result = run("stability", wide, CLASSIC / "chicken.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{wide}: the stability analysis looks at every package: at most 20 options"
    )
    assert "Stability: classic-chicken" in result.stdout
    options = "".join(f"  o{i}: {{label: O, controlled_by: x}}\n" for i in range(16))
    many = tmp_path / "many.yaml"
    many.write_text(
        f"format: guarantees/1\nid: m\ntitle: t\noptions:\n{options}actors:\n  x: {{name: X}}\n",
        encoding="utf-8",
    )
    result = run("stability", many, "--format", "json")
    assert result.exit_code == 2
    assert "more than its limit of 33554432" in result.stderr
    document = json.loads(result.stdout)
    assert document["files"][0]["ok"] is False
    assert "more than its limit" in document["files"][0]["errors"][0]["message"]
