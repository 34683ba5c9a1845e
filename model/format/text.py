"""What a string of a scenario may hold: text, which YAML escapes could otherwise step outside.

YAML refuses control characters, surrogates and U+FFFE/U+FFFF written as they are, but a
double-quoted string can write them as escapes (`"\\e"`, `"\\ud800"`). A lone surrogate cannot
be encoded (every output would fail), and control characters can act on a terminal; neither is
text, so the reader (model/format/yamlio.py) refuses both, where they are written.
"""

from __future__ import annotations

import re

#: Characters a string may not hold, though YAML escapes can write them (`"\\ud800"`, `"\\e"`).
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def not_text(text: str) -> str | None:
    """Why text is not text (its characters that are not, by kind, with a hint), or None."""
    found = dict.fromkeys(NOT_TEXT.findall(text))
    return _message(list(found), text) if found else None


def _message(chars: list[str], text: str) -> str:
    """Why a string is refused: its first characters that are not text, by kind, and a hint."""
    by_kind: dict[str, list[str]] = {}
    for char in chars:
        by_kind.setdefault(_char_kind(char), []).append(f"U+{ord(char):04X}")
    parts = []
    for kind, codes in by_kind.items():
        shown = [*codes[:3], f"{len(codes) - 3} more"] if len(codes) > 3 else codes
        listed = " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
        what, verb = (kind, "is") if len(codes) == 1 else (_PLURAL[kind], "are")
        advice = _ADVICE[kind] + (_pair_hint(text) if kind == "a surrogate" else "")
        parts.append(f"the string holds {listed} ({what}), which {verb} not text{advice}")
    return "; ".join(parts)


def _char_kind(char: str) -> str:
    """'a surrogate', 'a control character' or 'a non-character'."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "a surrogate"
    return "a non-character" if code >= 0xFFFE else "a control character"


_PLURAL = {
    "a surrogate": "surrogates",
    "a control character": "control characters",
    "a non-character": "non-characters",
}
_ADVICE = {
    "a surrogate": ": write the character itself, or a \\U escape of eight digits",
    "a control character": ": strings may hold tab and line feed, but no other control character",
    "a non-character": "",
}


def _pair_hint(text: str) -> str:
    """` (\\U0001F600)` when text holds a UTF-16 surrogate pair, written as two escapes."""
    pair = re.search("[\ud800-\udbff][\udc00-\udfff]", text)
    if pair is None:
        return ""
    high, low = (ord(c) for c in pair.group())
    return f" (\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X})"
