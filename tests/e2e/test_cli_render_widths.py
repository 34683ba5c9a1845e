"""Every table command at 40, 80 and 200 columns and piped: golden renderings, no id broken.

Each command's table view is compared with a golden file (tests/golden/render/), refreshed
on purpose with `pytest tests/e2e --update-golden`. Whatever the width, every identifier
(option, actor, constraint label) appears as many times, whole, as in the command's Markdown
view, which has no width: a column narrower than an id would split it into pieces
that match nothing. No line is wider than the width, and no line starts a cell with the
comma of the item before it. Piped with no COLUMNS, the output is the 80-column rendering.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from cli_helpers import COLOUR_VARIABLES, REPO, SCRIPT
from typer.testing import CliRunner

from guarantees.cli.app import app
from guarantees.model import load
from guarantees.model.exact.results import ConstraintRef

GOLDEN = REPO / "tests" / "golden" / "render"
WIDTHS = (40, 80, 200)
SHIPPED = sorted(f"scenarios/{p.name}" for p in (REPO / "scenarios").glob("*.yaml"))
TIED = "tests/data/tied-concessions.yaml"
BASELINE, IN_DOUBT = "scenarios/coalition-baseline.yaml", "scenarios/backstop-in-doubt.yaml"
ATTACHE = "scenarios/attache-trade.yaml"
VARIANTS = [f"docs/exercises/09-variant-{t}.yaml" for t in "ab"]
PACKAGE = (
    "us_security_guarantee,formal_recognition,air_policing,black_sea_security,"
    "training_and_intelligence,arms_supply,oil_sanctions"
)
#: Each command as a student runs it (from the repository's root), and the files it reads.
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "validate": (["validate", *SHIPPED], SHIPPED),
    "evaluate": (["evaluate", *SHIPPED], SHIPPED),
    "evaluate-tied": (["evaluate", TIED], [TIED]),
    "frontier": (["frontier", ATTACHE, "--top", "4"], [ATTACHE]),
    "diff": (["diff", BASELINE, IN_DOUBT], [BASELINE, IN_DOUBT]),
    "explain": (["explain", ATTACHE, "--package", PACKAGE], [ATTACHE]),
    "robustness": (["robustness", BASELINE, "--samples", "300", "--top", "3"], [BASELINE]),
    "compare": (["compare", BASELINE, *VARIANTS, "--samples", "200"], [BASELINE, *VARIANTS]),
}


def render(args: list[str], width: int | None) -> str:
    """A command's standard output, run in-process from the repository's root."""
    env: dict[str, str | None] = dict.fromkeys(COLOUR_VARIABLES)
    env["COLUMNS"] = None if width is None else str(width)
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(app, args, env=env)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return result.stdout


def identifiers(files: list[str]) -> set[str]:
    """Every option, actor and constraint label of the files (not the metrics: a stacked
    table names its columns, metrics among them, on every row)."""
    out: set[str] = set()
    for file in files:
        scenario = load(REPO / file)
        out |= set(scenario.options) | set(scenario.actors)
        out |= {
            ConstraintRef(actor_id, i, c.kind, c.id).label
            for actor_id, actor in scenario.actors.items()
            for i, c in enumerate(actor.constraints)
        }
    return out


def occurrences(text: str, name: str) -> int:
    """How many times `name` appears whole (not as part of a longer id such as `a.b`)."""
    return len(re.findall(rf"(?<![\w.#]){re.escape(name)}(?![\w#]|\.\w)", text))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_rendering_matches_golden(name: str, width: int, request: pytest.FixtureRequest) -> None:
    args, _ = COMMANDS[name]
    out = render(args, width)
    golden = GOLDEN / f"{name}-{width}.txt"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden"
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"validate"}))
def test_no_identifier_is_broken(name: str, width: int) -> None:
    args, files = COMMANDS[name]
    table = render(args, width)
    markdown = render([*args, "--format", "markdown"], width)
    for ident in identifiers(files):
        assert occurrences(table, ident) == occurrences(markdown, ident), ident
    assert max(len(line) for line in table.splitlines()) <= width
    assert not re.search(r"(^|\s)[,;]", table, re.MULTILINE)  # a separator left alone


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_piped_output_is_the_80_column_rendering(name: str) -> None:
    args, _ = COMMANDS[name]
    drop = (*COLOUR_VARIABLES, "COLUMNS", "LINES")
    result = subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k not in drop},
        check=False,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (GOLDEN / f"{name}-80.txt").read_text(encoding="utf-8")


def test_the_check_catches_a_broken_id() -> None:
    """The occurrence count sees an id cut across two lines (as rich's fold once did)."""
    whole = "relax united_kingdom.enforced_peace (limit)"
    broken = "relax united_kingdom.enforced_pe\nace (limit)"
    name = "united_kingdom.enforced_peace"
    assert (occurrences(whole, name), occurrences(broken, name)) == (1, 0)
    assert occurrences("russia.no_troops and russia.", "russia") == 1
