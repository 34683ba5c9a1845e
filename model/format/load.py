"""Load a scenario file: read YAML, check each part's shape, cross-check names, all at once.

Every problem in the file is reported together, each at the node at fault, as a
`ScenarioError`; a file that loads is a frozen `Scenario`. Each top-level section, and each
option, actor, metric, rule and interaction, is validated on its own, and the names are
cross-checked among the parts that are valid, so one fault never hides another.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import Issue, Loc, ScenarioError
from . import checks
from .diagnostics import Finding, Suggester, hint, nearest, translate
from .positions import inside_string, split_lines
from .schema import (
    FORMAT,
    NAME_RE,
    NAME_RULE,
    Interaction,
    Option,
    Scenario,
    Valued,
    suggest_name,
)
from .uncertain import describe
from .yamlio import Document, Pos, parse_document, read_bytes

_REQUIRED = tuple(name for name, field in Scenario.model_fields.items() if field.is_required())
_ITEM_KINDS = {"options": "option", "actors": "actor", "metrics": "metric"}


def load(path: str | Path, *, display: str | None = None) -> Scenario:
    """Load and validate one scenario file (raises ScenarioError with every issue)."""
    file = display if display is not None else str(path)
    raw = read_bytes(Path(path), file=file)  # read once: the file may be a pipe
    doc = parse_document(raw, file=file)
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return load_document(doc, text=text)


def loads(text: str, *, file: str = "<string>") -> Scenario:
    """Load and validate a scenario from text, naming it `file` in messages."""
    return load_document(parse_document(text, file=file), text=text.removeprefix("\ufeff"))


def load_document(doc: Document, *, text: str | None = None) -> Scenario:
    """Validate a read document into a Scenario, or raise every issue at once.

    With the source `text`, a problem inside an expression written over several lines is
    placed on the right line; without it, at the expression's first line.
    """
    suggester = Suggester()
    findings, parts = _validate_sections(doc.data, suggester)
    findings += checks.check(parts, doc.data, suggester=suggester)
    findings += _ranking_findings(doc.data, parts, findings)
    if not findings:
        try:
            return Scenario.model_validate(doc.data)
        except ValidationError as err:  # a safety net: the sections above catch the same
            findings = [translate(e, model=Scenario, prefix=()) for e in err.errors()]
    raise ScenarioError(_located(doc, _drop_implied(findings), text))


#: What decides which packages are feasible: a ranking is checked once these are valid.
_FEASIBILITY = ("format", "id", "title", "metrics", "options", "interactions", "rules")


def _ranking_findings(
    data: dict[str, Any], parts: dict[str, Any], findings: list[Finding]
) -> list[Finding]:
    """Rankings that leave out a feasible package or list one that breaks a rule, for every
    actor whose ranking is valid, once the parts deciding feasibility are valid too.

    Feasibility needs the exact engine, so it is imported here, and only for a scenario that
    has a `ranking:`."""
    faulty = {f.loc[:2] for f in findings if len(f.loc) > 2 and f.loc[2] == "ranking"}
    actors = parts.get("actors") or {}
    ranked = {
        a: actor for a, actor in actors.items() if actor.ranking and ("actors", a) not in faulty
    }
    if not ranked or any(f.loc and f.loc[0] in _FEASIBILITY for f in findings):
        return []
    subset = {key: data[key] for key in _FEASIBILITY if key in data}
    subset["actors"] = {
        a: {"name": actor.name, "ranking": data["actors"][a]["ranking"]}
        for a, actor in ranked.items()
    }
    try:
        scenario = Scenario.model_validate(subset)
    except ValidationError:  # reported by the checks above
        return []
    from ..stability.rankings import ranking_findings

    return ranking_findings(scenario)


def _drop_implied(findings: list[Finding]) -> list[Finding]:
    """Leave out 'missing field x' where an unknown key nearby is a misspelling of x."""
    meant = {(f.loc[:-1], f.suggests) for f in findings if f.suggests is not None}
    return [f for f in findings if f.missing is None or (f.loc, f.missing) not in meant]


def _located(doc: Document, findings: list[Finding], text: str | None) -> list[Issue]:
    """Give each finding its line and column, dropping exact repeats.

    The text is split into lines once, however many findings point inside strings.
    """
    issues = set()
    lines = split_lines(text) if text is not None else None
    for f in findings:
        pos = doc.locate(f.loc, key=f.key)
        value = _string_at(doc.data, f.loc) if f.offset and lines is not None else None
        if lines is not None and value is not None:
            pos = inside_string(lines, pos, value, f.offset)
        else:
            pos = Pos(pos.line, pos.col + f.offset)
        issues.add(Issue(doc.file, pos.line, pos.col, f.message, f.loc))
    return sorted(issues)


def _string_at(data: Any, loc: Loc) -> str | None:
    """The string value at loc in the read data, if that is what it is."""
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data if isinstance(data, str) else None


def _validate_sections(
    data: dict[str, Any], suggester: Suggester
) -> tuple[list[Finding], dict[str, Any]]:
    """Validate each top-level section (and each item of the big ones) on its own."""
    findings = _top_level(data)
    metric_names = _metric_names(data)
    parts: dict[str, Any] = {}
    for name, field in Scenario.model_fields.items():
        if name not in data or name == "format":  # the format is checked by _top_level
            continue
        raw = data[name]
        if name in _ITEM_KINDS and isinstance(raw, dict):
            parts[name] = _items(name, raw, findings, metric_names, suggester)
        elif name in ("rules", "interactions") and isinstance(raw, list):
            parts[name] = _items(name, dict(enumerate(raw)), findings, metric_names, suggester)
        else:
            adapter = TypeAdapter(typing.cast(Any, field.annotation))
            parts[name] = _one(adapter, raw, (name,), findings)
    return findings, parts


def _top_level(data: dict[str, Any]) -> list[Finding]:
    """Unknown and missing top-level fields, and the format version."""
    out = []
    for key in data:
        if key not in Scenario.model_fields:
            near = nearest(str(key), Scenario.model_fields)
            message = f"unknown field '{key}' in the scenario{hint(near)}"
            out.append(Finding((key,), message, key=True, suggests=near))
    for name in _REQUIRED:
        if name not in data:
            extra = f" (its first line should be 'format: {FORMAT}')" if name == "format" else ""
            message = f"the scenario is missing the required field '{name}'{extra}"
            out.append(Finding((), message, missing=name))
    if "format" in data and data["format"] != FORMAT:
        out.append(_format_finding(data["format"]))
    return out


def _format_finding(found: Any) -> Finding:
    """A format this version does not read, or a value that is not a format at all."""
    if isinstance(found, str) and found.startswith("guarantees/"):
        message = f"unsupported format '{found}': this version of guarantees reads '{FORMAT}'"
    else:
        message = f"'format' must be '{FORMAT}' (got {describe(found)})"
    return Finding(("format",), message)


def _metric_names(data: dict[str, Any]) -> tuple[str, ...]:
    """Metric names as declared (or the defaults), for reading options' value keys."""
    metrics = data.get("metrics")
    if isinstance(metrics, dict):
        return tuple(str(k) for k in metrics)
    return tuple(Scenario.model_fields["metrics"].get_default(call_default_factory=True))


