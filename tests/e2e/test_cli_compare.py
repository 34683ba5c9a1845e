"""`guarantees compare`: variants side by side as a table, Markdown, CSV and JSON; bad files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cli_helpers import INVALID_ISSUES, REPO, SCENARIOS, Run

from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate

BASELINE = SCENARIOS / "coalition-baseline.yaml"
WALK_AWAY = SCENARIOS / "walk-away.yaml"
VARIANTS = sorted((REPO / "docs" / "exercises").glob("09-variant-*.yaml"))


def test_csv_parses_back_to_the_engine_s_figures(run: Run) -> None:
    files = [BASELINE, *VARIANTS, WALK_AWAY]
    result = run("compare", *files, "--format", "csv", "-n", "100")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert {r["file"] for r in rows} == {str(f) for f in files}
    assert rows[0]["file"] == str(BASELINE)
    assert rows[0]["group"] == "0"
    for row in rows:
        evaluated = evaluate(load(row["file"]))
        assert int(row["acceptable"]) == evaluated.counts.acceptable
        assert int(row["feasible"]) == evaluated.counts.feasible
        best = ", ".join(evaluated.acceptable[0].options) if evaluated.acceptable else ""
        assert row["best_package"] == best
        assert row["alone_in_rejecting_most"].split(" (")[0] == evaluated.sole_blockers[0]
    baseline = rows[0]
    first = evaluate(load(BASELINE)).concessions[0]
    assert baseline["smallest_concessions"] == " + ".join(r.label for r in first.constraints)
    assert 0 < float(baseline["deal_low"]) <= float(baseline["deal_chance"]) <= 1
    assert baseline["draws"] == "100"
    walk = next(r for r in rows if r["file"] == str(WALK_AWAY))
    assert walk["deal_chance"] == ""  # no uncertain value
    assert walk["gmr"] == "8"
    groups = [int(r["group"]) for r in rows]
    assert groups == sorted(groups)


def test_table_groups_the_same_changes(run: Run, tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    text = VARIANTS[0].read_text(encoding="utf-8").replace("table A", "table D")
    twin.write_text(text, encoding="utf-8")
    result = run("compare", BASELINE, VARIANTS[0], VARIANTS[1], twin, "-n", "0")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "base: " + str(BASELINE) in out
    assert "what changed: same changes as above" in " ".join(out.split())
    assert out.index(str(VARIANTS[0])) < out.index(str(twin))


def test_markdown_is_one_pipe_table(run: Run) -> None:
    result = run("compare", BASELINE, *VARIANTS, "--format", "markdown", "-n", "0")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# Comparison of variants"
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 1 + len(VARIANTS)
    assert "| file | what changed | deal |" in table[0]


def test_json_document(run: Run) -> None:
    result = run("compare", BASELINE, VARIANTS[0], "--format", "json", "-n", "50", "--seed", "3")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["schema"] == "guarantees.compare/1"
    assert (document["base"], document["samples"], document["seed"]) == (str(BASELINE), 50, 3)
    base, variant = document["files"]
    assert base["changes"] == []
    assert variant["changes"][0]["item"] == "ukraine.deterrence_floor"
    assert variant["acceptable"] > 0
    assert variant["smallest_concessions"] == []
    assert variant["deal"]["draws"] == 50


def test_bad_files_every_error_at_once_and_the_rest_compared(
    run: Run, invalid: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("format: guarantees/1\nid: x\n  bad: [\n", encoding="utf-8")
    result = run("compare", BASELINE, invalid, other, VARIANTS[0], "-n", "0")
    assert result.exit_code == 2
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in result.stderr
    assert f"{other}:3:" in result.stderr
    assert str(VARIANTS[0]) in result.stdout
    said = " ".join(result.stdout.split())
    assert f"Not compared: {invalid} (see the messages on standard error)." in said


def test_bad_files_in_json_carry_their_errors(run: Run, invalid: Path) -> None:
    result = run("compare", BASELINE, invalid, "--format", "json", "-n", "0")
    assert result.exit_code == 2
    entry = json.loads(result.stdout)["files"][-1]
    assert (entry["file"], entry["ok"]) == (str(invalid), False)
    assert {(e["line"], e["col"]) for e in entry["errors"]} >= {(7, 5), (10, 5)}


def test_a_pattern_that_matches_nothing(run: Run) -> None:
    result = run("compare", BASELINE, "nowhere/*.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: no file matches 'nowhere/*.yaml'\n"


def test_output_file_is_never_replaced_unasked(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "class.csv"
    assert run("compare", BASELINE, "-f", "csv", "-n", "0", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("file,scenario,group,")
    again = run("compare", BASELINE, "-f", "csv", "-n", "0", "-o", out)
    assert again.exit_code == 2
    assert "already exists; use --force to overwrite it" in again.stderr


def test_no_valid_file_prints_only_the_errors(run: Run, invalid: Path) -> None:
    result = run("compare", invalid, "-n", "0")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{invalid}{INVALID_ISSUES[0]}" in result.stderr
    document = json.loads(run("compare", invalid, "-n", "0", "-f", "json").stdout)
    assert (document["base"], [f["ok"] for f in document["files"]]) == (None, [False])


def test_an_invalid_first_file_leaves_the_next_as_base(run: Run, invalid: Path) -> None:
    result = run("compare", invalid, VARIANTS[0], BASELINE, "-n", "0", "-f", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["base"] == str(VARIANTS[0])
    assert [f["file"] for f in document["files"]] == [str(VARIANTS[0]), str(BASELINE), str(invalid)]
    assert document["files"][1]["changes"][0]["item"] == "ukraine.deterrence_floor"
