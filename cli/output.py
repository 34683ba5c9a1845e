"""Where rendered output goes: standard output, or a new file that is never silently replaced.

Commands write through a sink: the terminal gets each result as soon as it is ready (with
colour when it is a terminal); `--output PATH` gathers the text and writes it once at the
end, refusing to replace an existing file unless `--force` was given. The refusal is checked
before any work is done, and again (atomically, with mode "x") when the file is written.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from guarantees.cli.errors import fail, os_message

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

#: Width of tables written to a file: fixed, so that the file does not depend on the terminal.
FILE_WIDTH = 100

#: What to do instead when a file is not overwritten, for commands that take --force.
USE_FORCE = "use --force to overwrite it"


def refuse_overwrite(path: Path, *, force: bool, hint: str = USE_FORCE) -> None:
    """Stop (exit 2) if path exists and overwriting it was not asked for."""
    if path.is_dir():
        fail(f"{path} is a directory; give a file name to write to")
    if path.exists() and not force:
        fail(f"{path} already exists; {hint}")


def write_new(path: Path, text: str, *, force: bool, hint: str = USE_FORCE) -> None:
    """Write text to path: only a new file, unless force (exit 2 with a message on failure)."""
    refuse_overwrite(path, force=force, hint=hint)
    try:
        with path.open("w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        fail(f"{path} already exists; {hint}")
    except OSError as error:
        fail(f"cannot write {os_message(error)}")


def stdout_console() -> Console:
    """A console on standard output: colour and width from the terminal (or COLUMNS)."""
    from rich.console import Console

    return Console(highlight=False)


def plain_text(renderables: list[RenderableType], *, width: int = FILE_WIDTH) -> str:
    """Rich renderables as plain text of a fixed width, without colour or trailing spaces."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, force_terminal=False, highlight=False
    )
    for renderable in renderables:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


class Sink:
    """Standard output, or (with a path) text gathered and written to a new file on close."""

    def __init__(self, path: Path | None = None, *, force: bool = False) -> None:
        if path is not None:
            refuse_overwrite(path, force=force)
        self.path = path
        self.force = force
        self._parts: list[str] = []

    def text(self, text: str) -> None:
        """Emit text as it is (JSON, Markdown)."""
        if self.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            self._parts.append(text)

    def rich(self, renderables: list[RenderableType]) -> None:
        """Emit rich renderables: to a terminal as they are, elsewhere as plain text."""
        if self.path is None:
            console = stdout_console()
            if console.is_terminal:
                for renderable in renderables:
                    console.print(renderable)
            else:
                self.text(plain_text(renderables, width=console.width))
        else:
            self._parts.append(plain_text(renderables))

    def close(self) -> None:
        """Write the gathered text to the file, if there is one and there is text to write."""
        if self.path is not None and self._parts:
            write_new(self.path, "".join(self._parts), force=self.force)
