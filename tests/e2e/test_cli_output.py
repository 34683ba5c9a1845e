"""`--output PATH` and `--force`: the tool never overwrites a user's file without being asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import EXAMPLE, Run


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_output_writes_the_rendered_text_and_nothing_to_stdout(
    run: Run, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    result = run("evaluate", EXAMPLE, "--format", fmt, "--output", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == run("evaluate", EXAMPLE, "-f", fmt).stdout


def test_output_file_has_no_trailing_spaces_or_colour(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    run("evaluate", EXAMPLE, "-o", target)
    text = target.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_existing_output_is_refused_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me", encoding="utf-8")
    result = run("evaluate", EXAMPLE, "-f", "json", "-o", target)
    assert result.exit_code == 2
    assert result.stderr == f"error: {target} already exists; use --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "keep me"


def test_force_overwrites(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    result = run("evaluate", EXAMPLE, "-f", "json", "-o", target, "--force")
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "guarantees.evaluate/1"


def test_output_is_written_even_when_a_file_is_invalid(
    run: Run, tmp_path: Path, invalid: Path
) -> None:
    target = tmp_path / "out.json"
    result = run("evaluate", invalid, EXAMPLE, "-f", "json", "-o", target)
    assert result.exit_code == 2
    files = json.loads(target.read_text(encoding="utf-8"))["files"]
    assert [entry["ok"] for entry in files] == [False, True]


def test_output_into_a_missing_directory_is_an_error_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    result = run("evaluate", EXAMPLE, "-o", tmp_path / "no" / "such" / "dir.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write ")
    assert "No such file or directory" in result.stderr


def test_output_onto_a_directory_is_refused(run: Run, tmp_path: Path) -> None:
    result = run("evaluate", EXAMPLE, "-o", tmp_path, "--force")
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_no_file_is_written_when_there_is_nothing_to_show(
    run: Run, tmp_path: Path, invalid: Path
) -> None:
    target = tmp_path / "out.md"
    result = run("evaluate", invalid, "-f", "markdown", "-o", target)
    assert result.exit_code == 2
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("evaluate", EXAMPLE, "-o"), "out.txt"),
        (("diff", EXAMPLE, EXAMPLE, "-o"), "diff.md"),
        (("schema", "-o"), "schema.json"),
        (("frontier", EXAMPLE, "--plot"), "picture.png"),
        (("report", EXAMPLE, "-o"), "handout.html"),
        (("explore", EXAMPLE, "-o"), "explore.html"),
    ],
)
def test_every_file_written_is_named_on_stderr_unless_quiet(
    run: Run, tmp_path: Path, args: tuple[str | Path, ...], name: str
) -> None:
    """Files written are said on standard error, so standard output stays the result."""
    target = tmp_path / name
    result = run(*args, target)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target}\n"
    assert target.is_file()
    quiet = run(*args, tmp_path / f"quiet-{name}", "--quiet")
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    assert (tmp_path / f"quiet-{name}").is_file()


def test_standard_output_names_no_file(run: Run) -> None:
    result = run("evaluate", EXAMPLE)
    assert "wrote" not in result.stderr + result.stdout
