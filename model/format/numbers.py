"""Numbers written back as text the way a scenario file writes them: exact, and short.

One rule for every place the model shows a number it read (a value, a bound, an expression):
an integer without a decimal point (`20`, not `20.0`), anything else as Python's shortest
repr that reads back to the same float (`0.1000001`, never rounded to `0.1` as `:g` does).
"""

from __future__ import annotations

#: Integers at least this large are written in exponent form (`1e+16`), as repr writes them.
_PLAIN_INTEGERS_BELOW = 1e16


def number_text(value: float) -> str:
    """`20`, `0.35`, `0.1000001`, `1e+20`: the shortest text that reads back to value."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < _PLAIN_INTEGERS_BELOW:
        return str(int(value))
    return repr(value)
