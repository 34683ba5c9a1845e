"""What the command line takes from the terminal's environment, made sane before any output.

rich (for tables, help and the progress bar) reads the width from COLUMNS and the height from
LINES: COLUMNS=0 makes it print nothing at all, and a digit that int() refuses (`²`) makes it
fail. Such values are dropped at the entry point, once, for every console.
"""

from __future__ import annotations

from collections.abc import MutableMapping


def ignore_bad_terminal_size(environ: MutableMapping[str, str]) -> None:
    """Drop COLUMNS and LINES unless each is a positive whole number, as if they were unset.

    Unset, every console takes the terminal's size, or 80 columns when there is no terminal.
    """
    for name in ("COLUMNS", "LINES"):
        value = environ.get(name)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) > 0):
            del environ[name]
