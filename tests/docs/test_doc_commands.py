"""Every command in the teaching material runs, and prints what the page quotes.

Pages: docs/tutorial.md, docs/scenarios.md, docs/explanation/robustness.md and
docs/exercises/NN-*.md. Each page is run on
its own, in order, from the root of a fresh copy of the repository's `scenarios/` and
`docs/exercises/` (so commands that write files never touch the repository), in-process
with a console 100 columns wide and colour forced off.

What a page may contain, and what the test does with it:

- A ```console block: lines starting `$ guarantees ...` are commands, run in order; the
  lines after a command, up to the next `$ ` line, are the output it quotes. Every quoted
  line except `...` must be a line of the real output (standard output and standard error
  together), in the same order, compared with runs of white space collapsed. A trailing
  `# exit N` comment on the command line gives the expected exit status (else 0).
  `$ python -m pip install ...` is shown to readers but not run; any other command is an
  error in the page.
- The sentence "add this at the end of the `SECTION:` section of `FILE`" right before a
  ```yaml block: the block is inserted at the end of that top-level section of FILE (before
  the comments and blank lines that open the next section).
- The phrase "in `FILE`, replace `OLD` with `NEW`": OLD, which must occur exactly once in
  FILE, is replaced.
- The phrase "copy `SOURCE` to `TARGET`": the file is copied.

In these phrases case does not matter and a line break may fall between any two words. Edits
are applied where they appear in the page, between the commands around them, which is how a
reader builds a scenario step by step.

The instructors' solution files (docs/exercises/NN-solution*.yaml) are kept honest too: each
names the shipped scenario it is based on, differs from it only by lines that its answer page
shows (in ```yaml blocks headed `# from docs/exercises/FILE`), and is validated by its answer.
"""

from __future__ import annotations

import difflib
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantees.cli.app import app

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
EXERCISES = DOCS / "exercises"
PAGES = [
    DOCS / "tutorial.md",
    DOCS / "scenarios.md",
    DOCS / "explanation" / "robustness.md",
    *sorted(EXERCISES.glob("[0-9][0-9]-*.md")),
]
SOLUTIONS = sorted(EXERCISES.glob("[0-9][0-9]-solution*.yaml"))
#: The console of every run: 100 columns, plain text (no colour, whatever the CI sets).
ENV: dict[str, str | None] = {
    "COLUMNS": "100",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}

FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
INSERT = re.compile(
    r"add\s+this\s+at\s+the\s+end\s+of\s+the\s+`(\w+):`\s+section\s+of\s+`([^`]+)`",
    re.IGNORECASE,
)
EDIT = re.compile(
    r"in\s+`(?P<file>[^`]+)`,\s+replace\s+`(?P<old>[^`]+)`\s+with\s+`(?P<new>[^`]+)`"
    r"|copy\s+`(?P<source>[^`]+)`\s+to\s+`(?P<target>[^`]+)`",
    re.IGNORECASE,
)
EXIT = re.compile(r"#\s*exit (\d+)\s*$")
BASED_ON = re.compile(r"^# based on: (\S+)$", re.MULTILINE)
FROM = "# from docs/exercises/"


@dataclass(frozen=True)
class Command:
    """A `$ guarantees ...` line of a console block and the output it quotes."""

    args: list[str]
    status: int
    shown: list[str]
    line: str


@dataclass(frozen=True)
class Insert:
    """A YAML snippet to add at the end of a top-level section of a file."""

    file: str
    section: str
    text: str


@dataclass(frozen=True)
class Replace:
    """A text to replace, once, in a file."""

    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Copy:
    """A file to copy."""

    source: str
    target: str


Step = Command | Insert | Replace | Copy


def console_commands(body: str) -> Iterator[Command]:
    """The commands of a console block, each with the lines it quotes."""
    current: tuple[str, list[str]] | None = None
    for line in body.splitlines():
        if line.startswith("$ "):
            if current is not None:
                yield parse_command(*current)
            current = (line[2:], [])
        elif current is not None:
            current[1].append(line)
        elif line.strip():
            raise AssertionError(f"output before any command in a console block: {line!r}")
    if current is not None:
        yield parse_command(*current)


