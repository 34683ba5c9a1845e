"""Which files a command works on: shell-expanded names, or glob patterns given in quotes.

A shell expands `scenarios/*.yaml` before the program sees it, but a quoted pattern (or a
shell without globbing, as on Windows) passes it through; both must work the same. A name
that exists is taken as it is, even if it looks like a pattern.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guarantees.model.errors import Issue, ScenarioError
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario

_MAGIC = frozenset("*?[")


class NoMatchError(Exception):
    """A glob pattern matched no file (a usage error: nothing to work on)."""


def expand(arguments: Sequence[str]) -> list[str]:
    """File names in the order given, patterns expanded (sorted), each name once."""
    found: dict[str, None] = {}
    for argument in arguments:
        for name in _expand_one(argument):
            found.setdefault(name, None)
    return list(found)


def _expand_one(argument: str) -> list[str]:
    """One argument: itself when it exists or is no pattern, else the files it matches."""
    if not _MAGIC & set(argument) or _exists(argument):
        return [argument]
    matches = sorted(m for m in glob.glob(argument, recursive=True) if Path(m).is_file())
    if not matches:
        raise NoMatchError(f"no file matches '{argument}'")
    return matches


def _exists(name: str) -> bool:
    """Whether a file of that name exists; True when that cannot be told (a name too long, a
    directory that cannot be searched), so that reading it says why, at the file."""
    try:
        return Path(name).exists()
    except OSError:
        return True


@dataclass(frozen=True)
class Loaded:
    """One file as loaded: its scenario, or every issue that stopped it from loading."""

    file: str
    scenario: Scenario | None
    issues: tuple[Issue, ...] = ()


def load_file(file: str) -> Loaded:
    """Load one scenario, keeping its issues instead of raising them."""
    try:
        return Loaded(file, load(file, display=file))
    except ScenarioError as error:
        return Loaded(file, None, error.issues)
