"""A scenario that tries to act on the terminal: every output shows its sequences, none obeys.

Control characters (ESC, BEL, C1, CR) cannot get into a scenario: its strings are refused when
the file is read (`REFUSED`), and the messages that say so are one line each and inert. What a
scenario may hold and a terminal would still obey (bidirectional overrides and isolates, line
and paragraph separators, rich markup) goes into every kind of text of `HOSTILE`, and the
invalid variant echoes such values in its error messages. Each command is run in process,
piped, and as on a terminal (rich's FORCE_COLOR), in table and Markdown formats. File names,
which may hold any control character, are checked too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from cli_helpers import COLOUR_VARIABLES, SCRIPT, WIDTH, Run

#: Double-quoted YAML, so that the escapes below are the characters themselves.
HOSTILE = r"""format: guarantees/1
id: hostile
title: "Title \u202Eevil [bold]b[/bold] \u2066iso\u2069"
summary: "Summary \u2028second"
sources:
  memo: "Memo \u200Fmark"
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower, unit: "pts [/u] \u202D"}
  troops: {combine: sum, better: lower, unit: "k\u2067", label: "Troops \u2068t\u2069"}
options:
  a:
    label: "Option \u202E [red]r[/red]"
    deterrence: 0.1
    escalation: 0.02
  b:
    label: "B\u2029OVERWRITTEN"
    deterrence: 0.5
    escalation: 0.1
    troops: 5
actors:
  x:
    name: "Actor \u202E\nsecond line"
    constraints:
      - id: enough
        limit: {deterrence: {min: 0.35}}
        note: "Note \u202B\ttab"
        source: memo
      - veto: b
        note: "Veto \u061C"
