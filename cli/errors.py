"""Turn the model's errors into messages on stderr and exit status 2.

Libraries raise, applications catch: the model raises typed errors and never prints; this
module is the one place where they become text for a person, so every command reports bad
input the same way (compiler style, `file:line:col: message`) and never with a traceback.
Messages echo values from the file, so each is printed on one line with its control
characters and line breaks escaped (cli/escape.py): one line per problem, whatever the file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer

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


def os_message(error: OSError) -> str:
    """A short reason for a failed file operation: `out.json: Permission denied`."""
    reason = error.strerror or type(error).__name__
    return f"{error.filename}: {reason}" if error.filename is not None else reason


@contextmanager
def user_errors() -> Iterator[None]:
    """Stop with exit status 2 and a message, not a traceback, on any user error."""
    from guarantees.model.errors import GuaranteesError  # the model loads only when used

    try:
        yield
    except GuaranteesError as error:
        report(error)
        raise typer.Exit(EXIT_INVALID) from None
    except BrokenPipeError:
        raise  # the reader went away (`| head`): click ends quietly, with status 1
    except OSError as error:
        fail(os_message(error))