def parse_command(line: str, shown: list[str]) -> Command:
    """A command line (without its `$ `) and the output lines after it."""
    status = EXIT.search(line)
    words = shlex.split(line, comments=True)
    return Command(words, int(status[1]) if status else 0, shown, line)


def prose_edits(prose: str) -> Iterator[Step]:
    """The replacements and copies a stretch of prose asks for, in order."""
    for match in EDIT.finditer(prose):
        if match["file"] is not None:
            yield Replace(match["file"], match["old"], match["new"])
        else:
            yield Copy(match["source"], match["target"])


def blocks(text: str) -> Iterator[tuple[str, str, str]]:
    """(prose before, language, body) of each fenced block of a Markdown text, then
    (prose after the last block, "", "")."""
    end = 0
    for match in FENCE.finditer(text):
        yield text[end : match.start()], match[1], match[2]
        end = match.end()
    yield text[end:], "", ""


def steps(text: str) -> Iterator[Step]:
    """The commands and edits of a page, in the order a reader meets them."""
    for prose, lang, body in blocks(text):
        yield from prose_edits(prose)
        insert = INSERT.search(prose)
        if lang == "yaml" and insert is not None:
            yield Insert(file=insert[2], section=insert[1], text=body)
        elif lang == "console":
            yield from console_commands(body)


def insert_in_section(source: str, section: str, snippet: str) -> str:
    """SOURCE with SNIPPET added as the last lines of its top-level SECTION."""
    lines = source.splitlines(keepends=True)
    header = [i for i, line in enumerate(lines) if line.rstrip() == f"{section}:"]
    assert len(header) == 1, f"no single top-level `{section}:` line"
    after = header[0] + 1
    nxt = next(
        (i for i in range(after, len(lines)) if lines[i][:1] not in ("", " ", "\n", "#")),
        len(lines),
    )
    while nxt > after and (not lines[nxt - 1].strip() or lines[nxt - 1].startswith("#")):
        nxt -= 1
    return "".join(lines[:nxt]) + snippet + "".join(lines[nxt:])


def normal(line: str) -> str:
    """A line with runs of white space collapsed, for comparing quoted and real output."""
    return " ".join(line.split())


def missing_lines(output: str, shown: list[str]) -> list[str]:
    """The quoted lines not found in OUTPUT in order (empty when the quote is faithful)."""
    real = [normal(line) for line in output.splitlines()]
    wanted = [normal(line) for line in shown if line.strip() and line.strip() != "..."]
    missing, at = [], 0
    for line in wanted:
        if line in real[at:]:
            at = real.index(line, at) + 1
        else:
            missing.append(line)
    return missing


