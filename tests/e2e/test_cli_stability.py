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
