"""COLUMNS and LINES that are not positive whole numbers are ignored: 80 columns, not nothing."""

from __future__ import annotations

import os
import subprocess

import pytest
from cli_helpers import COLOUR_VARIABLES, SCENARIOS
from test_cli_subprocess import SCRIPT

from guarantees.cli.terminal import ignore_bad_terminal_size

BAD = ["0", "-3", "abc", "", "²", "1.5", "00"]


def script(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed script, piped, with COLUMNS and LINES unset unless given."""
    drop = (*COLOUR_VARIABLES, "COLUMNS", "LINES")
    base = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=base | env, check=False
    )


@pytest.mark.parametrize("value", BAD)
def test_bad_sizes_are_dropped(value: str) -> None:
    environ = {"COLUMNS": value, "LINES": value, "HOME": "/h"}
    ignore_bad_terminal_size(environ)
    assert environ == {"HOME": "/h"}


def test_good_sizes_are_kept() -> None:
    environ = {"COLUMNS": "100", "LINES": "1"}
    ignore_bad_terminal_size(environ)
    assert environ == {"COLUMNS": "100", "LINES": "1"}


@pytest.mark.parametrize("value", ["0", "-3", "abc", "²"])
def test_a_bad_columns_prints_at_80_columns(value: str) -> None:
    file = str(SCENARIOS / "hard-line.yaml")
    unset = script("evaluate", file)
    bad = script("evaluate", file, COLUMNS=value, LINES=value)
    assert (bad.returncode, bad.stderr) == (0, "")
    assert bad.stdout == unset.stdout
    assert max(map(len, bad.stdout.splitlines())) == 80


@pytest.mark.parametrize("value", ["0", "²"])
def test_help_is_printed_whatever_columns_says(value: str) -> None:
    result = script("evaluate", "--help", COLUMNS=value)
    assert result.returncode == 0
    assert "Usage: guarantees evaluate" in result.stdout
