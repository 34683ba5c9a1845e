"""Turn pydantic's validation errors into compiler-style messages about the scenario's words.

Each message says where (option 'x', actor 'y' constraint 2), what was expected and what was
found, and suggests the near miss for a misspelt field or choice.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from guarantees.model.errors import Loc, did_you_mean
from guarantees.model.uncertain import describe

_EXPECTED = {
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


@dataclass(frozen=True)
class Finding:
    """A problem at a path in the document, before it is given a line and column."""

    loc: Loc
    message: str
    key: bool = False
    offset: int = 0


def where(loc: Loc) -> str:
    """Name the part of the scenario a path points into, in the file's own words."""
    if not loc:
        return "the scenario"
    head, rest = loc[0], loc[1:]
    if head in ("options", "metrics", "actors") and rest:
        text = f"{str(head)[:-1]} '{rest[0]}'"
        if head == "actors" and len(rest) >= 3 and rest[1] in ("constraints", "priorities"):
            text += f", {str(rest[1])[:-1].replace('prioritie', 'priority')} {int(rest[2]) + 1}"
        return text
    if head in ("rules", "interactions") and rest and isinstance(rest[0], int):
        return f"{str(head)[:-1]} {rest[0] + 1}"
    return f"'{head}'"


def field_names(model: type[BaseModel], loc: Loc) -> tuple[str, ...]:
    """The fields allowed at `loc` inside `model`, following nested models, dicts and lists."""
    current: type[BaseModel] | None = model
    skip_key = False
    for part in loc:
        if isinstance(part, int) or skip_key:
            skip_key = False
            continue
        if current is None or part not in current.model_fields:
            return ()
        annotation = current.model_fields[part].annotation
        skip_key = any(typing.get_origin(a) is dict for a in _walk(annotation))
        current = _inner_model(annotation)
    return tuple(current.model_fields) if current is not None else ()


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as `dict[str, Actor] | None`."""
    for arg in _walk(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _walk(annotation: Any) -> Iterator[Any]:
    yield annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            yield from _walk(arg)


def translate(error: ErrorDetails, *, model: type[BaseModel], prefix: Loc) -> Finding:
    """One pydantic error, from validating the part of root `model` at `prefix`, as a finding."""
    loc: Loc = prefix + tuple(error["loc"])
    kind, found = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = field_names(model, loc[:-1])
        return Finding(
            loc,
            f"unknown field '{last}' in {where(loc)}{did_you_mean(str(last), allowed)}",
            key=True,
        )
    if kind == "missing":
        return Finding(
            loc[:-1], f"{where(loc[:-1])} is missing the required field '{last}'", key=True
        )
    if kind == "literal_error":
        choices = ctx.get("expected", "")
        hint = did_you_mean(
            str(found), [c.strip(" '") for c in str(choices).replace(" or ", ",").split(",")]
        )
        return Finding(loc, f"'{last}' must be {choices} (got {describe(found)}){hint}")
    if kind == "expr_syntax":
        return Finding(
            loc,
            f"expression syntax error in {where(loc)}: {ctx['message']}",
            offset=int(ctx["offset"]),
        )
    if kind in _EXPECTED:
        return Finding(
            loc, f"'{last}' in {where(loc)} must be {_EXPECTED[kind]} (got {describe(found)})"
        )
    return Finding(loc, f"{_field_phrase(loc)}{error['msg']}")


def _field_phrase(loc: Loc) -> str:
    """`'deterrence' in option 'x': ` for messages that need the field named first."""
    if not loc or isinstance(loc[-1], int):
        return f"{where(loc)}: " if loc else ""
    return f"'{loc[-1]}' in {where(loc)}: "
