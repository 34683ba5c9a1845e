"""Turn pydantic's validation errors into compiler-style messages about the scenario's words.

Each message names the node at fault in the file's own words (option 'x', actor 'y',
constraint 2), says what was expected and what was found, and suggests the near miss for a
misspelt field, choice or name. A message has one of three forms:

* `SUBJECT must be EXPECTED (got FOUND)` for a value of the wrong shape;
* `SUBJECT: PROBLEM` or `SUBJECT PREDICATE` for a value of the right shape that is wrong;
* `unknown ... 'x' in PLACE (did you mean 'y'?)` for a name that is not declared.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ..errors import Loc
from .schema import NAME_RULE
from .uncertain import describe

_PARTS = {"options": "option", "metrics": "metric", "actors": "actor"}
_LISTS = {"rules": "rule", "interactions": "interaction"}
_ACTOR_LISTS = {"constraints": "constraint", "priorities": "priority", "ranking": "ranking entry"}

_EXPECTED = {
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_MODEL_SHAPES = {
    "Option": "a mapping with a label and the option's metric values",
    "Actor": "a mapping with a name and constraints",
    "Metric": "a mapping such as {combine: noisy_or, better: higher}",
    "Constraint": "a mapping with one of veto, demand, demand_any, condition or limit",
    "Rule": "a mapping with one of requires, excludes, one_of or condition",
    "Interaction": "a mapping with all_of and metric values",
    "Bound": "a mapping such as {min: 0.5}, {max: 0.3} or {min: 0.2, max: 0.6}",
    "Tradeoff": "a mapping such as {benefit: deterrence, risk: escalation}",
}
_FIELD_SHAPES = {
    "options": "a mapping of option ids to options",
    "actors": "a mapping of actor ids to actors",
    "metrics": "a mapping of metric names to metrics",
    "sources": "a mapping of source ids to descriptions",
    "requires": "a mapping such as {option: [options it requires]}",
    "limit": "a mapping such as {deterrence: {min: 0.5}}",
    "utility": "a mapping of metric, option or tag names to weights",
    "constraints": "a list of constraints, each starting with '- '",
    "rules": "a list of rules, each starting with '- '",
    "interactions": "a list of interactions, each starting with '- '",
    "priorities": "a list of expressions, each starting with '- '",
    "ranking": "a list of packages, most preferred first, each starting with '- '",
}
_KIND_WORDS = {
    "Constraint": ("veto", "demand", "demand_any", "condition", "limit"),
    "Rule": ("requires", "excludes", "one_of", "condition"),
}


@dataclass(frozen=True)
class Finding:
    """A problem at a path in the document, before it is given a line and column.

    `key` points at the key of the node rather than its value, `offset` moves the column
    inside a string. `missing` names the required field a finding reports absent at `loc`,
    and `suggests` the field an unknown key is probably a misspelling of, so that a misspelt
    field is reported once, not also as a missing one.
    """

    loc: Loc
    message: str
    key: bool = False
    offset: int = 0
    missing: str | None = None
    suggests: str | None = None


# ------------------------------------------------------------------ naming places


def part_of(loc: Loc) -> Loc:
    """The longest prefix of `loc` that is a part: an option, metric, actor, rule, interaction,
    or an actor's constraint or priority; () when `loc` lies in no part."""
    if len(loc) >= 4 and loc[0] == "actors" and loc[2] in _ACTOR_LISTS and isinstance(loc[3], int):
        return loc[:4]
    if len(loc) >= 2 and (loc[0] in _PARTS or (loc[0] in _LISTS and isinstance(loc[1], int))):
        return loc[:2]
    return ()


def where(loc: Loc) -> str:
    """Name the part of the scenario a path points into, in the file's own words."""
    part = part_of(loc)
    if not part:
        return f"'{loc[0]}'" if loc else "the scenario"
    head, name = str(part[0]), part[1]
    text = f"{_LISTS[head]} {int(name) + 1}" if head in _LISTS else f"{_PARTS[head]} '{name}'"
    if len(part) == 4:
        text += f", {_ACTOR_LISTS[str(part[2])]} {int(part[3]) + 1}"
    return text


