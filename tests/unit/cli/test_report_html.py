"""The handout's words have no command lines (cli/report_html.py): a parenthesis or a clause
that gives one is cut, a sentence that is one is dropped, and every other word is kept."""

from __future__ import annotations

import pytest

from guarantees.cli.report import Section, Table, shown
from guarantees.cli.report_html import handout_section, without_hints


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (shown(72, 5, "points")[0], "Showing 5 of 72 points."),
        (
            "3 more equilibria not shown (--top, or --format json for all).",
            "3 more equilibria not shown.",
        ),
        (
            "Too few draws for whole percents: try --samples 2000.",
            "Too few draws for whole percents.",
        ),
        (
            "Not analysed here (a large conflict): run guarantees stability FILE.",
            "Not analysed here (a large conflict).",
        ),
        ("guarantees robustness says more: who blocks, concessions, when a deal exists.", ""),
        (
            "A deal exists in 20% of draws. guarantees robustness says more: who blocks.",
            "A deal exists in 20% of draws.",
        ),
        ("Check it with more draws (--samples) or another --seed.", ""),
    ],
)
def test_command_lines_are_cut(line: str, kept: str) -> None:
    assert without_hints(line) == kept


@pytest.mark.parametrize(
    "line",
    [
        "Security guarantees given by the US (a backstop): 2 of 5 packages.",
        "Most robust package: air_policing, us_backstop (acceptable in 11%).",
        "deterrence 0.465 below min 0.475 by 0.011 -- a judgement.",
        "Equilibria among the 2688 feasible packages: Nash 365, GMR 448.",
    ],
)
def test_other_words_are_kept(line: str) -> None:
    assert without_hints(line) == line


def test_a_section_keeps_its_table_and_loses_emptied_lines() -> None:
    table = Table((), (("--top",),))
    section = Section("Stability", ("guarantees stability FILE tells who.",), table, ("Fine.",))
    assert handout_section(section) == Section("Stability", (), table, ("Fine.",))
