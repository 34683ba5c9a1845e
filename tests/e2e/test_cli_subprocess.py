"""The installed `guarantees` script, run for real as a user runs it (pipes, not a terminal)."""

from __future__ import annotations

import json
import os
import subprocess
from importlib.metadata import version
from pathlib import Path

from cli_helpers import COLOUR_VARIABLES, EXAMPLE, SCENARIOS, SCRIPT, WIDTH
from generated import demands


def guarantees(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the console script with piped output and a fixed width."""
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES} | WIDTH,
        check=False,
        timeout=120,
    )


def test_version() -> None:
    result = guarantees("--version")
    assert result.returncode == 0
    assert result.stdout == f"guarantees {version('guarantees')}\n"


def test_validate_ok() -> None:
    result = guarantees("validate", EXAMPLE)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"ok  {EXAMPLE}\n", "")


def test_invalid_file_exits_2_without_a_traceback(invalid: Path) -> None:
    result = guarantees("evaluate", invalid)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{invalid}:7:5: unknown field or metric 'deterrance'")
    assert "Traceback" not in result.stderr


def test_piped_table_has_no_colour_codes_and_stderr_stays_quiet() -> None:
    result = guarantees("evaluate", EXAMPLE)
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""
    assert result.stdout.startswith("Shape of a scenario file\n")


def test_piped_json_parses() -> None:
    result = guarantees("evaluate", EXAMPLE, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["files"][0]["result"]["counts"]["packages"] == 32


def test_unknown_command_is_a_usage_error() -> None:
    result = guarantees("evalute", EXAMPLE)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_early_gets_no_error_message() -> None:
    """`guarantees evaluate ... | head -1`: the closed pipe is not reported as an error."""
    files = sorted(map(str, SCENARIOS.glob("*.yaml")))
    with subprocess.Popen(
        [str(SCRIPT), "evaluate", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        first = child.stdout.readline()
        child.stdout.close()  # the reader goes away before the output ends
        errors = child.stderr.read()
        child.wait(timeout=60)
    assert first.strip()
    assert errors == ""


def test_jobs_give_the_same_json_as_one_process(tmp_path: Path) -> None:
    """2^21 packages, enough for the pass to go to worker processes: the same bytes."""
    big = tmp_path / "big.yaml"
    big.write_text(demands(21), encoding="utf-8")
    alone = guarantees("evaluate", big, "--format", "json", "--jobs", "1")
    shared = guarantees("evaluate", big, "--format", "json", "--jobs", "2")
    assert alone.returncode == shared.returncode == 0
    assert shared.stderr == ""
    assert shared.stdout == alone.stdout


def test_jobs_below_one_is_a_usage_error() -> None:
    result = guarantees("evaluate", EXAMPLE, "--jobs", "0")
    assert result.returncode == 2
    assert "--jobs" in result.stderr
    assert "Traceback" not in result.stderr