def run_command(runner: CliRunner, command: Command) -> None:
    """Run one command of a page and check its exit status and quoted output."""
    if command.args[:3] == ["python", "-m", "pip"]:
        return
    assert command.args[:1] == ["guarantees"], f"not a guarantees command: {command.line}"
    result = runner.invoke(app, command.args[1:], env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == command.status, f"$ {command.line}\n{result.output}"
    missing = missing_lines(result.output, command.shown)
    assert not missing, f"$ {command.line}\nnot in the output, in order: {missing}\n{result.output}"


def apply_edit(step: Insert | Replace | Copy) -> None:
    """Carry out one edit of a page in the current folder."""
    if isinstance(step, Copy):
        shutil.copyfile(step.source, step.target)
        return
    path = Path(step.file)
    text = path.read_text(encoding="utf-8")
    if isinstance(step, Insert):
        text = insert_in_section(text, step.section, step.text)
    else:
        assert text.count(step.old) == 1, f"`{step.old}` is not once in {step.file}"
        text = text.replace(step.old, step.new)
    path.write_text(text, encoding="utf-8")


def run_page(page: Path) -> list[Command]:
    """Run every step of a page in the current folder; the commands run."""
    runner, done = CliRunner(), []
    for step in steps(page.read_text(encoding="utf-8")):
        if isinstance(step, Command):
            run_command(runner, step)
            done.append(step)
        else:
            apply_edit(step)
    return done


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder holding copies of scenarios/ and docs/exercises/, as the repository."""
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    shutil.copytree(EXERCISES, tmp_path / "docs" / "exercises")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_commands_run_and_print_what_is_quoted(workdir: Path, page: Path) -> None:
    done = run_page(page)
    assert done, f"{page.name} has no command"
    if page.stem.endswith("-answer") or page.name in ("tutorial.md", "scenarios.md"):
        quoted = [c for c in done if any(line.strip() not in ("", "...") for line in c.shown)]
        assert len(quoted) >= 2, f"{page.name} quotes the output of fewer than two commands"


def test_there_are_five_exercises_each_with_a_sheet_and_an_answer() -> None:
    sheets = sorted(p for p in EXERCISES.glob("[0-9][0-9]-*.md") if not p.stem.endswith("-answer"))
    assert len(sheets) >= 5
    for sheet in sheets:
        assert sheet.with_name(f"{sheet.stem}-answer.md").exists(), sheet.name


def answer_text(solution: Path) -> str:
    """The text of the answer page(s) of a solution file's exercise."""
    pages = sorted(EXERCISES.glob(f"{solution.name[:2]}-*-answer.md"))
    assert pages, f"no answer page for {solution.name}"
    return "".join(p.read_text(encoding="utf-8") for p in pages)


def shown_lines(answer: str, solution: Path) -> set[str]:
    """The lines an answer shows from a solution file (its ```yaml blocks headed `# from`)."""
    header = f"{FROM}{solution.name}"
    return {
        line
        for _, lang, body in blocks(answer)
        if lang == "yaml" and body.startswith(header + "\n")
        for line in body.splitlines()[1:]
    }


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_solution_is_its_scenario_plus_what_the_answer_shows(solution: Path) -> None:
    text = solution.read_text(encoding="utf-8")
    answer = answer_text(solution)
    assert f"$ guarantees validate docs/exercises/{solution.name}" in answer
    based_on = BASED_ON.search(text)
    assert based_on is not None, f"{solution.name} does not say `# based on: FILE`"
    base = (REPO / based_on[1]).read_text(encoding="utf-8").splitlines()
    shown = shown_lines(answer, solution)
    for line in difflib.ndiff(base, text.splitlines()):
        change, content = line[:2], line[2:]
        if change == "+ " and not content.startswith("#"):
            assert content in shown, (
                f"{solution.name} adds a line its answer does not show: {content!r}"
            )
        elif change == "- ":
            assert content.startswith(("id:", "title:", "#")), (
                f"{solution.name} lacks a line of {based_on[1]}: {content!r}"
            )


def test_missing_lines_checks_order_gaps_and_white_space() -> None:
    output = "a  b\nc\nd\n"
    assert missing_lines(output, ["a b", "...", "d"]) == []
    assert missing_lines(output, ["d", "c"]) == ["c"]
    assert missing_lines(output, ["x"]) == ["x"]


def test_edits_insert_at_the_end_of_a_section() -> None:
    source = "a:\n  x: 1\n\n# about b\nb:\n  y: 2\n"
    expected = "a:\n  x: 1\n  z: 3\n\n# about b\nb:\n  y: 2\n"
    assert insert_in_section(source, "a", "  z: 3\n") == expected
    assert insert_in_section(source, "b", "  z: 3\n").endswith("b:\n  y: 2\n  z: 3\n")


def test_steps_reads_commands_statuses_and_edits() -> None:
    page = (
        "Copy `a.yaml` to `f.yaml`, then add this at the end of the `options:` section of\n"
        "`f.yaml`:\n\n```yaml\n  o: {}\n```\n\nThen, in `f.yaml`, replace `o:` with `p:`.\n\n"
        "```console\n$ guarantees validate f.yaml  # exit 2\nf.yaml:1:1: oops\n...\n```\n"
    )
    found = list(steps(page))
    assert found[:3] == [
        Copy("a.yaml", "f.yaml"),
        Insert("f.yaml", "options", "  o: {}\n"),
        Replace("f.yaml", "o:", "p:"),
    ]
    command = found[3]
    assert isinstance(command, Command)
    assert command.args == ["guarantees", "validate", "f.yaml"]
    assert (command.status, command.shown) == (2, ["f.yaml:1:1: oops", "..."])
