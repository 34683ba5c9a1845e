"""The scenario format `guarantees/1` as frozen pydantic models.

These models check the shape of each part of a file; cross-references (unknown options,
tags, actors, metrics) are checked in `checks.py` once every part has a shape.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import expr
from .uncertain import (
    Uncertain,
    UncertainValueError,
    describe,
    number,
    parse_uncertain,
)

FORMAT = "guarantees/1"
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
CONSTRAINT_KINDS = ("veto", "demand", "demand_any", "condition", "limit")
RULE_KINDS = ("requires", "excludes", "one_of", "condition")
_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five"}
_NAMES_SHAPE = "a name or a non-empty list of names"
_KIND_SHAPES = {
    "veto": _NAMES_SHAPE,
    "demand": _NAMES_SHAPE,
    "demand_any": _NAMES_SHAPE,
    "excludes": _NAMES_SHAPE,
    "one_of": _NAMES_SHAPE,
    "condition": "an expression in a string",
    "limit": "a mapping such as {deterrence: {min: 0.5}}",
    "requires": "a mapping such as {option: [options it requires]}",
}
NAME_RULE = "use lowercase letters, digits and underscores, starting with a letter"


def shape_error(expected: str, value: Any, hint: str = "") -> PydanticCustomError:
    """An error for a value of the wrong shape: what was expected and what was found."""
    return PydanticCustomError(
        "shape",
        "expected {expected} (got {found})",
        {"expected": expected, "found": describe(value) + hint},
    )


def problem_error(message: str, **how: str) -> PydanticCustomError:
    """An error for a value of the right shape that is still wrong.

    Options in `how`: `predicate` when the message goes right after the subject ("has no
    kind"), `at` to point at a sub-field, `at_key` to point at that sub-field's key.
    """
    return PydanticCustomError("problem", "{message}", {"message": message, **how})


def choices(words: Any, last: str = "or") -> str:
    """'a, b or c' from a list of words."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def suggest_name(text: str) -> str:
    """A valid name close to `text` ('Ground-Force' -> 'ground_force'), or '' if none is."""
    candidate = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return candidate if NAME_RE.fullmatch(candidate) and candidate != text else ""


def _name(value: Any) -> str:
    """A snake_case identifier: option, tag, actor, metric or constraint id."""
    if not isinstance(value, str):
        raise shape_error("a name", value)
    if not NAME_RE.fullmatch(value):
        raise PydanticCustomError(
            "bad_name",
            "'{name}' is not a valid name: " + NAME_RULE,
            {"name": value, "suggestion": suggest_name(value)},
        )
    return value


def _slug(value: Any) -> str:
    """An identifier for a scenario or a source: letters, digits, '-', '_', '.'."""
    if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
        raise shape_error("an identifier of letters, digits, '-', '_' or '.'", value)
    return value


def _as_names(value: Any) -> list[Any]:
    """One name or a non-empty list of names, as a list whose items are then checked."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        return value
    raise shape_error(_NAMES_SHAPE, value)


def _as_name_list(value: Any) -> list[Any]:
    """One name or a possibly empty list of names, as a list whose items are then checked."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise shape_error("a name or a list of names", value)


def _uncertain(value: Any) -> Uncertain:
    """Validate an uncertain number, turning its ValueError into a located pydantic error."""
    try:
        return parse_uncertain(value)
    except UncertainValueError as err:
        raise _located(err) from None


def _weight(value: Any) -> float:
    """A utility weight: a number in range, not a boolean or a string."""
    try:
        return number(value)
    except UncertainValueError as err:
        raise _located(err) from None


def _located(err: UncertainValueError) -> PydanticCustomError:
    """A number's error as a pydantic error: of its shape, or of its value."""
    if err.expected is None:
        return problem_error(str(err))
    return PydanticCustomError(
        "shape",
        "expected {expected} (got {found})",
        {"expected": err.expected, "found": err.found, "at": err.path},
    )


def _expression(value: Any) -> expr.Expr:
    """Parse an expression string; a syntax error carries its offset inside the string."""
    if not isinstance(value, str):
        raise shape_error("an expression in a string", value)
    try:
        return expr.parse(value)
    except expr.ExprSyntaxError as err:
        raise PydanticCustomError(
            "expr_syntax",
            "{message}",
            {"message": err.message, "offset": _error_offset(value, err.offset)},
        ) from None


def _error_offset(text: str, offset: int) -> int:
    """Where to point for a syntax error: at the last token when the text ended too early."""
    if offset < len(text.rstrip()):
        return offset
    last = _LAST_TOKEN.search(text)
    return last.start() if last is not None else offset


_LAST_TOKEN = re.compile(r"(?:<->|->|[<>!=]=|[<>(),]|[^\s<>=!(),]+)\s*$")


def _uncertain_input_schema() -> Any:
    forms = Literal["range", "triangular", "beta", "normal", "best"]
    return float | tuple[float, float] | dict[forms, list[float] | float]


def _distinct(names: tuple[str, ...]) -> tuple[str, ...]:
    """A list of names says each name once: a repeat is a slip (and would count twice)."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            raise PydanticCustomError(
                "problem",
                "{message}",
                {
                    "message": f"'{name}' is listed twice (items {seen[name] + 1} and "
                    f"{index + 1}): name each option or tag once",
                    "at": index,
                },
            )
        seen[name] = index
    return names


Name = Annotated[str, PlainValidator(_name, json_schema_input_type=str)]
Slug = Annotated[str, PlainValidator(_slug, json_schema_input_type=str)]
Names = Annotated[
    tuple[Name, ...],
    BeforeValidator(_as_names, json_schema_input_type=str | list[str]),
    AfterValidator(_distinct),
    PlainSerializer(list),
]
NameList = Annotated[
    tuple[Name, ...],
    BeforeValidator(_as_name_list, json_schema_input_type=list[str]),
    AfterValidator(_distinct),
    PlainSerializer(list),
]
Value = Annotated[
    Uncertain,
    PlainValidator(_uncertain, json_schema_input_type=_uncertain_input_schema()),
    PlainSerializer(Uncertain.to_data),
]
Weight = Annotated[float, PlainValidator(_weight, json_schema_input_type=float)]
Expression = Annotated[
    expr.Expr,
    PlainValidator(_expression, json_schema_input_type=str),
    PlainSerializer(expr.render),
]


class Model(BaseModel):
    """Frozen, strict about unknown fields: the base of every part of a scenario."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Cited(Model):
    """Parts that say what they rest on."""

    note: str | None = None
    source: Slug | None = None


class Metric(Cited):
    """A quantity of a package and how its options combine into it."""

    combine: Literal["noisy_or", "sum", "max", "min"]
    better: Literal["higher", "lower"]
    unit: str | None = None
    label: str | None = None


DEFAULT_METRICS: dict[str, Metric] = {
    "deterrence": Metric(combine="noisy_or", better="higher"),
    "escalation": Metric(combine="noisy_or", better="lower"),
}


class Tradeoff(Model):
    """The benefit and the risk axes of the trade-off analysis."""

    benefit: Name = "deterrence"
    risk: Name = "escalation"


class Valued(Cited):
    """Parts whose unknown keys are metric values (`deterrence: 0.3`)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Value] = Field(init=False)

    @property
    def values(self) -> dict[str, Uncertain]:
        """Metric name -> value, in file order."""
        return dict(self.__pydantic_extra__ or {})


class Option(Valued):
    """One element a package may contain."""

    label: str
    tags: NameList = ()
    provided_by: NameList = ()
    controlled_by: Name | None = None
    one_way: Literal["take", "drop"] | None = None


class Interaction(Valued):
    """Metric terms added to a package holding all of the listed options."""

    id: Name | None = None
    all_of: Names


class _OneKind(Cited):
    """A list entry that must have exactly one kind key (a rule or a constraint)."""

    KINDS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_empty_kind(cls, data: Any) -> Any:
        """A kind key with nothing after it ('veto:') or an empty mapping ('limit: {}', which
        would say nothing) is reported as such."""
        for kind in cls.KINDS if isinstance(data, dict) else ():
            if kind in data and data[kind] in (None, {}):
                raise PydanticCustomError(
                    "shape",
                    "expected {expected} (got {found})",
                    {"expected": _KIND_SHAPES[kind], "found": describe(data[kind]), "at": kind},
                )
        return data

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> _OneKind:
        present = [k for k in self.KINDS if getattr(self, k) is not None]
        if not present:
            raise problem_error(
                f"has no kind: expected one of {choices(self.KINDS)}", predicate="1"
            )
        if len(present) > 1:
            entries = ", ".join(f"'- {k}: ...'" for k in present)
            raise problem_error(
                f"has {_COUNTS.get(len(present), len(present))} kinds, {choices(present, 'and')}: "
                f"each entry has exactly one, so write them as separate entries ({entries})",
                predicate="1",
                at=present[1],
                at_key="1",
            )
        return self

    @property
    def kind(self) -> str:
        """Which kind key this entry has."""
        return next(k for k in self.KINDS if getattr(self, k) is not None)


class Rule(_OneKind):
    """Scenario-level feasibility: a package that breaks a rule is not on the table."""

    KINDS = RULE_KINDS
    id: Name | None = None
    requires: dict[Name, Names] | None = None
    excludes: Names | None = None
    one_of: Names | None = None
    condition: Expression | None = None


class Bound(Model):
    """The bounds of a limit on one metric."""

    min: Value | None = None
    max: Value | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.min is None and self.max is None:
            raise problem_error("needs a min, a max or both", predicate="1")
        if self.min is not None and self.max is not None and self.min.best > self.max.best:
            raise problem_error(
                f"can never be met: min {self.min} exceeds max {self.max}", predicate="1", at="min"
            )
        return self


class Constraint(_OneKind):
    """One condition under which an actor accepts a package."""

    KINDS = CONSTRAINT_KINDS
    id: Name | None = None
    veto: Names | None = None
    demand: Names | None = None
    demand_any: Names | None = None
    condition: Expression | None = None
    limit: dict[Name, Bound] | None = None


def _package(value: Any, at: tuple[str | int, ...]) -> tuple[str, ...]:
    """A package in a ranking: a list of distinct option ids (`[]` for none)."""
    if not isinstance(value, list):
        raise _shape_at(_PACKAGE_SHAPE, value, at)
    for index, name in enumerate(value):
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            raise _shape_at("an option id", name, (*at, index))
        if name in value[:index]:
            first = value.index(name) + 1
            raise problem_error(
                f"'{name}' is listed twice in one package (items {first} and {index + 1})",
                at=_at(at, index),
            )
    return tuple(value)


def _at(at: tuple[str | int, ...], index: int) -> Any:
    return (*at, index) if at else index


def _shape_at(expected: str, value: Any, at: tuple[str | int, ...]) -> PydanticCustomError:
    """A shape error pointing at a sub-node of a ranking entry."""
    return PydanticCustomError(
        "shape",
        "expected {expected} (got {found})",
        {"expected": expected, "found": describe(value), "at": at},
    )


def _rank_entry(value: Any) -> tuple[tuple[str, ...], ...]:
    """One ranking entry as the packages it ranks equally: a package, or {tie: [packages]}."""
    if isinstance(value, list):
        return (_package(value, ()),)
    if not isinstance(value, dict):
        raise shape_error(_ENTRY_SHAPE, value)
    for key in value:
        if key != "tie":
            raise problem_error(
                f"has the key '{key}': an entry is a package or {{tie: [package, ...]}}",
                predicate="1",
                at=key,
                at_key="1",
            )
    tie = value.get("tie")
    if not isinstance(tie, list) or not tie:
        raise _shape_at("a non-empty list of packages", tie, ("tie",))
    return tuple(_package(item, ("tie", i)) for i, item in enumerate(tie))


def _render_entry(entry: tuple[tuple[str, ...], ...]) -> Any:
    return list(entry[0]) if len(entry) == 1 else {"tie": [list(p) for p in entry]}


_PACKAGE_SHAPE = "a package: a list of option ids ([] for none)"
_ENTRY_SHAPE = "a package (a list of option ids, [] for none) or {tie: [package, ...]}"
PREFERENCE_FORMS = ("priorities", "utility", "ranking")
RankEntry = Annotated[
    tuple[tuple[str, ...], ...],
    PlainValidator(
        _rank_entry, json_schema_input_type=list[str] | dict[Literal["tie"], list[list[str]]]
    ),
    PlainSerializer(_render_entry),
]


class Actor(Cited):
    """Someone who must agree, with the constraints under which they would."""

    name: str
    constraints: tuple[Constraint, ...] = ()
    priorities: tuple[Expression, ...] = ()
    utility: dict[Name, Weight] = Field(default_factory=dict)
    ranking: tuple[RankEntry, ...] = ()

    @model_validator(mode="after")
    def _one_preference(self) -> Actor:
        """An actor ranks packages in at most one way: two would have to agree."""
        given = [form for form in PREFERENCE_FORMS if getattr(self, form)]
        if len(given) > 1:
            raise problem_error(
                f"has {_COUNTS.get(len(given), len(given))} preference forms, "
                f"{choices(given, 'and')}: an actor ranks packages in one way only",
                predicate="1",
                at=given[1],
                at_key="1",
            )
        return self

    @property
    def preference(self) -> str | None:
        """Which preference form the actor uses: priorities, utility, ranking, or None."""
        return next((form for form in PREFERENCE_FORMS if getattr(self, form)), None)


class Scenario(Model):
    """A whole scenario file, validated."""

    format: Literal["guarantees/1"]
    id: Slug
    title: str
    summary: str | None = None
    sources: dict[Slug, str] = Field(default_factory=dict)
    metrics: dict[Name, Metric] = Field(default_factory=lambda: dict(DEFAULT_METRICS))
    tradeoff: Tradeoff = Tradeoff()
    options: dict[Name, Option]
    interactions: tuple[Interaction, ...] = ()
    rules: tuple[Rule, ...] = ()
    status_quo: NameList | None = None
    actors: dict[Name, Actor]

    @property
    def tags(self) -> dict[str, tuple[str, ...]]:
        """Tag -> the options that carry it, in option order."""
        out: dict[str, list[str]] = {}
        for option_id, option in self.options.items():
            for tag in option.tags:
                out.setdefault(tag, []).append(option_id)
        return {tag: tuple(ids) for tag, ids in out.items()}


#: Top-level sections, each validated on its own so that a fault in one still lets the others
#: be cross-checked.
SECTION_FIELDS = tuple(Scenario.model_fields)
