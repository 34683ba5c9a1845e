"""`guarantees diff OLD NEW`: the table, Markdown and JSON views, invalid files, --output."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from cli_helpers import INVALID_ISSUES, SCENARIOS, SMALL, Run

BASELINE = SCENARIOS / "coalition-baseline.yaml"
IN_DOUBT = SCENARIOS / "backstop-in-doubt.yaml"


def _variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = SMALL
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_table_shows_inputs_then_outcomes(run: Run, small: Path, tmp_path: Path) -> None:
    looser = _variant(tmp_path, "looser.yaml", ("min: 0.35", "min: 0.25"))
    result = run("diff", small, looser)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[1:3] == [f"old: small ({small})", f"new: small ({looser})"]
    headings = re.findall(
        r"^(Inputs|Counts|Acceptable packages|Frontier|Trade-offs|Blocks|Concessions)$",
        out,
        re.MULTILINE,
    )
    assert headings == [
        "Inputs",
        "Counts",
        "Acceptable packages",
        "Frontier",
        "Trade-offs",
        "Blocks",
        "Concessions",
    ]
    assert re.search(
        r"^changed\s+constraints kyiv\.enough: limit\s+deterrence min 0\.35\s+deterrence min 0\.25",
        out,
        re.MULTILINE,
    )
    assert (
        "1 package became acceptable; 0 packages stopped being acceptable (3 before, 4 now)." in out
    )
    assert re.search(r"^now\s+jets\s+0\.300\s+0\.100$", out, re.MULTILINE)
    assert re.search(r"^acceptable\s+3\s+4\s+\+1$", out, re.MULTILINE)


def test_shipped_variants(run: Run) -> None:
    out = run("diff", BASELINE, IN_DOUBT, "--top", "2").stdout
    assert re.search(r"options us_backstop:\s+\[0\.2, 0\.4\]\s+triangular\(0, 0\.15,", out)
    joined = re.search(
        r"^(\d+) packages joined the frontier; \d+ packages? left", out, re.MULTILINE
    )
    assert joined is not None
    # 2 rows, each a package with or without formal_recognition (no effect on either axis)
    assert f"Showing 4 of {joined[1]} packages that joined the frontier" in out
    frontier = "The frontier: 72 points (144 packages) before, 65 points (130 packages) now."
    assert frontier in " ".join(out.split())
    assert re.search(r"^ukraine\s+\d+ -> \d+\s+\d+ -> \d+\s+\d+ -> \d+$", out, re.MULTILINE)


def test_the_same_file_twice(run: Run, small: Path) -> None:
    out = run("diff", small, small).stdout
    assert "The two files hold the same scenario: nothing changed." in out
    assert "The inputs are the same." in out
    assert "No change (3 before, 3 now)." in out
    assert "The concessions are the same." in out


def test_json_document(run: Run, small: Path, tmp_path: Path) -> None:
    vetoed = _variant(
        tmp_path, "vetoed.yaml", ("veto: troops_inside", "veto: [troops_inside, jets]")
    )
    result = run("diff", small, vetoed, "--format", "json")
    document = json.loads(result.stdout)
    assert document["schema"] == "guarantees.diff/1"
    assert document["old"]["file"] == str(small)
    assert document["new"]["file"] == str(vetoed)
    assert document["old"]["hash"].startswith("sha256:")
    assert document["same_scenario"] is False
    assert document["inputs"] == [
        {
            "change": "changed",
            "section": "constraints",
            "item": "moscow.no_troops",
            "field": "veto",
            "old": "troops_inside",
            "new": "troops_inside, jets",
        }
    ]
    acceptable = document["outcomes"]["acceptable"]
    assert (acceptable["old_count"], acceptable["new_count"]) == (3, 0)
    assert len(acceptable["lost"]) == 3
    assert document["truncated"] is False


def test_markdown(run: Run, small: Path, tmp_path: Path) -> None:
    renamed = _variant(tmp_path, "renamed.yaml", ("title: Small test scenario", "title: Renamed"))
    out = run("diff", small, renamed, "-f", "markdown").stdout
    assert out.startswith("# Changes from small to small\n")
    assert "| changed | scenario: title | Small test scenario | Renamed |" in out


def test_both_invalid_files_are_reported(run: Run, invalid: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(invalid.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("diff", invalid, other)
    assert result.exit_code == 2
    assert result.stdout == ""
    for file in (invalid, other):
        for issue in INVALID_ISSUES:
            assert f"{file}{issue}" in result.stderr


def test_a_missing_file(run: Run, small: Path, tmp_path: Path) -> None:
    result = run("diff", small, tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr


def test_output_file_is_never_overwritten_unasked(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.md"
    assert run("diff", small, small, "-f", "markdown", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Changes from")
    again = run("diff", small, small, "-o", out)
    assert again.exit_code == 2
    assert again.stderr == f"error: {out} already exists; use --force to overwrite it\n"
    assert run("diff", small, small, "-o", out, "--force").exit_code == 0


def test_values_that_differ_in_the_seventh_digit_read_differently(
    run: Run, small: Path, tmp_path: Path
) -> None:
    """`0.1 0.1` once hid the change; values are shown as written, integers without `.0`."""
    edited = _variant(
        tmp_path,
        "edited.yaml",
        ("deterrence: 0.1\n", "deterrence: 0.1000001\n"),
        ("troops: 20\n", "troops: 1234567\n"),
    )
    out = run("diff", small, edited).stdout
    assert re.search(r"changed +options monitors: deterrence +0\.1 +0\.1000001\n", out), out
    assert re.search(r"changed +options force: troops +20 +1234567\n", out), out


def test_two_files_too_large_are_both_reported(
    run: Run, make_big: Callable[[int], Path], small: Path
) -> None:
    """Each refusal is printed, as `FILE: message`; the first no longer hides the second."""
    old, new = make_big(31), make_big(32)
    result = run("diff", old, new)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{old}: scenario 'big-31' has 31 options, so 2^31 packages: "
        "exact enumeration stops at 30 options",
        f"{new}: scenario 'big-32' has 32 options, so 2^32 packages: "
        "exact enumeration stops at 30 options",
    ]
    one = run("diff", small, new)
    assert (one.exit_code, one.stdout) == (2, "")
    assert one.stderr.startswith(f"{new}: scenario 'big-32' has 32 options")