"""

#: The same scenario with an invalid name and an unknown field that carry such characters.
INVALID = HOSTILE.replace("veto: b", r'veto: "b\u202E\nfake.yaml:1:1: planted"').replace(
    "    troops: 5\n", '    troops: 5\n    "dete\\u202Errence": 1\n'
)

#: A scenario whose strings hold control characters: refused where they are written.
REFUSED = HOSTILE.replace("Title ", r"Title \e]0;PWNED\a \e[2J ").replace("Veto ", r"Veto \x9B2J\r")

#: The styles rich itself writes on a terminal (SGR); every other ESC would be the scenario's.
SGR = re.compile(r"\x1b\[[0-9;]*m")

#: Characters that must never reach the terminal from a scenario.
FORBIDDEN = (
    "\x1b", "\x07", "\x9b", "\x9c", "\x9d", "\r", "\u202e", "\u202b", "\u202d", "\u2066",
    "\u2067", "\u2068", "\u2069", "\u2028", "\u2029", "\u200f", "\u061c",
)  # fmt: skip

#: What each command's table and Markdown views print, on the hostile scenario.
COMMANDS = (
    ("evaluate", "{f}"),
    ("explain", "{f}", "-p", "a,b"),
    ("explain", "{f}", "-p", ""),
    ("frontier", "{f}"),
    ("diff", "{f}", "{g}"),
)


def assert_inert(text: str, *, terminal: bool = False) -> None:
    """No control sequence of the scenario's in the text (rich's own styles allowed on a tty)."""
    if terminal:
        text = SGR.sub("", text)
    found = [char for char in FORBIDDEN if char in text]
    assert not found, f"{found} in {text!r}"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """The hostile scenario, and a copy with another id (to diff)."""
    first, second = tmp_path / "hostile.yaml", tmp_path / "other.yaml"
    first.write_text(HOSTILE, encoding="utf-8")
    changed = HOSTILE.replace("escalation: 0.1\n", "escalation: 0.2\n").replace(
        "B\\u2029OVERWRITTEN", "B2\\u2066L"
    )
    second.write_text(changed, encoding="utf-8")
    return first, second


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    """A scenario whose error messages echo control sequences and a line break."""
    path = tmp_path / "invalid.yaml"
    path.write_text(INVALID, encoding="utf-8")
    return path


def script(*args: str | Path, terminal: bool) -> subprocess.CompletedProcess[str]:
    """The installed script, piped, or with rich told that standard output is a terminal."""
    env = {k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES} | WIDTH
    if terminal:
        env |= {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        timeout=120,
    )


def command(spec: tuple[str, ...], files: tuple[Path, Path]) -> list[str]:
    """A command line from COMMANDS, with the files filled in."""
    return [part.format(f=files[0], g=files[1]) for part in spec]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("spec", COMMANDS)
def test_reports_in_process_show_sequences_as_escapes(
    run: Run, hostile: tuple[Path, Path], spec: tuple[str, ...], fmt: str
) -> None:
    result = run(*command(spec, hostile), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    assert re.search(r"\\u[0-9a-f]{4}", result.stdout), result.stdout


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_reports_of_the_script_show_sequences_as_escapes(
    hostile: tuple[Path, Path], fmt: str, terminal: bool
) -> None:
    for spec in COMMANDS:
        result = script(*command(spec, hostile), "--format", fmt, terminal=terminal)
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout, terminal=terminal)
        assert_inert(result.stderr, terminal=terminal)
    assert (SGR.search(result.stdout) is not None) == (terminal and fmt == "table")


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_table_shows_what_was_written(hostile: tuple[Path, Path], terminal: bool) -> None:
    """Sequences are written out and markup is shown as text: nothing is silently dropped."""
    out = SGR.sub("", script("explain", hostile[0], "-p", "a", terminal=terminal).stdout)
    assert "Title \\u202eevil [bold]b[/bold] \\u2066iso\\u2069" in out
    assert "Actor \\u202e" in out
    assert "note: Note \\u202b" in out
    assert "Memo \\u200fmark" in out
    assert "Troops \\u2068t\\u2069" in out


def test_diff_shows_changed_labels_escaped(run: Run, hostile: tuple[Path, Path]) -> None:
    out = run("diff", *hostile).stdout
    assert_inert(out)
    assert "B2\\u2066L" in out


def test_json_escapes_every_control_character(run: Run, hostile: tuple[Path, Path]) -> None:
    out = run("evaluate", hostile[0], "--format", "json").stdout
    assert_inert(out)
    assert "\\u202eevil" in out
    title = json.loads(out)["files"][0]["result"]["scenario"]["title"]
    assert title == "Title \u202eevil [bold]b[/bold] \u2066iso\u2069"


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize(
    "args", [("validate", "{f}"), ("evaluate", "{f}"), ("explain", "{f}", "-p", "a")]
)
def test_errors_are_one_line_each_and_inert(
    invalid: Path, args: tuple[str, ...], terminal: bool
) -> None:
    result = script(*(part.format(f=invalid) for part in args), terminal=terminal)
    assert result.returncode == 2
    assert_inert(result.stderr, terminal=terminal)
    lines = result.stderr.splitlines()
    assert all(line.startswith(f"{invalid}:") for line in lines), lines
    assert len(lines) == 2
    assert "'b\\u202e\\nfake.yaml:1:1: planted'" in result.stderr
    assert "'dete\\u202errence'" in result.stderr


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_control_characters_in_a_scenario_are_refused_in_one_line_each(
    tmp_path: Path, terminal: bool
) -> None:
    path = tmp_path / "refused.yaml"
    path.write_text(REFUSED, encoding="utf-8")
    result = script("evaluate", path, terminal=terminal)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_inert(result.stderr, terminal=terminal)
    lines = result.stderr.splitlines()
    assert [line.split(":")[1] for line in lines] == ["3", "30"]  # the title, the note
    assert all("not text" in line for line in lines)


def test_a_file_name_with_sequences_is_escaped_in_every_message(run: Run, tmp_path: Path) -> None:
    name = tmp_path / "a\x1b]0;F\x07\nb.yaml"
    name.write_text(INVALID, encoding="utf-8")
    result = run("validate", name)
    assert_inert(result.stderr)
    assert result.stderr.count("\n") == 2
    missing = run("evaluate", str(name) + ".missing")
    assert_inert(missing.stderr)
    assert missing.stderr.count("\n") == 1


def test_ok_lines_escape_the_file_name(run: Run, tmp_path: Path) -> None:
    name = tmp_path / "ok\x1b[2J\n.yaml"
    name.write_text(HOSTILE, encoding="utf-8")
    result = run("validate", name)
    assert result.stdout == f"ok  {tmp_path}/ok\\x1b[2J\\n.yaml\n"


def test_progress_bar_shows_a_file_name_as_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bar's description is not markup: `[/b]` in a file name once crashed it."""
    from guarantees.cli.progress import progress_bar

    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    with progress_bar("Evaluating a[/b]\x1b]0;T\x07.yaml", enabled=True) as advance:
        assert advance is not None
        advance(1, 2)
    err = SGR.sub("", capsys.readouterr().err)
    assert "Evaluating a[/b]\\x1b]0;T\\x07.yaml" in err
    assert "\x07" not in err
