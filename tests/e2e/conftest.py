"""Shared fixtures of the command-line tests: the app run as a user runs it, and test files.

Most tests run the typer app in-process with CliRunner (fast, stdout and stderr apart);
tests/e2e/test_cli_subprocess.py runs the installed `guarantees` script for real. The
console is 100 columns wide so that rich tables are stable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import COLOUR_VARIABLES, INVALID, SMALL, WIDTH, Run, big_scenario
from typer.testing import CliRunner, Result

from guarantees.cli.app import app


@pytest.fixture
def run() -> Run:
    """Run the CLI in-process; fail the test on a traceback (any exception but an exit)."""
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        env: dict[str, str | None] = {**WIDTH, **dict.fromkeys(COLOUR_VARIABLES)}
        result = runner.invoke(app, [str(a) for a in args], env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A valid scenario with acceptable packages."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    """An invalid scenario (see INVALID_ISSUES)."""
    path = tmp_path / "broken.yaml"
    path.write_text(INVALID, encoding="utf-8")
    return path


@pytest.fixture
def make_big(tmp_path: Path) -> Callable[[int], Path]:
    """Write a scenario with n options into tmp_path and return its path."""

    def write(n: int) -> Path:
        path = tmp_path / f"big-{n}.yaml"
        path.write_text(big_scenario(n), encoding="utf-8")
        return path

    return write
