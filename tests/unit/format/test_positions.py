"""A problem inside an expression is placed where the file writes it, in every YAML style."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantees.model import loads
from guarantees.model.errors import ScenarioError
from guarantees.model.format.positions import inside_string, split_lines
from guarantees.model.format.yamlio import Pos, parse_document

HEAD = """\
format: guarantees/1
id: p
title: P
options:
  a: {label: A, deterrence: 0.1, escalation: 0.1}
  b: {label: B, deterrence: 0.1, escalation: 0.1}
actors:
  x:
    name: X
rules:
  - condition: """


def issues(text: str) -> list[str]:
    """Every issue of a scenario, as `line:col: message`."""
    with pytest.raises(ScenarioError) as caught:
        loads(text)
    return [f"{i.line}:{i.col}: {i.message}" for i in caught.value.issues]


def written_at(text: str, word: str) -> str:
    """`line:col` of the one place the source writes word."""
    assert text.count(word) == 1
    index = text.index(word)
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - text.rfind(chr(10), 0, index)}"


@pytest.mark.parametrize(
    ("text", "start", "offset", "expected"),
    [
        ('c: "a and b"\n', Pos(1, 5), 6, Pos(1, 11)),
        ('c: "a \\"b\\" x"\n', Pos(1, 5), 6, Pos(1, 13)),
        ("c: 'it''s x'\n", Pos(1, 5), 5, Pos(1, 11)),
        ("c: >\n  a and\n  zz\n", Pos(2, 3), 6, Pos(3, 3)),
        ("c: a or\n    b\n", Pos(1, 4), 5, Pos(2, 5)),
        ("c: a\r\n", Pos(1, 4), 1, Pos(1, 5)),
        ("c: a and\n\n    zz\n", Pos(1, 4), 6, Pos(3, 5)),  # a blank line folds to one "\n"
        ("c: a and   \n    zz\n", Pos(1, 4), 6, Pos(2, 5)),  # trailing blanks are dropped
        ('c: "a and \\\n    zz"\n', Pos(1, 5), 6, Pos(2, 5)),  # an escaped line break
        ('c: "a\\tand\\x20zz"\n', Pos(1, 5), 6, Pos(1, 15)),  # escapes of spacing
        ('c: "\\x61 zz"\n', Pos(1, 5), 2, Pos(1, 10)),  # an escape of a visible character
        ("c: >\n  a and\n    b zz\n", Pos(2, 3), 10, Pos(3, 7)),  # a more-indented line
        ("c: |\n\n  a zz\n", Pos(3, 3), 3, Pos(3, 5)),  # a block that starts with a blank line
        ("c: a and\n", Pos(1, 4), 5, Pos(1, 9)),  # the end: just after the last character
    ],
)
def test_columns_inside_strings(text: str, start: Pos, offset: int, expected: Pos) -> None:
    """A character of a string value is found in the source, across escapes and folded lines."""
    value = parse_document(text, file="t.yaml").data["c"]
    assert inside_string(split_lines(text), start, value, offset) == expected


@pytest.mark.parametrize(
    "condition",
    [
        "a and\n      b and zzz\n",
        "a and\n\n      zzz\n",
        ">\n      a and\n\n      b and zzz\n",
        ">\n      a and\n        b and zzz\n",
        "|\n      a and\n      b and zzz\n",
        '"a and \\\n      b and zzz"\n',
        '"a and\\tb\\\n      \\ and zzz"\n',
        "a and    \n      b and   zzz    \n",
        "'a and\n\n      zzz'\n",
    ],
)
def test_an_unknown_name_in_a_continued_expression_is_placed_on_its_line(condition: str) -> None:
    text = HEAD + condition
    assert issues(text) == [
        f"{written_at(text, 'zzz')}: unknown option or tag 'zzz' in 'condition' of rule 1"
    ]


_SPACINGS = {
    "plain": [" ", "  ", "\n      ", "   \n      ", "\n\n      ", "\n        "],
    "'": [" ", "\n      ", "\n\n      ", "  \n      "],
    '"': [" ", "\n      ", " \\\n      ", "\\t", "\\x20", "\\\n      \\ "],
    ">": [" ", "\n      ", "\n\n      ", "\n        "],
    "|": [" ", "\n      ", "\n\n      ", "\n        "],
}


@st.composite
def continued_conditions(draw: st.DrawFn) -> str:
    """`a and b and ... zzz` in any style, split over lines in any way YAML allows."""
    style = draw(st.sampled_from(sorted(_SPACINGS)))
    words = [*draw(st.lists(st.sampled_from(["a and", "b or", "not a and"]), max_size=6)), "zzz"]
    spacing = st.sampled_from(_SPACINGS[style])
    body = words[0]
    for word in words[1:]:
        for part in word.split(" "):
            body += draw(spacing) + part
    if style in (">", "|"):
        return f"{style}\n      {body}\n"
    quote = "" if style == "plain" else style
    return f"{quote}{body}{quote}\n"


@given(continued_conditions())
def test_property_an_unknown_name_is_placed_where_it_is_written(condition: str) -> None:
    text = HEAD + condition
    assert issues(text) == [
        f"{written_at(text, 'zzz')}: unknown option or tag 'zzz' in 'condition' of rule 1"
    ]


def test_a_syntax_error_on_a_later_line_is_placed_there() -> None:
    text = HEAD + "a and\n\n      b )\n"
    assert issues(text) == [
        f"{written_at(text, ')')}: expression syntax error in 'condition' of rule 1: unmatched ')'"
    ]
