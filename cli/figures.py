"""Pictures as files: which format a path asks for, whether matplotlib is there, writing bytes.

Nothing here imports matplotlib: a command checks with `require_matplotlib` before it does any
work, so a missing optional dependency is a clear message (exit status 2), never a traceback,
and commands that draw nothing never load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from guarantees.cli.errors import fail, os_message
from guarantees.cli.output import USE_FORCE, refuse_overwrite

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


def write_new_bytes(path: Path, data: bytes, *, force: bool) -> None:
    """Write bytes to path: only a new file, unless force (exit 2 with a message on failure)."""
    refuse_overwrite(path, force=force)
    try:
        with path.open("wb" if force else "xb") as handle:
            handle.write(data)
    except FileExistsError:
        fail(f"{path} already exists; {USE_FORCE}")
    except OSError as error:
        fail(f"cannot write {os_message(error)}")
