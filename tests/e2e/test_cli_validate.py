"""`guarantees validate`: `ok  FILE` per valid file, every issue of an invalid one, exit 0/2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import EXAMPLE, INVALID_ISSUES, SCENARIOS, Run


def test_valid_files_print_ok_and_exit_0(run: Run) -> None:
    result = run("validate", EXAMPLE, SCENARIOS / "hard-line.yaml")
    assert result.exit_code == 0
    assert result.stdout == f"ok  {EXAMPLE}\nok  {SCENARIOS / 'hard-line.yaml'}\n"
    assert result.stderr == ""


def test_invalid_file_prints_every_issue_on_stderr_and_exits_2(run: Run, invalid: Path) -> None:
    result = run("validate", invalid)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in lines
    assert all(re.match(rf"{re.escape(str(invalid))}:\d+:\d+: \S", line) for line in lines)


def test_mixed_files_report_each_and_exit_2(run: Run, invalid: Path, small: Path) -> None:
    result = run("validate", small, invalid, EXAMPLE)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"ok  {small}", f"ok  {EXAMPLE}"]
    assert all(line.startswith(f"{invalid}:") for line in result.stderr.splitlines())
    assert len(result.stderr.splitlines()) >= len(INVALID_ISSUES)


def test_quoted_glob_is_expanded_in_sorted_order(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SCENARIOS.parent)
    result = run("validate", "scenarios/*.yaml")
    assert result.exit_code == 0
    expected = sorted(f"ok  scenarios/{p.name}" for p in SCENARIOS.glob("*.yaml"))
    assert result.stdout.splitlines() == expected
    assert len(expected) >= 4


def test_file_named_twice_is_checked_once(run: Run, small: Path) -> None:
    result = run("validate", small, str(small.parent / "*.yaml"))
    assert result.stdout.splitlines() == [f"ok  {small}"]


def test_pattern_matching_nothing_is_an_error(run: Run, tmp_path: Path) -> None:
    result = run("validate", tmp_path / "*.yml")
    assert result.exit_code == 2
    assert result.stderr == f"error: no file matches '{tmp_path / '*.yml'}'\n"


def test_missing_file_is_reported_at_line_1(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run("validate", missing)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}:1:1: cannot read file")


def test_yaml_syntax_error_is_located(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("format: guarantees/1\nid: [unclosed\n", encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:")
    assert "Traceback" not in result.output


def test_no_files_is_a_usage_error(run: Run) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert "Usage" in result.stderr


def test_validate_and_help_do_not_import_numpy() -> None:
    """Start-up stays quick: checking a file needs the loader, never the solver's numpy."""
    code = (
        "import sys\n"
        "from guarantees.cli.app import main\n"
        "for args in (['validate', *sys.argv[1:]], ['--help']):\n"
        "    sys.argv = ['guarantees', *args]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as stop:\n"
        "        assert stop.code in (0, None), stop.code\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    done = subprocess.run(
        [sys.executable, "-c", code, *files], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
