"""`guarantees evaluate`: table, JSON and Markdown views, --top, invalid and too-large files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import EXAMPLE, INVALID_ISSUES, REPO, SCENARIOS, Run

from guarantees.cli import progress
from guarantees.model import load
from guarantees.model.exact.enumerate import MAX_OPTIONS
from guarantees.model.exact.evaluate import evaluate


def _json(result: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_table_header_says_title_id_and_counts(run: Run) -> None:
    result = run("evaluate", EXAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Shape of a scenario file",
        f"shape-example ({EXAMPLE})",
        "5 options, 4 actors: 32 packages, 18 feasible, 0 acceptable",
    ]


def test_table_says_plainly_when_nothing_is_acceptable(run: Run) -> None:
    out = run("evaluate", EXAMPLE).stdout
    assert "No package is acceptable to every actor." in out
    assert "Minimal forms" not in out


def test_table_shows_every_section_of_the_example(run: Run) -> None:
    out = run("evaluate", EXAMPLE).stdout
    for heading in ("Acceptable packages", "Frontier", "Trade-offs", "Blocks", "Concessions"):
        assert re.search(rf"^{heading}$", out, re.MULTILINE), heading
    # a trade-off: which limit fails, by how much
    assert "beneficiary#1 (limit): deterrence 0.213 below min 0.500 by" in out
    # every actor alone in rejecting some package, and each concession with what it opens
    assert "Alone in rejecting some packages: beneficiary (4); no other actor ever is." in out
    assert re.search(r"^\s*1\s+beneficiary#1 \(limit\).*0\.287\s+air_policing$", out, re.MULTILINE)
    assert "Showing 5 of 12 points (--top N to show more)." in out


def test_table_ranks_acceptable_packages_and_minimal_forms(run: Run, small: Path) -> None:
    out = run("evaluate", small).stdout
    assert "3 packages acceptable to every actor, best first by deterrence" in out
    assert re.search(r"^1\s+monitors, jets, backstop\s+0\.559\s+0\.250$", out, re.MULTILINE)
    assert "2 acceptable packages with no acceptable proper subset." in out
    # units are shown: the troop limit's shortfall is in thousands
    assert "troops 20 above max 10 by 10 thousand" in out


def test_top_limits_each_list_of_the_table(run: Run, small: Path) -> None:
    out = run("evaluate", small, "--top", "1").stdout
    assert re.search(r"^1\s+monitors, jets, backstop", out, re.MULTILINE)
    assert not re.search(r"^2\s+jets, backstop", out, re.MULTILINE)
    assert "Showing 1 of 3 acceptable packages" in out
    assert "Showing 1 of 10 points" in out


def test_top_larger_than_lists_shows_everything(run: Run) -> None:
    out = run("evaluate", EXAMPLE, "--top", "100").stdout
    assert "Showing" not in out
    assert "0.764        0.660" in out  # the fifth frontier point


def test_top_must_be_positive(run: Run) -> None:
    result = run("evaluate", EXAMPLE, "--top", "0")
    assert result.exit_code == 2


def test_unknown_format_is_a_usage_error(run: Run) -> None:
    result = run("evaluate", EXAMPLE, "--format", "html")
    assert result.exit_code == 2
    assert "html" in result.stderr
    assert result.stdout == ""


def test_format_name_is_case_insensitive(run: Run) -> None:
    assert run("evaluate", EXAMPLE, "--format", "JSON").stdout.startswith("{")


def test_table_lines_fit_the_width(run: Run) -> None:
    out = run("evaluate", SCENARIOS / "coalition-baseline.yaml").stdout
    assert max(len(line) for line in out.splitlines()) <= 100


def test_several_files_in_order(run: Run, small: Path) -> None:
    out = run("evaluate", EXAMPLE, small).stdout
    assert out.index("Shape of a scenario file") < out.index("Small test scenario")


def test_json_counts_and_lists_equal_the_model(run: Run) -> None:
    result = run("evaluate", EXAMPLE, "--format", "json")
    assert result.exit_code == 0
    document = _json(result)
    assert document["schema"] == "guarantees.evaluate/1"
    (entry,) = document["files"]
    assert list(entry) == ["file", "ok", "engine", "result", "robustness"]
    assert entry["engine"] == "enumerate"
    evaluation = evaluate(load(EXAMPLE))
    assert entry["result"]["counts"] == evaluation.counts.to_json()
    assert len(entry["result"]["frontier"]) == len(evaluation.frontier)
    assert len(entry["result"]["concessions"]) == len(evaluation.concessions)
    assert entry["result"]["truncated"] is False


def test_json_is_the_model_json_with_stable_key_order(run: Run, small: Path) -> None:
    result = run("evaluate", small, "-f", "json")
    expected = {
        "schema": "guarantees.evaluate/1",
        "files": [
            {
                "file": str(small),
                "ok": True,
                "engine": "enumerate",
                "result": evaluate(load(small)).to_json(),
                "robustness": None,  # every value of the small scenario is certain
            }
        ],
    }
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


def test_json_top_cuts_lists_only_when_given(run: Run, small: Path) -> None:
    result = _json(run("evaluate", small, "-f", "json", "--top", "2"))["files"][0]["result"]
    assert len(result["acceptable"]) == 2
    assert len(result["frontier"]) == 2
    assert result["truncated"] is True
    assert len(result["blocks"]) == 3  # per-actor lists are never cut


def test_json_lists_invalid_files_with_their_errors(run: Run, invalid: Path) -> None:
    result = run("evaluate", invalid, EXAMPLE, "-f", "json")
    assert result.exit_code == 2
    bad, good = _json(result)["files"]
    assert bad["ok"] is False
    assert list(bad) == ["file", "ok", "errors"]
    assert bad["errors"][0] == {
        "file": str(invalid),
        "line": 7,
        "col": 5,
        "message": INVALID_ISSUES[0].removeprefix(":7:5: "),
    }
    assert good["ok"] is True
    assert f"{invalid}:7:5: unknown field or metric 'deterrance'" in result.stderr


def test_markdown_has_headings_and_pipe_tables(run: Run, small: Path) -> None:
    result = run("evaluate", small, "--format", "markdown")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Small test scenario\n\n- small (")
    assert "## Acceptable packages" in out
    assert "| # | package | deterrence | escalation |\n|---:|---|---:|---:|" in out
    assert "| 1 | monitors, jets, backstop | 0.559 | 0.250 |" in out
    assert "| kyiv | 3 | 0 | 3 |" in out


def test_markdown_and_table_views_show_the_same_sections(run: Run) -> None:
    table = run("evaluate", EXAMPLE).stdout
    markdown = run("evaluate", EXAMPLE, "-f", "markdown").stdout
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headings == [
        "Acceptable packages",
        "Frontier",
        "Trade-offs",
        "Blocks",
        "Concessions",
        "Robustness",
    ]
    for heading in headings:
        assert re.search(rf"^{heading}$", table, re.MULTILINE)
    assert "*Showing 5 of 12 points (--top N to show more).*" in markdown


def test_invalid_file_does_not_stop_the_others(run: Run, invalid: Path, small: Path) -> None:
    result = run("evaluate", invalid, small)
    assert result.exit_code == 2
    assert "Small test scenario" in result.stdout
    assert f"{invalid}:7:5:" in result.stderr
    assert "broken" not in result.stdout


def test_quoted_glob_evaluates_every_shipped_scenario(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCENARIOS.parent)
    result = run("evaluate", "scenarios/*.yaml", "-f", "json", "--top", "1")
    assert result.exit_code == 0
    files = [entry["file"] for entry in _json(result)["files"]]
    assert files == sorted(f"scenarios/{p.name}" for p in SCENARIOS.glob("*.yaml"))


def test_pattern_matching_nothing_stops_before_any_work(run: Run, tmp_path: Path) -> None:
    result = run("evaluate", EXAMPLE, tmp_path / "*.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no file matches" in result.stderr


def test_too_large_scenario_is_refused_with_a_message(
    run: Run, make_big: Callable[[int], Path], small: Path
) -> None:
    """Enumeration forced past its limit: refused, saying what to ask instead."""
    n = MAX_OPTIONS + 1
    big = make_big(n)
    result = run("evaluate", big, small, "-f", "json", "--engine", "enumerate")
    assert result.exit_code == 2
    assert re.match(rf"{re.escape(str(big))}: scenario 'big-{n}' has {n} options", result.stderr)
    assert "--engine optimise" in result.stderr
    entry = _json(result)["files"][0]
    assert entry["ok"] is False
    assert entry["errors"][0]["line"] is None
    assert f"{n} options" in entry["errors"][0]["message"]
    assert "the best k packages (--top K)" in entry["errors"][0]["message"]
    assert _json(result)["files"][1]["ok"] is True


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    run: Run, make_big: Callable[[int], Path]
) -> None:
    result = run("evaluate", make_big(19), "--top", "1")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_progress_bar_only_for_large_scenarios_on_a_terminal() -> None:
    assert progress.wants_progress(19, terminal=True)
    assert not progress.wants_progress(18, terminal=True)
    assert not progress.wants_progress(26, terminal=False)


def test_progress_bar_is_enabled_on_a_terminal_for_large_scenarios_only(
    run: Run, make_big: Callable[[int], Path], small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled: list[bool] = []
    real = progress.progress_bar

    def spy(description: str, *, enabled: bool) -> Any:
        enabled_calls.append(enabled)
        return real(description, enabled=enabled)

    enabled_calls = enabled
    monkeypatch.setattr("guarantees.cli.progress.stderr_is_terminal", lambda: True)
    monkeypatch.setattr("guarantees.cli.progress.progress_bar", spy)
    result = run("evaluate", make_big(19), small, "--top", "1")
    assert result.exit_code == 0
    assert enabled == [True, False]
    assert "Big 19" in result.stdout
    assert "Small test scenario" in result.stdout


TIED = REPO / "tests" / "data" / "tied-concessions.yaml"


def test_tied_concessions_share_a_rank_and_all_are_shown(run: Run) -> None:
    """Relaxing Moscow's condition or Kyiv's veto: equally small, neither put first."""
    out = run("evaluate", TIED, "--top", "1").stdout
    rows = [line.split()[:2] for line in out.splitlines() if line.lstrip().startswith("1=")]
    assert rows == [["1=", "moscow.guarantee_for_recognition"], ["1=", "kyiv.no_recognition"]]
    assert "A rank with = is shared: those concessions are equally small" in out


def test_an_option_to_no_effect_is_grouped_in_tables_and_kept_in_json(run: Run) -> None:
    """`recognition` is worth 0 and 0: one row `... (with or without recognition)`."""
    out = run("evaluate", TIED, "--format", "markdown").stdout
    assert "| 0.650 | 0.280 | guarantee, jets (with or without recognition) | no |" in out
    assert "4 points (8 packages) where" in out
    document = json.loads(run("evaluate", TIED, "--format", "json").stdout)
    (first, *_) = document["files"][0]["result"]["frontier"]
    options = [p["options"] for p in first["packages"]]
    assert sorted(options) == [["guarantee", "jets"], ["guarantee", "recognition", "jets"]]


def test_the_robustness_section_is_the_robustness_commands_answer(run: Run) -> None:
    """One question, one answer: evaluate's summary and `robustness` agree draw for draw."""
    baseline = SCENARIOS / "coalition-baseline.yaml"
    args = ("--samples", "300", "--seed", "4", "--format", "json")
    summary = _json(run("evaluate", baseline, *args))["files"][0]["robustness"]
    full = _json(run("robustness", baseline, *args))["files"][0]["result"]
    assert summary["schema"] == "guarantees.robustness-summary/1"
    assert summary["deal"] == full["deal"]
    assert summary["most_robust"] == full["packages"][0]
    assert summary["top_driver"] == full["drivers"][0]
    table = run("evaluate", baseline, "--samples", "300", "--seed", "4").stdout
    share = round(100 * full["deal"]["share"])
    assert f"a package acceptable to every actor exists in {share}% of" in " ".join(table.split())
    assert f"First driver: {full['drivers'][0]['value']}" in " ".join(table.split())


def test_samples_0_turns_the_robustness_section_off(run: Run) -> None:
    baseline = SCENARIOS / "coalition-baseline.yaml"
    assert "Robustness" not in run("evaluate", baseline, "--samples", "0").stdout
    entry = _json(run("evaluate", baseline, "--samples", "0", "-f", "json"))["files"][0]
    assert entry["robustness"] is None