def in_field(loc: Loc) -> str:
    """Name the field of a part that `loc` points into: `'veto' of actor 'russia', constraint 1`."""
    part = part_of(loc)
    rest = loc[len(part) :]
    if not rest:
        return where(part)
    if isinstance(rest[0], int):  # an item of a list part (a package of a ranking)
        return f"item {rest[0] + 1} of {where(part)}"
    return f"'{rest[0]}' of {where(part)}" if part else f"'{rest[0]}'"


def subject(loc: Loc) -> str:
    """Name the node at `loc` itself: `item 2 of 'tags' in option 'x'`, `the limit on 'y' in
    actor 'z', constraint 1`, `option 'x'`."""
    part = part_of(loc)
    if loc == part:
        return where(loc)
    inside = f" in {where(part)}" if part else ""
    return _path_words(loc[len(part) :]) + inside


def _path_words(rest: Loc) -> str:
    """Words for a path inside a part (or inside the scenario)."""
    *head, last = rest
    if isinstance(last, int):
        return f"item {last + 1} of {_path_words(tuple(head))}" if head else f"item {last + 1}"
    parent = head[-1] if head else None
    if parent == "limit":
        return f"the limit on '{last}'"
    if len(head) >= 2 and head[-2] == "limit":
        return f"the {last} of the limit on '{parent}'"
    if parent == "requires":
        return f"the requirement of '{last}'"
    if parent == "utility":
        return f"the utility weight of '{last}'"
    if head == ["sources"]:
        return f"source '{last}'"
    if parent is not None and len(head) == 1:
        return f"'{last}' in '{parent}'"
    return f"'{last}'"


# ------------------------------------------------------------------ near misses


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt word, or None when none is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


#: Fuzzy comparisons one file's messages may cost in all (about 3 s at the slowest).
FUZZY_BUDGET = 100_000


class Suggester:
    """Near misses for the names of one file, at a bounded cost.

    Each (word, kind of name) is matched once; each match costs one comparison per choice,
    and once FUZZY_BUDGET comparisons are spent, later words get no suggestion. A file with
    thousands of misspelt names among thousands of choices is then checked in linear time
    rather than in their product.
    """

    def __init__(self, budget: int = FUZZY_BUDGET) -> None:
        self.left = budget
        self.found: dict[tuple[str, str], str | None] = {}

    def nearest(self, word: str, choices: Collection[str], *, kind: str) -> str | None:
        """The choice of this kind closest to `word`, or None (none close, or budget spent)."""
        key = (word, kind)
        if key not in self.found:
            if len(choices) > self.left:
                return None
            self.left -= len(choices)
            self.found[key] = nearest(word, choices)
        return self.found[key]


def hint(near: str | None) -> str:
    """` (did you mean 'x'?)`, or '' when there is no near miss."""
    return f" (did you mean '{near}'?)" if near else ""


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
    """An annotation and every type argument inside it."""
    yield annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            yield from _walk(arg)


# ------------------------------------------------------------------ translating errors


@dataclass(frozen=True)
class _Error:
    """One pydantic error with its full path in the document."""

    loc: Loc
    kind: str
    found: Any
    ctx: dict[str, Any]
    message: str
    key: bool
    model: type[BaseModel]


def translate(error: ErrorDetails, *, model: type[BaseModel], prefix: Loc) -> Finding:
    """One pydantic error, from validating the part of root `model` at `prefix`, as a finding."""
    loc: Loc = prefix + tuple(error["loc"])
    key = bool(loc) and loc[-1] == "[key]"
    err = _Error(
        loc=loc[:-1] if key else loc,
        kind=error["type"],
        found=error.get("input"),
        ctx=dict(error.get("ctx") or {}),
        message=error["msg"],
        key=key,
        model=model,
    )
    if err.kind in _EXPECTED:
        return _wrong_type(err)
    return _HANDLERS.get(err.kind, _other)(err)


def _unknown_field(err: _Error) -> Finding:
    """A key the model does not have, with the near miss among the fields it does."""
    last, parent = str(err.loc[-1]), err.loc[:-1]
    near = nearest(last, field_names(err.model, parent))
    message = f"unknown field '{last}' in {subject(parent)}{hint(near)}"
    return Finding(err.loc, message, key=True, suggests=near)


def _missing(err: _Error) -> Finding:
    """A required field that is absent, reported at the key of the mapping that lacks it."""
    last, parent = str(err.loc[-1]), err.loc[:-1]
    message = f"{subject(parent)} is missing the required field '{last}'"
    return Finding(parent, message, key=True, missing=last)


