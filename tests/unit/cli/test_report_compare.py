"""How `compare` words a change from the base in one line."""

from __future__ import annotations

import pytest

from guarantees.cli.report_compare import change_text
from guarantees.model.comparison.inputs import Change


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            Change(
                "changed",
                "constraints",
                "ukraine.floor",
                "limit",
                "deterrence min 0.65",
                "deterrence min 0.5",
            ),
            "ukraine.floor limit deterrence min: 0.65 -> 0.5",
        ),
        (
            Change(
                "changed",
                "constraints",
                "x.c",
                "limit",
                "deterrence min 0.6; escalation max 0.3",
                "deterrence min 0.5; escalation max 0.3",
            ),
            "x.c limit: deterrence min 0.6; escalation max 0.3 -> deterrence min 0.5; "
            "escalation max 0.3",
        ),
        (
            Change("changed", "actors", "united_states", "priorities", "a, b", "a, b, c"),
            "united_states priorities: a, b -> a, b, c",
        ),
        (Change("changed", "status_quo", "", None, "a", "b"), "status_quo: a -> b"),
        (Change("changed", "options", "jets", "tags", None, "air"), "jets tags: (none) -> air"),
        (
            Change("added", "constraints", "russia#4", None, None, "veto: x"),
            "added russia#4: veto: x",
        ),
        (
            Change("removed", "constraints", "ukraine.no", None, "veto: formal_recognition", None),
            "removed ukraine.no (veto: formal_recognition)",
        ),
    ],
)
def test_change_text(change: Change, text: str) -> None:
    assert change_text(change) == text
