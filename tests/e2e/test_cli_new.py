"""`guarantees new NAME`: a commented starter scenario that validates, evaluates, and is new."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import Run
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantees.cli.new import starter_text
from guarantees.cli.schema import schema_text
from guarantees.model import load, loads
from guarantees.model.exact.evaluate import evaluate


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory, as a user starting a scenario would."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_writes_name_yaml_that_validates(run: Run, in_tmp: Path) -> None:
    result = run("new", "my-case")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "wrote my-case.yaml; check it with: guarantees validate my-case.yaml\n"
        "wrote guarantees.schema.json (the schema the starter names, for editor completion)\n"
    )
    assert (in_tmp / "my-case.yaml").is_file()
    validated = run("validate", "my-case.yaml")
    assert validated.exit_code == 0
    assert validated.stdout == "ok  my-case.yaml\n"


def test_new_scenario_evaluates_with_acceptable_packages(run: Run, in_tmp: Path) -> None:
    run("new", "starter")
    scenario = load(in_tmp / "starter.yaml")
    assert scenario.id == "starter"
    assert scenario.title == "Starter"
    evaluation = evaluate(scenario)
    assert evaluation.counts.acceptable > 0
    assert evaluation.tradeoffs
    assert evaluation.concessions
    out = run("evaluate", "starter.yaml").stdout
    assert "acceptable to every actor" in out


def test_new_scenario_has_the_schema_line_and_comments(run: Run, in_tmp: Path) -> None:
    run("new", "commented")
    lines = (in_tmp / "commented.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=guarantees.schema.json"
    assert "guarantees explain commented.yaml --package monitoring,air_policing" in lines[8]
    top_level = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    assert len(top_level) >= 10
    for i in top_level:
        before = [line for line in lines[:i] if line.strip()]
        key = lines[i].split(":")[0]
        # each section has a comment above it (id, title and summary share one)
        assert before[-1].startswith("#") or key in ("title", "summary"), lines[i]


def test_explain_command_in_the_template_runs(run: Run, in_tmp: Path) -> None:
    run("new", "explained")
    result = run("explain", "explained.yaml", "--package", "monitoring,air_policing")
    assert result.exit_code == 0
    assert "enough_deterrence" in result.stdout


def test_new_refuses_to_overwrite(run: Run, in_tmp: Path) -> None:
    target = in_tmp / "mine.yaml"
    target.write_text("my work", encoding="utf-8")
    result = run("new", "mine")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: mine.yaml already exists; choose another name, or a path with --output\n"
    )
    assert target.read_text(encoding="utf-8") == "my work"


def test_new_with_output_path(run: Run, in_tmp: Path) -> None:
    (in_tmp / "cases").mkdir()
    result = run("new", "baseline", "--output", "cases/first.yaml")
    assert result.exit_code == 0
    assert load(in_tmp / "cases" / "first.yaml").id == "baseline"
    assert "guarantees validate cases/first.yaml" in (in_tmp / "cases" / "first.yaml").read_text(
        encoding="utf-8"
    )


def test_new_rejects_a_name_that_is_not_an_id(run: Run, in_tmp: Path) -> None:
    result = run("new", "my case")
    assert result.exit_code == 2
    assert "'my case' is not a valid scenario id" in result.stderr
    assert list(in_tmp.iterdir()) == []


@given(path=st.text(min_size=1))
@settings(max_examples=200, deadline=None)
def test_property_the_starter_validates_whatever_the_path(path: str) -> None:
    """The path is pasted into comments: a line break or a control in it once broke the file."""
    scenario = loads(starter_text("any", Path(path)))
    assert scenario.id == "any"


@pytest.mark.parametrize(
    "name",
    [
        "two\nlines.yaml",
        "esc\x1b]0;t\x07.yaml",
        "with space's.yaml",
        "sep\u2028x.yaml",
        "non\ufffechar.yaml",
    ],
)
def test_new_with_an_odd_output_path_writes_a_valid_starter(
    run: Run, in_tmp: Path, name: str
) -> None:
    result = run("new", "odd", "--output", name)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("\n") == 2  # the starter and the schema, a line each
    assert "\x1b" not in result.stderr
    assert load(in_tmp / name).id == "odd"
    assert run("validate", in_tmp / name).exit_code == 0


def test_the_suggested_command_is_quoted_for_the_shell(run: Run, in_tmp: Path) -> None:
    run("new", "quoted", "--output", "my case.yaml")
    text = (in_tmp / "my case.yaml").read_text(encoding="utf-8")
    assert "#   guarantees validate 'my case.yaml'  " in text


def test_new_writes_the_schema_its_first_line_names_beside_it(run: Run, in_tmp: Path) -> None:
    """The starter's first line names guarantees.schema.json: it exists, and is the schema."""
    (in_tmp / "sub").mkdir()
    result = run("new", "here", "--output", "sub/here.yaml")
    assert result.exit_code == 0, result.stderr
    first = (in_tmp / "sub" / "here.yaml").read_text(encoding="utf-8").splitlines()[0]
    named = first.removeprefix("# yaml-language-server: $schema=")
    assert (in_tmp / "sub" / named).read_text(encoding="utf-8") == schema_text()
    # an existing schema file is left as it is, and the second starter says nothing of it
    (in_tmp / "sub" / named).write_text("{}", encoding="utf-8")
    again = run("new", "there", "--output", "sub/there.yaml")
    assert (
        again.stderr == "wrote sub/there.yaml; check it with: guarantees validate sub/there.yaml\n"
    )
    assert (in_tmp / "sub" / named).read_text(encoding="utf-8") == "{}"


def test_quiet_new_says_nothing(run: Run, in_tmp: Path) -> None:
    result = run("new", "hush", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (in_tmp / "hush.yaml").is_file()
