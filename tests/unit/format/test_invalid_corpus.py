"""The corpus of invalid scenarios: each file's messages, exactly, and nothing but ScenarioError.

Every `tests/data/invalid/NAME.yaml` holds one mistake (a few hold several, to show that every
error is reported at once); `NAME.expected` next to it holds every line the loader must print
for it, `NAME.yaml:LINE:COL: message`, in order. The lines were checked by eye against the
file: the column points at the key for an unknown field, at the value for a bad value, and
inside the string for an expression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantees.model import load, loads
from guarantees.model.errors import Issue, ScenarioError

CORPUS = Path(__file__).resolve().parents[2] / "data" / "invalid"
FILES = sorted(CORPUS.glob("*.yaml"))


def expected_lines(path: Path) -> list[str]:
    """The lines of NAME.expected next to NAME.yaml."""
    return path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def caught_issues(path: Path) -> tuple[Issue, ...]:
    """The issues loading the file raises, with the file named by its name only."""
    with pytest.raises(ScenarioError) as caught:
        load(path, display=path.name)
    return caught.value.issues


def issues_of(path: Path) -> list[str]:
    """What loading the file prints."""
    return [str(issue) for issue in caught_issues(path)]


def test_the_corpus_is_complete() -> None:
    """At least 25 files, each with its expected output and nothing else lying around."""
    assert len(FILES) >= 25
    expected = sorted(CORPUS.glob("*.expected"))
    assert [p.stem for p in expected] == [p.stem for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_messages_are_exactly_as_expected(path: Path) -> None:
    """Every issue of the file, in order, word for word, at its line and column."""
    assert issues_of(path) == expected_lines(path)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_only_scenario_error_is_raised(path: Path) -> None:
    """load raises ScenarioError and nothing else; every issue names the file and a position.

    `pytest.raises(ScenarioError)` lets any other exception through, which fails the test.
    """
    issues = caught_issues(path)
    assert issues
    assert all(i.file == path.name and i.line >= 1 and i.col >= 1 for i in issues)


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


TEXT_FILES = [p for p in FILES if _is_utf8(p)]


def test_the_corpus_has_a_file_that_is_not_utf8() -> None:
    """load() of bytes is covered above; loads() takes text, so that file skips the next test."""
    assert len(TEXT_FILES) == len(FILES) - 1


@pytest.mark.parametrize("path", TEXT_FILES, ids=[p.stem for p in TEXT_FILES])
def test_loads_from_text_reports_the_same(path: Path) -> None:
    """loads(text) reports what load(path) does, for every file that is UTF-8 text."""
    text = path.read_bytes().decode("utf-8")
    with pytest.raises(ScenarioError) as caught:
        loads(text, file=path.name)
    assert [str(issue) for issue in caught.value.issues] == expected_lines(path)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_issue_points_inside_the_file(path: Path) -> None:
    """No position beyond the last line, nor further right than one past the line's end."""
    lines = path.read_bytes().decode("utf-8", errors="replace").split("\n")
    for issue in caught_issues(path):
        assert issue.line <= max(len(lines), 1), issue
        assert issue.col <= len(lines[issue.line - 1]) + 1, issue
