"""Typed errors of the model: every problem found in a scenario, with where it is.

Libraries raise, applications catch: the model raises `ScenarioError` carrying every
`Issue` at once; only the command line turns them into messages and exit codes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A path into the YAML document: mapping keys and sequence indices.
Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a file, located like a compiler message (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str
    path: Loc = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class GuaranteesError(Exception):
    """Base class of every error the model raises on purpose."""


class ScenarioError(GuaranteesError):
    """A scenario file could not be read or is invalid; carries every issue found."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(sorted(issues))
        super().__init__("\n".join(str(issue) for issue in self.issues))


class PackageError(GuaranteesError):
    """A package named by the user refers to options the scenario does not have."""


class ActorError(GuaranteesError):
    """An actor named by the user is not one of the scenario's actors."""


class TooLargeError(GuaranteesError):
    """The request would need more packages enumerated than the exact solver allows."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the nearest choice, or "" when none is near."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
