"""The scenario format `guarantees/1` as frozen pydantic models.

These models check the shape of each part of a file; cross-references (unknown options,
tags, actors, metrics) are checked in `checks.py` once every part has a shape.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from guarantees.model import expr
from guarantees.model.uncertain import Uncertain, describe, parse_uncertain

FORMAT = "guarantees/1"
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
CONSTRAINT_KINDS = ("veto", "demand", "demand_any", "condition", "limit")
RULE_KINDS = ("requires", "excludes", "one_of", "condition")


def _name(value: Any) -> str:
    """A snake_case identifier: option, tag, actor, metric or constraint id."""
    if not isinstance(value, str):
        raise PydanticCustomError("name", "expected a name (got {got})", {"got": describe(value)})
    if not NAME_RE.fullmatch(value):
        raise PydanticCustomError(
            "name",
            "'{name}' is not a valid name: use lowercase letters, digits and underscores, "
            "starting with a letter",
            {"name": value},
        )
    return value


def _slug(value: Any) -> str:
    """An identifier for a scenario or a source: letters, digits, '-', '_', '.'."""
    if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            "expected an identifier of letters, digits, '-', '_' or '.' (got {got})",
            {"got": describe(value)},
        )
    return value


def _names(value: Any) -> tuple[str, ...]:
    """One name or a non-empty list of names, as a tuple."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise PydanticCustomError(
            "names", "expected a name or a list of names (got {got})", {"got": describe(value)}
        )
    return tuple(_name(item) for item in items)


def _name_list(value: Any) -> tuple[str, ...]:
    """A possibly empty list of names."""
    if value == []:
        return ()
    return _names(value)


def _uncertain(value: Any) -> Uncertain:
    """Validate an uncertain number, turning ValueError into a located pydantic error."""
    try:
        return parse_uncertain(value)
    except ValueError as err:
        raise PydanticCustomError("uncertain", str(err)) from None


def _expression(value: Any) -> expr.Expr:
    """Parse an expression string; a syntax error carries its offset inside the string."""
    if not isinstance(value, str):
        raise PydanticCustomError(
            "expr_type", "expected an expression in a string (got {got})", {"got": describe(value)}
        )
    try:
        return expr.parse(value)
    except expr.ExprSyntaxError as err:
        raise PydanticCustomError(
            "expr_syntax", "{message}", {"message": err.message, "offset": err.offset}
        ) from None


def _uncertain_input_schema() -> Any:
    return float | tuple[float, float] | dict[Literal["triangular", "beta", "normal"], list[float]]


Name = Annotated[str, PlainValidator(_name, json_schema_input_type=str)]
Slug = Annotated[str, PlainValidator(_slug, json_schema_input_type=str)]
Names = Annotated[
    tuple[str, ...],
    PlainValidator(_names, json_schema_input_type=str | list[str]),
    PlainSerializer(list),
]
NameList = Annotated[
    tuple[str, ...],
    PlainValidator(_name_list, json_schema_input_type=list[str]),
    PlainSerializer(list),
]
Value = Annotated[
    Uncertain,
    PlainValidator(_uncertain, json_schema_input_type=_uncertain_input_schema()),
    PlainSerializer(Uncertain.to_data),
]
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
    tags: Names = ()
    provided_by: Names = ()
    controlled_by: Name | None = None


class Interaction(Valued):
    """Metric terms added to a package holding all of the listed options."""

    id: Name | None = None
    all_of: Names


class _OneKind(Cited):
    """A list entry that must have exactly one kind key (a rule or a constraint)."""

    KINDS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> _OneKind:
        present = [k for k in self.KINDS if getattr(self, k) is not None]
        if len(present) != 1:
            kinds = ", ".join(self.KINDS)
            got = " and ".join(present) if present else "none"
            raise PydanticCustomError(
                "one_kind",
                "expected exactly one of {kinds} (got {got})",
                {"kinds": kinds, "got": got},
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
            raise PydanticCustomError("bound", "a limit needs a min, a max or both")
        if self.min is not None and self.max is not None and self.min.best > self.max.best:
            raise PydanticCustomError(
                "bound",
                "min {low} exceeds max {high}",
                {"low": str(self.min), "high": str(self.max)},
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


class Actor(Cited):
    """Someone who must agree, with the constraints under which they would."""

    name: str
    constraints: tuple[Constraint, ...] = ()
    priorities: tuple[Expression, ...] = ()
    utility: dict[Name, float] = Field(default_factory=dict)


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
