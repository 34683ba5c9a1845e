"""The table renderer never breaks a word: columns as wide as their longest word, or a stacked
layout when a table cannot fit; and the words of ties and groups (cli/report.py)."""

from __future__ import annotations

import pytest

from guarantees.cli.output import plain_text
from guarantees.cli.render_table import column_widths, table_renderable
from guarantees.cli.report import Column, Table, group_text, tie_ranks

LABEL = "membership_sceptics.no_membership"
TABLE = Table(
    (Column("#", numeric=True), Column("relax"), Column("shift", numeric=True), Column("opens")),
    (
        ("1", f"{LABEL} (veto)\nrussia.escalation_ceiling (limit)", "0.150", "nato_membership"),
        ("2", "ukraine.no_recognition (veto)", "0.000", "training_and_intelligence, arms_supply"),
    ),
)


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_no_word_is_cut_at_any_width(width: int) -> None:
    """At any width that holds the longest word and its indent (below that, nothing can)."""
    text = plain_text([table_renderable(TABLE)], width=width)
    words = {word for row in TABLE.rows for cell in row for word in cell.split()}
    for word in words:
        assert word in text.split(), (width, word)
    assert max(len(line) for line in text.splitlines()) <= width


def test_columns_are_never_narrower_than_their_longest_word() -> None:
    widths = column_widths(TABLE, 80)
    assert widths is not None
    assert widths[1] >= len(LABEL)
    assert widths[3] >= len("training_and_intelligence,")
    assert sum(widths) + 3 * 3 <= 80


def test_a_table_that_cannot_fit_is_stacked_with_named_cells() -> None:
    assert column_widths(TABLE, 60) is None
    lines = plain_text([table_renderable(TABLE)], width=60).splitlines()
    assert lines[:6] == [
        "#: 1   shift: 0.150",
        "  relax:",
        f"    {LABEL} (veto)",
        "    russia.escalation_ceiling (limit)",
        "  opens: nato_membership",
        "",
    ]


def test_short_columns_are_widened_before_long_ones() -> None:
    table = Table(
        (Column("where"), Column("old"), Column("new")),
        (("options us_backstop: note", "a " * 60, "b " * 60),),
    )
    widths = column_widths(table, 100)
    assert widths is not None
    assert widths[0] == len("options us_backstop: note")  # on one line


def test_equal_keys_share_a_rank_marked_with_an_equals_sign() -> None:
    assert tie_ranks([(1, 0.0), (1, 0.0), (2, 0.4), (4, 0.1)]) == ["1=", "1=", "3", "4"]
    assert tie_ranks([(1, 0.1), (1, 0.2)]) == ["1", "2"]


def test_groups_are_said_in_words() -> None:
    assert group_text(["a", "b"], ["r"]) == "a, b (with or without r)"
    assert group_text(["a"], ["r", "s"]) == "a (with or without any of r, s)"
    assert group_text([], ["r", "s"]) == "any combination of r, s (or none)"
    assert group_text(["a"], []) == "a"
