"""Where rendered output goes: standard output, or a new file that is never silently replaced.

Commands write through a sink: the terminal gets each result as soon as it is ready (with
colour when it is a terminal); `--output PATH` gathers the text and writes it once at the
end, refusing to replace an existing file unless `--force` was given. The refusal is checked
before any work is done, and again (atomically) when the file is written.

Every file a command writes (reports, pictures, the schema, a starter scenario) goes through
`write_new`: the bytes go to a temporary file beside the target, are flushed to the disk, and
only then take the target's name, in one step. A full disk or a size limit leaves the target
as it was (absent, or the user's old file) and no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import os
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from guarantees.cli.errors import fail, os_reason
from guarantees.cli.formats import Format

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from guarantees.cli.report import Report

#: Width of tables written to a file: fixed, so that the file does not depend on the terminal.
FILE_WIDTH = 100

#: What to do instead when a file is not overwritten, for commands that take --force.
USE_FORCE = "use --force to overwrite it"


#: Errors of os.link meaning "this file system has no hard links" (then a file is created).
_NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


def refuse_overwrite(path: Path, *, force: bool, hint: str = USE_FORCE) -> None:
    """Stop (exit 2) if path exists and overwriting it was not asked for."""
    try:
        is_dir, exists = path.is_dir(), path.exists()
    except OSError as error:  # a name too long, a directory that cannot be searched
        fail(f"cannot write {path}: {os_reason(error)}")
    if is_dir:
        fail(f"{path} is a directory; give a file name to write to")
    if exists and not force:
        fail(f"{path} already exists; {hint}")


def write_new(path: Path, data: str | bytes, *, force: bool, hint: str = USE_FORCE) -> None:
    """Write data (text as UTF-8) to path whole or not at all: only a new file, unless force.

    Exit 2 with a message if path exists (without force) or cannot be written.
    """
    refuse_overwrite(path, force=force, hint=hint)
    content = data.encode("utf-8", errors="backslashreplace") if isinstance(data, str) else data
    try:
        publish(path, content, replace=force)
    except FileExistsError:
        fail(f"{path} already exists; {hint}")
    except OSError as error:
        fail(f"cannot write {path}: {os_reason(error)}")


def publish(path: Path, data: bytes, *, replace: bool) -> None:
    """Give path the content data in one step, through a synced temporary file beside it.

    Without replace, an existing path is never touched (FileExistsError), even if it appears
    while data is written; with it, an existing file (or a link's target) is replaced, and a
    pipe or a device (`/dev/stdout`) is written to.
    """
    if replace and path.exists() and not path.is_file():  # a pipe, a device: no file to keep
        with path.open("wb") as stream:
            stream.write(data)
        return
    target = Path(os.path.realpath(path)) if replace else path
    handle, temp = tempfile.mkstemp(prefix=".guarantees-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, _new_file_mode())
        if replace:
            os.replace(temp, target)
        else:
            _link_new(temp, target, data)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temp)


def _link_new(temp: str, target: Path, data: bytes) -> None:
    """Give the written temp file the name target, failing if target exists (atomically)."""
    try:
        os.link(temp, target)
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        _create_new(target, data)


def _create_new(target: Path, data: bytes) -> None:
    """Where hard links are not supported: create target exclusively; remove it if cut short."""
    stream = target.open("xb")  # FileExistsError: not ours, left alone
    try:
        with stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """The permissions a new file gets here (0o666 less the umask), not mkstemp's 0o600."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


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


def announce(path: Path, *, quiet: bool, then: str = "") -> None:
    """Say on standard error which file was written (`wrote PATH`), unless quiet."""
    if not quiet:
        from guarantees.cli.escape import one_line

        print(one_line(f"wrote {path}{then}"), file=sys.stderr)


class Sink:
    """Standard output, or (with a path) text gathered and written to a new file on close
    (and the file named on standard error unless quiet)."""

    def __init__(
        self, path: Path | None = None, *, force: bool = False, quiet: bool = False
    ) -> None:
        if path is not None:
            refuse_overwrite(path, force=force)
        self.path = path
        self.force = force
        self.quiet = quiet
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
            announce(self.path, quiet=self.quiet)


def write_report(sink: Sink, report: Report, fmt: Format, *, first: bool) -> None:
    """One file's report as a table or Markdown, after a blank line unless it comes first."""
    if fmt is Format.markdown:
        from guarantees.cli.render_markdown import report_markdown

        sink.text(report_markdown(report) if first else "\n" + report_markdown(report))
        return
    from guarantees.cli.render_table import report_renderables

    sink.rich(report_renderables(report) if first else ["", *report_renderables(report)])
