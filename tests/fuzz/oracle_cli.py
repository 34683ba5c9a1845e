"""The command-line half of the oracle: run each planned command in-process (typer's
CliRunner, as a user runs it) and judge its exit status, its messages and its output."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from fuzz.failures import Failure, crash
from guarantees.cli.app import app

#: The console the command line sees: 100 columns, no colour (as tests/e2e/conftest.py).
ENV: dict[str, str | None] = {
    "COLUMNS": "100",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}


def _controls(text: str) -> set[str]:
    """Control characters in text other than newline and tab."""
    return {c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"}


def _arguments(
    command: str, fmt: str, files: tuple[Path, Path], package: str, out: Path
) -> list[str]:
    seed, case = (str(f) for f in files)
    return {
        "validate": ["validate", case],
        "evaluate": ["evaluate", case, "-f", fmt],
        "explain": ["explain", case, "-p", package, "-f", fmt],
        "frontier": ["frontier", case, "-f", fmt],
        "diff": ["diff", seed, case, "-f", fmt],
        "report": ["report", case, "-o", str(out), "--force", "--quiet"],
    }[command]


def _expected_status(command: str, loaded: bool, evaluates: bool | None) -> int | None:
    """0 or 2 as the API predicts; None when it cannot say (not evaluated, too slow)."""
    if command in ("validate", "explain"):
        return 0 if loaded else 2
    if evaluates is None:
        return None
    return 0 if evaluates else 2


def check_run(
    command: tuple[str, str], arguments: list[str], expected: int, files: tuple[Path, Path]
) -> None:
    """One command-line run, judged: status, traceback, stderr lines, JSON, control chars."""
    name, fmt = command
    stage = f"cli {name}"
    result = CliRunner().invoke(app, arguments, env=ENV)
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        failure = crash(stage, error)
        raise Failure(failure.kind, failure.detail, command=command)
    said = f"$ guarantees {' '.join(arguments)}\nexit {result.exit_code}\n{result.stderr[:2000]}"
    if result.exit_code != expected:
        kind = f"{stage}: exit {result.exit_code}, the API predicts {expected}"
        raise Failure(kind, said, command=command)
    json_out = fmt == "json" and name not in ("validate", "report")
    _check_controls(result.stderr, "" if json_out else result.stdout, said, command)
    if expected == 2:
        _check_stderr(result.stderr, files, said, command)
    elif result.stderr:
        raise Failure(f"{stage}: stderr output with exit 0", said, command=command)
    elif json_out:
        try:
            json.loads(result.stdout, parse_constant=_no_constant)
        except ValueError as error:
            raise Failure(f"{stage}: invalid JSON", f"{error}\n{said}", command=command) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_controls(stderr: str, stdout: str, said: str, command: tuple[str, str]) -> None:
    """No control character but newline and tab in messages or in text output."""
    name, fmt = command
    if _controls(stderr):
        kind = "cli: control character in a message on stderr"
        raise Failure(kind, f"{_controls(stderr)!r}\n{said}", command=command)
    if _controls(stdout):
        shown = name if name in ("validate", "report") else f"{name} -f {fmt}"
        kind = f"cli {shown}: control character in standard output"
        raise Failure(kind, f"{_controls(stdout)!r}\n{said}\n{stdout[:2000]}", command=command)


def _check_stderr(
    stderr: str, files: tuple[Path, Path], said: str, command: tuple[str, str]
) -> None:
    names = "|".join(re.escape(str(f)) for f in files)
    line = re.compile(rf"(?:(?:{names}):\d+:\d+: |(?:{names}): |error: )\S.*")
    lines = stderr.splitlines()
    wrong = [text for text in lines if not line.fullmatch(text)]
    if not lines or wrong:
        kind = "cli: stderr line not `file:line:col: message`, `file: ...` or `error: ...`"
        raise Failure(kind, f"{wrong[:3]!r}\n{said}", command=command)


def check_cli(
    files: tuple[Path, Path],
    commands: tuple[tuple[str, str], ...],
    *,
    package: str,
    loaded: bool,
    evaluates: bool | None,
) -> None:
    """Run the commands on the case file (`diff` from the seed, `explain` on `package`) and
    judge each, expecting exit 0 where the API loaded (validate, explain) or evaluated; the
    commands that evaluate are left out when the API did not try (`evaluates` None)."""
    out = files[1].with_suffix(".html")
    for name, fmt in commands:
        arguments = _arguments(name, fmt, files, package, out)
        expected = _expected_status(name, loaded, evaluates)
        if expected is not None:
            check_run((name, fmt), arguments, expected, files)
