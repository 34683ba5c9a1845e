"""Pictures as files: which format a path asks for, and whether matplotlib is there.

Nothing here imports matplotlib: a command checks with `require_matplotlib` before it does any
work, so a missing optional dependency is a clear message (exit status 2), never a traceback,
and commands that draw nothing never load it. Pictures are written as every other file is
(cli/output.py `write_new`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from guarantees.cli.errors import fail

ImageFormat = Literal["png", "svg"]

#: What to run to get the optional plotting dependency.
INSTALL_HINT = "pip install 'guarantees[plot]'"


def image_format(path: Path) -> ImageFormat:
    """`png` or `svg`, from the file name's suffix (exit 2 for any other)."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return "png"
    if suffix == ".svg":
        return "svg"
    fail(f"cannot tell the picture format of '{path}': name it .png or .svg")


def require_matplotlib(what: str) -> None:
    """Stop with a message saying how to install matplotlib when it is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        fail(f"{what} needs matplotlib, which is not installed: {INSTALL_HINT}")
