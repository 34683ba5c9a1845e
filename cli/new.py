"""`guarantees new`: a commented starter scenario that validates and evaluates as it is.

The template is a file shipped with the package (cli/templates/scenario.yaml) so that it can
be read and edited as YAML; `<<id>>`, `<<title>>` and `<<file>>` are filled in here. Its
first line names `guarantees.schema.json` in the same folder, which `new` writes there when
it is absent (`write_schema_beside`). The file
name goes into comments, so it is quoted for the shell and written on one line with its
control characters escaped (`command_path`): whatever the path, the starter stays valid.
"""

from __future__ import annotations

import json
import shlex
from importlib.resources import files
from pathlib import Path

from guarantees.cli.escape import one_line
from guarantees.model.format.schema import SLUG_RE

TEMPLATE = "scenario.yaml"
#: The schema file the template's first line names, written beside a new scenario if absent.
SCHEMA_FILE = "guarantees.schema.json"


class BadNameError(ValueError):
    """The name given to `new` cannot be a scenario id."""


def check_name(name: str) -> None:
    """A scenario id is letters, digits, '-', '_' or '.', starting with a letter or digit."""
    if not SLUG_RE.fullmatch(name):
        raise BadNameError(
            f"'{name}' is not a valid scenario id: use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (choose where the file goes with --output)"
        )


def title_of(name: str) -> str:
    """A readable title from an id: `coalition-baseline` -> `Coalition baseline`."""
    words = name.replace("-", " ").replace("_", " ").replace(".", " ").split()
    return " ".join(words).capitalize()


def starter_text(name: str, path: Path) -> str:
    """The template with the id, title and file name filled in."""
    check_name(name)
    template = files("guarantees.cli").joinpath("templates", TEMPLATE).read_text("utf-8")
    return (
        template.replace("<<id>>", name)
        .replace("<<title>>", json.dumps(title_of(name)))
        .replace("<<file>>", command_path(path))
    )


def command_path(path: Path) -> str:
    """A path as a shell command takes it, on one line: `my-case.yaml`, `'my case.yaml'`."""
    return one_line(shlex.quote(str(path)))


def write_schema_beside(path: Path, *, quiet: bool) -> None:
    """Write the JSON Schema the starter's first line names next to it, unless a file of that
    name is there already, so that editor completion works on the first try."""
    from guarantees.cli.output import announce, write_new
    from guarantees.cli.schema import schema_text

    target = path.parent / SCHEMA_FILE
    if target.exists() or target.is_symlink():
        return
    write_new(target, schema_text(), force=False)
    announce(target, quiet=quiet, then=" (the schema the starter names, for editor completion)")
