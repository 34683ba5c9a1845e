"""Tests of the YAML reader: plain data, positions, and every refusal with its line and column."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantees.model.errors import Issue, ScenarioError
from guarantees.model.format import yamlio
from guarantees.model.format.yamlio import MAX_NODES, Document, Pos, parse_document, read_document


def parse(text: str | bytes) -> Document:
    """Parse text as the file 's.yaml'."""
    return parse_document(text, file="s.yaml")


def errors(text: str | bytes) -> list[str]:
    """The issues parsing text raises, as compiler-style lines."""
    with pytest.raises(ScenarioError) as caught:
        parse(text)
    return [str(issue) for issue in caught.value.issues]


def assert_plain(value: Any) -> None:
    """Fail unless value is built only from plain Python types (no ruamel subclasses)."""
    assert type(value) in (dict, list, str, int, float, bool, type(None))
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)


BLOCK = """\
name: demo
actors:
  russia:
    label: "Russia"
    options: [a, 'b c', {d: 1}]
  ukraine:
    - x
    -   y
"""


def test_block_and_flow_positions() -> None:
    doc = parse(BLOCK)
    assert doc.data == {
        "name": "demo",
        "actors": {
            "russia": {"label": "Russia", "options": ["a", "b c", {"d": 1}]},
            "ukraine": ["x", "y"],
        },
    }
    assert_plain(doc.data)
    assert doc.value_pos[()] == Pos(1, 1)
    assert doc.key_pos[("name",)] == Pos(1, 1)
    assert doc.value_pos[("name",)] == Pos(1, 7)
    assert doc.key_pos[("actors", "russia")] == Pos(3, 3)
    assert doc.value_pos[("actors", "russia")] == Pos(4, 5)
    assert doc.key_pos[("actors", "russia", "options")] == Pos(5, 5)
    assert doc.value_pos[("actors", "russia", "options")] == Pos(5, 14)
    assert doc.value_pos[("actors", "russia", "options", 0)] == Pos(5, 15)
    assert doc.key_pos[("actors", "russia", "options", 2, "d")] == Pos(5, 26)
    assert doc.value_pos[("actors", "russia", "options", 2, "d")] == Pos(5, 29)
    assert doc.key_pos[("actors", "ukraine", 1)] == Pos(8, 9)
    assert doc.value_pos[("actors", "ukraine", 1)] == Pos(8, 9)


def test_quoted_values_point_after_the_quote() -> None:
    doc = parse('a: "x + y"\nb: \'q\'\nc: &k !!str "z"\n')
    assert doc.value_pos[("a",)] == Pos(1, 5)
    assert doc.value_pos[("b",)] == Pos(2, 5)
    assert doc.value_pos[("c",)] == Pos(3, 14)
    assert doc.issue(("a",), "unknown name 'y'", offset=4) == Issue(
        "s.yaml", 1, 9, "unknown name 'y'", ("a",)
    )


def test_block_scalar_points_at_first_content_line() -> None:
    doc = parse("a: |  # note\n    first\n    second\nb: >-\n\n  folded\n")
    assert doc.data == {"a": "first\nsecond\n", "b": "\nfolded"}
    assert doc.value_pos[("a",)] == Pos(2, 5)
    assert doc.value_pos[("b",)] == Pos(6, 3)  # leading blank lines are skipped


def test_locate_walks_up_to_the_longest_known_prefix() -> None:
    doc = parse(BLOCK)
    assert doc.locate(("actors", "russia", "missing", 3)) == Pos(4, 5)
    assert doc.locate(("actors", "russia", "missing"), key=True) == Pos(3, 3)
    assert doc.locate(("actors", "russia"), key=True) == Pos(3, 3)
    assert doc.locate(("nothing",)) == Pos(1, 1)
    issue = doc.issue(("actors", "nope"), "missing", key=True)
    assert (issue.line, issue.col, issue.path) == (2, 1, ("actors", "nope"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("0.5", 0.5),
        ("1e3", 1000.0),
        ("-1.5e-3", -0.0015),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("12", 12),
        ("-7", -7),
        ("012", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("~", None),
        ("null", None),
        ("", None),
        ("2024-01-01", "2024-01-01"),
        ("'12'", "12"),
        ("!!str 12", "12"),
        ("!!float 1", 1.0),
        ("!!int '7'", 7),
        ("!!bool true", True),
        ("!!null ''", None),
        ("0x_", "0x_"),
        ("=", "="),
    ],
)
def test_yaml_1_2_scalars(text: str, value: Any) -> None:
    data = parse(f"v: {text}\n").data
    assert data == {"v": value}
    assert type(data["v"]) is type(value)


def test_nan_and_yaml_1_1_directive_is_still_read_as_1_2() -> None:
    assert math.isnan(parse("v: .nan\n").data["v"])
    assert parse("%YAML 1.1\n---\nv: no\n").data == {"v": "no"}


def test_scalar_keys_become_names() -> None:
    doc = parse("1: a\ntrue: b\nnull: c\n~: d\n0x10: e\n'q': f\n")
    assert list(doc.data) == ["1", "true", "null", "~", "0x10", "q"]
    assert doc.key_pos[("0x10",)] == Pos(5, 1)


def test_bom_and_crlf() -> None:
    doc = parse(b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: 'x'\r\n")
    assert doc.data == {"a": 1, "b": {"c": "x"}}
    assert doc.key_pos[("b", "c")] == Pos(3, 3)
    assert doc.value_pos[("b", "c")] == Pos(3, 7)
    assert parse("\ufeffa: 1\n").key_pos[("a",)] == Pos(1, 1)


def test_aliases_that_are_fine() -> None:
    doc = parse("base: &b {x: 1, y: [2, 3]}\nitems:\n  - *b\n  - *b\n&k key: *b\n")
    assert doc.data["items"] == [{"x": 1, "y": [2, 3]}] * 2
    assert doc.data["key"] == doc.data["base"]
    assert doc.data["items"][0] is not doc.data["items"][1]
    assert doc.key_pos[("items", 1)] == Pos(4, 5)
    assert doc.value_pos[("items", 1, "y")] == Pos(1, 20)
    assert doc.key_pos[("key",)] == Pos(5, 4)


def test_reused_anchor_is_not_a_warning() -> None:
    assert parse("a: &x 1\nb: &x 2\nc: *x\n").data == {"a": 1, "b": 2, "c": 2}


def test_billion_laughs_fails_fast() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    found = errors("\n".join(lines) + "\n")
    assert found == [
        f"s.yaml:6:7: document expands to more than {MAX_NODES} nodes"
        " through aliases (an alias bomb?)"
    ]


def test_big_document_without_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 6)  # keys count too
    assert parse("a: [1, 2, 3]\n").data == {"a": [1, 2, 3]}
    assert errors("a: [1, 2, 3, 4]\n") == ["s.yaml:1:1: document has more than 6 nodes"]


def test_recursive_alias() -> None:
    assert errors("a: &a [1, *a]\n") == [
        "s.yaml:1:11: alias refers to a node that contains it (recursive alias)"
    ]


def test_too_deep() -> None:
    assert errors("a: " + "[" * 120 + "]" * 120 + "\n") == [
        "s.yaml:1:103: document is nested more than 100 levels deep"
    ]


def test_every_duplicate_key_at_once() -> None:
    text = "label: a\nx:\n  k: 1\n  k: 2\n  k: 3\nlabel: b\n1: c\n'1': d\n"
    assert errors(text) == [
        "s.yaml:4:3: duplicate key 'k' (first defined at line 3)",
        "s.yaml:5:3: duplicate key 'k' (first defined at line 3)",
        "s.yaml:6:1: duplicate key 'label' (first defined at line 1)",
        "s.yaml:8:1: duplicate key '1' (first defined at line 7)",
    ]


def test_bad_keys() -> None:
    text = "base: {a: 1}\n<<: {b: 2}\n[a]: 1\n? {m: 1}\n: 2\n"
    assert errors(text) == [
        "s.yaml:2:1: merge keys '<<' are not supported",
        "s.yaml:3:1: a mapping key must be a plain name, not a list",
        "s.yaml:4:3: a mapping key must be a plain name, not a mapping",
    ]
    assert parse("'<<': 1\n").data == {"<<": 1}


def test_tags_that_are_not_allowed() -> None:
    text = (
        "a: !foo x\n"
        "b: !!python/object:os.system x\n"
        "c: !!set {x}\n"
        "d: !!omap [x: 1]\n"
        "e: !!timestamp 2024-01-01\n"
        "f: !!binary aGk=\n"
        "g: !!str [x]\n"
        "h: &h !<tag:example.com,1:x> x\n"
        "!!python/name:os.system k: 1\n"
    )
    assert errors(text) == [
        "s.yaml:1:4: YAML tag '!foo' is not allowed",
        "s.yaml:2:4: YAML tag '!!python/object:os.system' is not allowed",
        "s.yaml:3:4: YAML tag '!!set' is not allowed",
        "s.yaml:4:4: YAML tag '!!omap' is not allowed",
        "s.yaml:5:4: YAML tag '!!timestamp' is not allowed",
        "s.yaml:6:4: YAML tag '!!binary' is not allowed",
        "s.yaml:7:4: YAML tag '!!str' is not allowed",
        "s.yaml:8:4: YAML tag '!<tag:example.com,1:x>' is not allowed",
        "s.yaml:9:1: YAML tag '!!python/name:os.system' is not allowed",
    ]


def test_explicit_core_tag_with_a_bad_value() -> None:
    assert errors("a: !!int abc\nb: !!bool yes\n") == [
        "s.yaml:1:10: 'abc' is not a valid !!int",
        "s.yaml:2:11: 'yes' is not a valid !!bool",
    ]


def test_allowed_collection_tags() -> None:
    assert parse("!!map\na: !!seq [1]\nb: !!map {c: 2}\n").data == {"a": [1], "b": {"c": 2}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b: c\n", "s.yaml:1:5: YAML syntax error: mapping values are not allowed here"),
        (
            "a: [1, 2\n",
            "s.yaml:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>'"
            " (the list opened at line 1, column 4 is not closed)",
        ),
        (
            'a: "x\nb: 1\n',
            "s.yaml:3:1: YAML syntax error: found unexpected end of stream"
            " (the string opened at line 1, column 4 is not closed)",
        ),
        ("a: 1\n- b\n", "s.yaml:2:1: YAML syntax error: expected <block end>, but found '-'"),
        ("a: *nope\n", "s.yaml:1:4: YAML syntax error: found undefined alias 'nope'"),
        (
            "a: 1\n---\nb: 2\n",
            "s.yaml:2:1: YAML syntax error: expected a single document in the stream,"
            " but found another document",
        ),
        (
            "a:\n\tb: 1\n",
            "s.yaml:2:1: YAML syntax error: found character '\\t' that cannot start any token",
        ),
        ("a: \x01\n", "s.yaml:1:4: character U+0001 is not allowed in YAML"),
    ],
)
def test_syntax_errors(text: str, expected: str) -> None:
    assert errors(text) == [expected]


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("", "an empty file"),
        ("# only a comment\n", "an empty file"),
        ("- a\n- b\n", "a list"),
        ("just text\n", "a string"),
        ("42\n", "a number"),
        ("~\n", "null"),
    ],
)
def test_root_must_be_a_mapping(text: str, got: str) -> None:
    assert errors(text) == [f"s.yaml:1:1: a scenario file must be a YAML mapping (got {got})"]


def test_not_utf8_names_the_byte_and_line() -> None:
    assert errors(b"a: 1\nb: \xc3\xa9\xff\n") == [
        "s.yaml:2:5: file is not UTF-8 text (invalid byte 0xff at line 2)"
    ]


def test_read_document(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_bytes(b"a: 1\n")
    assert read_document(path).file == str(path)
    assert read_document(path, display="shown.yaml").data == {"a": 1}


@pytest.mark.parametrize(
    ("name", "reason"), [("missing.yaml", "No such file or directory"), (".", "Is a directory")]
)
def test_unreadable_files(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_document(tmp_path / name, display="x.yaml")
    assert [str(issue) for issue in caught.value.issues] == [
        f"x.yaml:1:1: cannot read file: {reason}"
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab:-[]{}&*!|>'\"#,? \n\t\x00é<", max_size=40))
def test_anything_fails_only_with_scenario_error(text: str) -> None:
    issues: tuple[Issue, ...] = ()
    try:
        assert_plain(parse(text).data)
    except ScenarioError as err:
        issues = err.issues
    assert all(issue.line >= 1 and issue.col >= 1 for issue in issues)


@pytest.mark.parametrize("version", ["1.0", "1.3", "2.0", "1.10"])
def test_other_yaml_versions_are_refused_at_the_directive(version: str) -> None:
    assert errors(f"%YAML {version}\n---\nb: 2\n") == [
        f"s.yaml:1:1: '%YAML {version}' is not supported: a scenario file is YAML 1.2"
        " (a '%YAML 1.1' directive is read as 1.2)"
    ]


def test_yaml_1_2_directive_is_read() -> None:
    assert parse("%YAML 1.2\n---\nv: no\n").data == {"v": "no"}


NOT_TEXT = """\
title: "\\ud800"
ok: "tab\\tand\\nnewline, \\u00e9, \\U0001F600"
"\\udc00key": 1
list: [a, "\\e[2J", 'plain']
nested: {note: "\\x07 \\x7f \\x85"}
pair: "\\ud83d\\ude00"
non: "\\uffff"
many: "\\0\\a\\b\\v\\f \\ud800"
"""


def test_every_string_that_is_not_text_is_refused_at_once() -> None:
    assert errors(NOT_TEXT) == [
        "s.yaml:1:9: the string holds U+D800 (a surrogate), which is not text: "
        "write the character itself, or a \\U escape of eight digits",
        "s.yaml:3:1: the string holds U+DC00 (a surrogate), which is not text: "
        "write the character itself, or a \\U escape of eight digits",
        "s.yaml:4:12: the string holds U+001B (a control character), which is not text: "
        "strings may hold tab and line feed, but no other control character",
        "s.yaml:5:17: the string holds U+0007, U+007F and U+0085 (control characters), "
        "which are not text: strings may hold tab and line feed, but no other control character",
        "s.yaml:6:8: the string holds U+D83D and U+DE00 (surrogates), which are not text: "
        "write the character itself, or a \\U escape of eight digits (\\U0001F600)",
        "s.yaml:7:7: the string holds U+FFFF (a non-character), which is not text",
        "s.yaml:8:8: the string holds U+0000, U+0007, U+0008 and 2 more (control characters), "
        "which are not text: strings may hold tab and line feed, but no other control "
        "character; the string holds U+D800 (a surrogate), which is not text: write the "
        "character itself, or a \\U escape of eight digits",
    ]


def test_text_with_tabs_newlines_and_any_character_is_kept() -> None:
    text = 'a: "tab\\tline\\nx \\u00e9 \\U0001F600 \\u2028"\nb: |\r\n  one\r\n  two\r\n'
    assert parse(text).data == {"a": "tab\tline\nx \u00e9 \U0001f600 \u2028", "b": "one\ntwo\n"}


def test_file_larger_than_the_limit_is_refused_after_reading_one_byte_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlio, "MAX_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1234567\n")
    with pytest.raises(ScenarioError) as caught:
        read_document(path, display="big.yaml")
    assert [str(issue) for issue in caught.value.issues] == [
        "big.yaml:1:1: file is larger than 10 bytes, the limit for a scenario file"
    ]
    path.write_bytes(b"a: 123456\n")
    assert read_document(path).data == {"a": 123456}


def test_endless_device_is_refused_at_the_limit() -> None:
    """/dev/zero never ends: reading stops one byte past the limit (10 MB)."""
    with pytest.raises(ScenarioError) as caught:
        read_document(Path("/dev/zero"), display="zero")
    assert [str(issue) for issue in caught.value.issues] == [
        "zero:1:1: file is larger than 10 MB, the limit for a scenario file"
    ]


def test_a_file_name_too_long_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_document(tmp_path / ("a" * 300 + ".yaml"), display="x.yaml")
    assert [str(issue) for issue in caught.value.issues] == [
        "x.yaml:1:1: cannot read file: File name too long"
    ]
