"""Tests of the escaping of text from a scenario: control characters are shown, never obeyed."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantees.cli.escape import json_text, one_line, safe_text

#: Sequences a scenario could use against a terminal, and how each must read once escaped.
ATTACKS = {
    "\x1b]0;PWNED\x07": "\\x1b]0;PWNED\\x07",  # OSC 0: retitle the window
    "\x1b[2J\x1b[H": "\\x1b[2J\\x1b[H",  # CSI: clear the screen, cursor home
    "\x1b]8;;https://x.example\x1b\\a\x1b]8;;\x1b\\": "\\x1b]8;;https://x.example\\x1b\\a\\x1b]8;;\\x1b\\",
    "\x9b31m": "\\x9b31m",  # CSI as a single C1 character
    "\x9d0;t\x9c": "\\x9d0;t\\x9c",  # OSC and ST as C1 characters
    "a\rb": "a\\rb",  # carriage return: overwrite the line
    "a\x08b\x7f": "a\\x08b\\x7f",  # backspace, DEL
    "abc\u202edef": "abc\\u202edef",  # right-to-left override
    "\u2066x\u2069\u200f": "\\u2066x\\u2069\\u200f",  # isolates and a mark
    "a\u2028b\x85c": "a\\u2028b\\x85c",  # line separator and NEL
    "\ud800": "\\ud800",  # a lone surrogate, which cannot be encoded
    "\ufffe\uffff": "\\ufffe\\uffff",  # noncharacters, which YAML refuses
}

#: Control characters every function must escape (C0 but tab and line feed, DEL, C1).
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n"]


@pytest.mark.parametrize(("raw", "shown"), ATTACKS.items())
def test_attacks_are_shown_as_escapes(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown
    assert one_line(raw) == shown


@pytest.mark.parametrize("char", CONTROLS)
def test_every_control_character_is_escaped(char: str) -> None:
    shown = "\\r" if char == "\r" else f"\\x{ord(char):02x}"
    assert safe_text(f"a{char}b") == one_line(f"a{char}b") == f"a{shown}b"


def test_reports_keep_line_breaks_and_tabs_but_messages_do_not() -> None:
    assert safe_text("a\nb\tc") == "a\nb\tc"
    assert one_line("unknown 'a\nb\tc'") == "unknown 'a\\nb\\tc'"


def test_ordinary_text_is_unchanged() -> None:
    text = "Attaché's trade [bold]x[/bold] — 20 thousand, ½, Україна, عربى, 中文 \\x1b"
    assert safe_text(text) == text
    assert one_line(text) == text


@given(st.text())
def test_property_escaped_text_has_no_control_character(text: str) -> None:
    """Whatever the text, what is printed is one line of characters with no control."""
    for out in (safe_text(text), one_line(text)):
        assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n" for c in out)
        assert not {"\u202e", "\ufffe"} & set(out)
        out.encode("utf-8")  # never a lone surrogate
    assert "\n" not in one_line(text)


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_property_json_text_reads_back_the_same_data(data: object) -> None:
    """Escaping the raw characters the encoder leaves keeps the JSON valid and its data equal."""
    text = json_text(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in text if c != "\n")
    assert "\u202e" not in text
