"""Turn the model's errors and the system's into messages on stderr and exit status 2.

Libraries raise, applications catch: the model raises typed errors and never prints; this
module is the one place where they become text for a person, so every command reports bad
input the same way (compiler style, `file:line:col: message`) and never with a traceback.
Messages echo values from the file, so each is printed on one line with its control
characters and line breaks escaped (cli/escape.py): one line per problem, whatever the file.
`CheckedGroup` applies that to every command at once, and checks at the end that standard
output was written, so that output cut short (a full disk) is an error, never exit status 0.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import typer
from typer.core import TyperGroup

from guarantees.cli.escape import one_line

if TYPE_CHECKING:
    from guarantees.model.errors import GuaranteesError, Issue

#: Exit status for invalid input, bad usage and refused overwrites (as typer's usage errors).
EXIT_INVALID = 2


def print_issues(issues: Iterable[Issue]) -> None:
    """Print every issue of a file, one `file:line:col: message` per line, on stderr."""
    for issue in issues:
        _say(str(issue))


def print_error(message: str) -> None:
    """Print a message that has no position in a file, marked as an error, on stderr."""
    _say(f"error: {message}")


def print_file_error(file: str, message: str) -> None:
    """Print a problem with a whole file (no line or column) as `file: message` on stderr."""
    _say(f"{file}: {message}")


def _say(line: str) -> None:
    """Print one message on one line of stderr, its control characters escaped."""
    print(one_line(line), file=sys.stderr)


def fail(message: str) -> NoReturn:
    """Report a user error and stop the command with exit status 2."""
    print_error(message)
    raise typer.Exit(EXIT_INVALID)


def report(error: GuaranteesError) -> None:
    """Print a model error: each issue of a ScenarioError, or the error's message."""
    from guarantees.model.errors import ScenarioError

    if isinstance(error, ScenarioError):
        print_issues(error.issues)
    else:
        print_error(str(error))


def os_reason(error: OSError) -> str:
    """Why a system call failed, in words: `No space left on device`."""
    return error.strerror or type(error).__name__


def os_message(error: OSError) -> str:
    """A short reason for a failed file operation: `out.json: Permission denied`."""
    reason = os_reason(error)
    return f"{error.filename}: {reason}" if error.filename is not None else reason


class StdoutError(Exception):
    """Standard output could not be written (a full disk, a lost device; not a closed pipe)."""

    def __init__(self, error: OSError) -> None:
        self.reason = os_reason(error)
        super().__init__(f"cannot write standard output: {self.reason}")


class CheckedStdout:
    """Standard output that names itself when a write fails, then drops the rest.

    Any OSError of its writes but a closed pipe becomes a StdoutError, whoever writes (our
    renderers, print, typer's help), so the message can say what failed.
    """

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream  # None when the program was started with it closed (`>&-`)
        self.failed = False

    def write(self, text: str) -> int:
        """Write text, or raise StdoutError (nothing is written once a write has failed).

        What the stream cannot encode (a file name that is not UTF-8, whose bytes Python
        keeps as surrogates) is written as a backslash escape, as on standard error.
        """
        if isinstance(text, str) and not text:  # click probes with "": not a write to check
            return 0
        with self._checked():
            if self.failed:
                return 0
            if self.stream is None:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            try:
                return self.stream.write(text)
            except UnicodeEncodeError:
                encoding = self.stream.encoding or "utf-8"
                escaped = text.encode(encoding, "backslashreplace").decode(encoding)
                return self.stream.write(escaped)

    def flush(self) -> None:
        """Flush, or raise StdoutError."""
        with self._checked():
            if not self.failed and self.stream is not None:
                self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    @contextmanager
    def _checked(self) -> Iterator[None]:
        try:
            yield
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click ends quietly, with status 1
        except OSError as error:
            self.failed = True
            raise StdoutError(error) from None


@contextmanager
def user_errors() -> Iterator[None]:
    """Stop with exit status 2 and a message, not a traceback, on any user error."""
    from guarantees.model.errors import GuaranteesError  # the model loads only when used

    try:
        yield
    except GuaranteesError as error:
        report(error)
        raise typer.Exit(EXIT_INVALID) from None
    except StdoutError as error:
        fail(str(error))
    except BrokenPipeError:
        raise  # the reader went away (`| head`): click ends quietly, with status 1
    except OSError as error:
        fail(os_message(error))


class CheckedGroup(TyperGroup):
    """The command group: user errors of every command become messages (see user_errors),
    and standard output is flushed and checked at the end, after help and --version too.
    Its commands' help names arguments and options as Python command lines do (cli/help.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from guarantees.cli.help import plain_help

        plain_help(self.commands)

    def invoke(self, ctx: Any) -> Any:
        """Run the command, turning model and system errors into messages and status 2."""
        with user_errors():
            return super().invoke(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Parse and run with a checked standard output, flushed at the end: help and
        --version are written while parsing, and a full disk may show only at the last write.
        """
        checked = CheckedStdout(sys.stdout)
        sys.stdout = checked  # a TextIO in all that is used (mypy: sys.stdout is TextIO)
        try:
            try:
                return super().main(*args, **kwargs)
            finally:
                sys.stdout.flush()
        except StdoutError as error:
            print_error(str(error))
            raise SystemExit(EXIT_INVALID) from None
        finally:
            if sys.stdout is checked and not checked.failed:  # else leave it dropping output
                sys.stdout = checked.stream  # None again if it was None