def _literal(err: _Error) -> Finding:
    """A value outside a fixed set of choices."""
    expected = str(err.ctx.get("expected", ""))
    choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",")]
    near = nearest(str(err.found), choices) if isinstance(err.found, str) else None
    return _must(err, expected, describe(err.found) + _semi(near))


def _shape(err: _Error) -> Finding:
    """A custom error of the scenario's own types: wrong shape (of a sub-field, if named)."""
    at = err.ctx.get("at")
    if at:
        path = at if isinstance(at, tuple | list) else (at,)
        err = dataclasses.replace(err, loc=(*err.loc, *path), key=False)
    return _must(err, str(err.ctx["expected"]), str(err.ctx["found"]))


def _bad_name(err: _Error) -> Finding:
    """A string that is not a valid name, with the name it was probably meant to be."""
    name, suggestion = err.ctx["name"], err.ctx.get("suggestion") or None
    place = in_field(err.loc) if err.key or isinstance(err.loc[-1], int) else subject(err.loc)
    message = f"'{name}' in {place} is not a valid name: {NAME_RULE}"
    return Finding(err.loc, message + hint(suggestion), key=err.key)


def _problem(err: _Error) -> Finding:
    """A value of the right shape that is still wrong, pointing at a sub-field if named."""
    joiner = " " if err.ctx.get("predicate") else ": "
    message = f"{subject(err.loc)}{joiner}{err.ctx['message']}"
    at = err.ctx.get("at")
    if at is None:
        return Finding(err.loc, message, key=err.key)
    path = tuple(at) if isinstance(at, tuple | list) else (at,)
    return Finding((*err.loc, *path), message, key=bool(err.ctx.get("at_key")))


def _expression(err: _Error) -> Finding:
    """An expression that does not parse, pointing inside the string at the bad token."""
    message = f"expression syntax error in {in_field(err.loc)}: {err.ctx['message']}"
    return Finding(err.loc, message, offset=int(err.ctx["offset"]))


def _wrong_type(err: _Error) -> Finding:
    """A value of the wrong YAML type: say what the place holds, and what was written."""
    last = err.loc[-1] if err.loc else ""
    class_name = str(err.ctx.get("class_name", ""))
    expected = _MODEL_SHAPES.get(class_name) or _FIELD_SHAPES.get(str(last))
    expected = expected or _EXPECTED[err.kind]
    found = describe(err.found) + _type_hint(err.kind, class_name, err.found)
    return _must(err, expected, found)


def _type_hint(kind: str, class_name: str, found: Any) -> str:
    """A hint for the usual slips: a number where text belongs, a colon left out."""
    if kind == "string_type" and isinstance(found, int | float):
        return "; put it in quotes to make it text"
    if not isinstance(found, str):
        return ""
    first = found.split(" ", 1)
    if len(first) == 2 and first[0] in _KIND_WORDS.get(class_name, ()):
        return f"; did you mean '{first[0]}: {first[1]}'?"
    if class_name == "Option":
        return "; an option's text goes under 'label:'"
    if class_name == "Actor":
        return "; an actor's display name goes under 'name:'"
    if class_name == "Metric" and found in ("noisy_or", "sum", "max", "min"):
        return f"; write {{combine: {found}, better: higher}} or {{..., better: lower}}"
    return ""


def _other(err: _Error) -> Finding:
    """Any other pydantic error, in pydantic's words after the subject."""
    return Finding(err.loc, f"{subject(err.loc)}: {err.message}", key=err.key)


def _must(err: _Error, expected: str, found: str) -> Finding:
    """`SUBJECT must be EXPECTED (got FOUND)`."""
    return Finding(err.loc, f"{subject(err.loc)} must be {expected} (got {found})", key=err.key)


def _semi(near: str | None) -> str:
    """`; did you mean 'x'?` inside a parenthesis, or ''."""
    return f"; did you mean '{near}'?" if near else ""


_HANDLERS: dict[str, Callable[[_Error], Finding]] = {
    "extra_forbidden": _unknown_field,
    "missing": _missing,
    "literal_error": _literal,
    "shape": _shape,
    "bad_name": _bad_name,
    "problem": _problem,
    "expr_syntax": _expression,
}
