"""The worked example of exercise 9 stays honest: each variant file is the shipped scenario it
names plus exactly the lines its answer page shows, and is validated there.

The variants replace lines (a limit, its note) as a negotiating table does, so unlike the
solution files (test_doc_commands.py) they may drop lines of their base, but only where the
answer shows what took their place. When the base scenario changes (a note corrected), this
test fails: copy the base again and redo the edits the answer page shows.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from test_doc_commands import BASED_ON, EXERCISES, REPO, shown_lines

VARIANTS = sorted(EXERCISES.glob("[0-9][0-9]-variant-*.yaml"))


def answer_of(variant: Path) -> str:
    """The answer page(s) of the variant's exercise."""
    pages = sorted(EXERCISES.glob(f"{variant.name[:2]}-*-answer.md"))
    assert pages, f"no answer page for {variant.name}"
    return "".join(p.read_text(encoding="utf-8") for p in pages)


def unshown_edits(base: list[str], variant: list[str], shown: set[str]) -> list[str]:
    """The variant's edits of its base that the answer does not show: a line added that is
    not shown, or base lines dropped with nothing shown in their place (`id:`, `title:` and
    comments aside)."""
    wrong = []
    matcher = difflib.SequenceMatcher(a=base, b=variant, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        added = [line for line in variant[j1:j2] if not line.startswith("#")]
        wrong += [f"+ {line}" for line in added if line not in shown]
        dropped = [line for line in base[i1:i2] if not line.startswith(("#", "id:", "title:"))]
        if dropped and not any(line in shown for line in added):
            wrong += [f"- {line}" for line in dropped]
    return wrong


def test_there_are_variants() -> None:
    assert len(VARIANTS) >= 2


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda p: p.name)
def test_variant_is_its_base_plus_what_the_answer_shows(variant: Path) -> None:
    text = variant.read_text(encoding="utf-8")
    answer = answer_of(variant)
    assert f"docs/exercises/{variant.name}" in answer
    assert f"ok  docs/exercises/{variant.name}" in answer  # validated by a quoted command
    based_on = BASED_ON.search(text)
    assert based_on is not None, f"{variant.name} does not say `# based on: FILE`"
    base = (REPO / based_on[1]).read_text(encoding="utf-8").splitlines()
    wrong = unshown_edits(base, text.splitlines(), shown_lines(answer, variant))
    assert not wrong, f"{variant.name} differs from {based_on[1]} beyond its answer: {wrong}"


def test_unshown_edits_catch_a_silent_change() -> None:
    base = ["id: a", "x: 1", "note: old", "y: 2"]
    shown = {"id: b", "note: new"}
    assert unshown_edits(base, ["id: b", "x: 1", "note: new", "y: 2"], shown) == []
    assert unshown_edits(base, ["id: b", "x: 1", "note: new", "y: 3"], shown) == ["+ y: 3"]
    assert unshown_edits(base, ["id: b", "x: 1", "note: new", "y: 2"], {"id: b"}) == [
        "+ note: new",
        "- note: old",
    ]
    assert unshown_edits(base, ["id: a", "x: 1", "y: 2"], set()) == ["- note: old"]