def _items(
    section: str,
    raw: dict[Any, Any],
    findings: list[Finding],
    metric_names: tuple[str, ...],
    suggester: Suggester,
) -> dict[Any, Any]:
    """Validate a section's items one by one, keeping those that pass."""
    item_types: dict[str, type[Valued]] = {"options": Option, "interactions": Interaction}
    item_type = item_types.get(section)
    adapter: TypeAdapter[Any] = TypeAdapter(_item_annotation(section))
    kept: dict[Any, Any] = {}
    for key, value in raw.items():
        loc: Loc = (section, key)
        if isinstance(key, str):
            findings.extend(_key_name(loc, key))
        if item_type is not None and isinstance(value, dict):
            value = _drop_unknown_values(
                value, item_type, loc, metric_names, findings, suggester=suggester
            )
        result = _one(adapter, value, loc, findings)
        if result is not None:
            kept[key] = result
    return kept


def _item_annotation(section: str) -> Any:
    """The annotation of one item of a dict or list section of the scenario."""
    args = typing.get_args(Scenario.model_fields[section].annotation)
    return args[-1] if section in _ITEM_KINDS else args[0]


def _key_name(loc: Loc, key: str) -> list[Finding]:
    """Keys of options, actors and metrics are names."""
    if NAME_RE.fullmatch(key):
        return []
    kind = _ITEM_KINDS[str(loc[0])]
    message = f"{kind} id '{key}' is not a valid name: {NAME_RULE}{hint(suggest_name(key))}"
    return [Finding(loc, message, key=True)]


def _drop_unknown_values(
    value: dict[str, Any],
    model: type[Valued],
    loc: Loc,
    metric_names: tuple[str, ...],
    findings: list[Finding],
    *,
    suggester: Suggester,
) -> dict[str, Any]:
    """Keys that are neither fields nor metrics are reported, then left out of validation."""
    known = set(model.model_fields) | set(metric_names)
    kept = {}
    for key, item in value.items():
        if key in known:
            kept[key] = item
            continue
        near = suggester.nearest(str(key), known, kind=f"fields of {model.__name__}")
        extra = hint(near) or (
            " (a metric must be declared under 'metrics:'; this scenario has "
            f"{', '.join(metric_names) or 'none'})"
        )
        where = f"option '{loc[1]}'" if loc[0] == "options" else f"interaction {int(loc[1]) + 1}"
        message = f"unknown field or metric '{key}' in {where}{extra}"
        findings.append(Finding((*loc, key), message, key=True, suggests=near))
    return kept


def _one(adapter: TypeAdapter[Any], value: Any, loc: Loc, findings: list[Finding]) -> Any:
    """Validate one value, recording its errors; None when it fails."""
    try:
        return adapter.validate_python(value)
    except ValidationError as err:
        findings.extend(translate(e, model=Scenario, prefix=loc) for e in err.errors())
        return None
