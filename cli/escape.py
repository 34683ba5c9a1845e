"""Text from a scenario made safe to show: control characters are written out, never obeyed.

A scenario file is data, and nothing in it may act on the terminal that shows it: ESC starts
the sequences that retitle a window (OSC 0), clear the screen (CSI 2J) or plant a hyperlink
(OSC 8); C1 controls (U+0080 to U+009F) do the same on some terminals; a carriage return
or backspace overwrites what was printed; bidirectional overrides (U+202E, the "Trojan
Source" characters) reorder what follows. Every such character is shown as a Python-style
escape instead (`\\x1b`, `\\u202e`), so the text stays readable and the terminal stays
untouched. Every renderer calls `safe_text`, the error printer `one_line`, and JSON text
goes through `json_text`; there is no other path to the screen.
"""

from __future__ import annotations

import re

#: Characters JSON's encoder leaves raw: DEL, C1 controls, the bidirectional controls (marks,
#: embeddings, overrides, isolates), the Unicode line and paragraph separators, lone
#: surrogates (which cannot even be encoded) and the noncharacters U+FFFE and U+FFFF (which
#: YAML refuses, so that escaped text can go into a YAML comment).
_BEYOND_ASCII = (
    "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
)
#: Every character escaped: the above and the C0 controls but tab and line feed.
_UNSAFE = f"\x00-\x08\x0b-\x1f{_BEYOND_ASCII}"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_OR_BREAK_RE = re.compile(f"[{_UNSAFE}\t\n]")
_JSON_RAW_RE = re.compile(f"[{_BEYOND_ASCII}]")

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    """One character as a Python-style escape: `\\n`, `\\x1b`, `\\u202e`."""
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def safe_text(text: str) -> str:
    """Text with every control character escaped; line breaks and tabs kept (report cells)."""
    return _UNSAFE_RE.sub(_escaped, text)


def one_line(text: str) -> str:
    """Text on one line: control characters escaped, line breaks and tabs too (messages)."""
    return _UNSAFE_OR_BREAK_RE.sub(_escaped, text)


def json_text(text: str) -> str:
    """JSON text with the characters its encoder leaves raw written as `\\uXXXX` escapes.

    Only valid on JSON text: these characters can appear only inside its strings, where a
    `\\uXXXX` escape means the same character, so a parser reads back exactly the same data.
    """
    return _JSON_RAW_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
