"""Load a scenario file: read YAML, check each part's shape, cross-check names, all at once.

Every problem in the file is reported together, each at the node at fault, as a
`ScenarioError`; a file that loads is a frozen `Scenario`.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from guarantees.model import checks
from guarantees.model.diagnostics import Finding, translate
from guarantees.model.errors import Issue, Loc, ScenarioError, did_you_mean
from guarantees.model.schema import FORMAT, NAME_RE, Interaction, Option, Scenario, Valued
from guarantees.model.yamlio import Document, parse_document, read_document

_REQUIRED = tuple(name for name, field in Scenario.model_fields.items() if field.is_required())


def load(path: str | Path, *, display: str | None = None) -> Scenario:
    """Load and validate one scenario file (raises ScenarioError with every issue)."""
    return load_document(read_document(Path(path), display=display))


def loads(text: str, *, file: str = "<string>") -> Scenario:
    """Load and validate a scenario from text, naming it `file` in messages."""
    return load_document(parse_document(text, file=file))


def load_document(doc: Document) -> Scenario:
    """Validate a read document into a Scenario, or raise every issue at once."""
    findings, parts = _validate_sections(doc.data)
    if not findings:
        findings = list(checks.check(parts, doc.data))
    if findings:
        raise ScenarioError(_located(doc, findings))
    return Scenario.model_validate(doc.data)


def _located(doc: Document, findings: list[Finding]) -> list[Issue]:
    """Give each finding its line and column, dropping exact repeats."""
    issues = {doc.issue(f.loc, f.message, key=f.key, offset=f.offset) for f in findings}
    return sorted(issues)


def _validate_sections(data: dict[str, Any]) -> tuple[list[Finding], dict[str, Any]]:
    """Validate each top-level section (and each item of the big ones) on its own."""
    findings = list(_top_level(data))
    metric_names = _metric_names(data)
    parts: dict[str, Any] = {}
    for name, field in Scenario.model_fields.items():
        if name not in data:
            continue
        raw = data[name]
        if name in ("options", "actors", "metrics") and isinstance(raw, dict):
            parts[name] = _items(name, raw, findings, metric_names)
        elif name in ("rules", "interactions") and isinstance(raw, list):
            parts[name] = _items(name, dict(enumerate(raw)), findings, metric_names)
        else:
            parts[name] = _one(TypeAdapter(field.annotation), raw, (name,), findings)
    return findings, parts


def _top_level(data: dict[str, Any]) -> list[Finding]:
    """Unknown and missing top-level fields, and the format version."""
    out = [
        Finding(
            (key,),
            f"unknown field '{key}' in the scenario{did_you_mean(str(key), Scenario.model_fields)}",
            key=True,
        )
        for key in data
        if key not in Scenario.model_fields
    ]
    out += [
        Finding((), f"the scenario is missing the required field '{name}'")
        for name in _REQUIRED
        if name not in data
    ]
    if "format" in data and data["format"] != FORMAT:
        out.append(
            Finding(("format",), f"unsupported format {data['format']!r} (expected '{FORMAT}')")
        )
    return out


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
) -> dict[Any, Any]:
    """Validate a section's items one by one, keeping those that pass."""
    item_type = {"options": Option, "interactions": Interaction}.get(section)
    adapter: TypeAdapter[Any] = TypeAdapter(_item_annotation(section))
    kept: dict[Any, Any] = {}
    for key, value in raw.items():
        loc: Loc = (section, key)
        if isinstance(key, str):
            findings.extend(_key_name(loc, key))
        if item_type is not None and isinstance(value, dict):
            value = _drop_unknown_values(value, item_type, loc, metric_names, findings)
        result = _one(adapter, value, loc, findings)
        if result is not None:
            kept[key] = result
    return kept


def _item_annotation(section: str) -> Any:
    """The annotation of one item of a dict or list section of the scenario."""
    args = typing.get_args(Scenario.model_fields[section].annotation)
    return args[-1] if section in ("options", "actors", "metrics") else args[0]


def _key_name(loc: Loc, key: str) -> list[Finding]:
    """Keys of options, actors and metrics are names."""
    if NAME_RE.fullmatch(key):
        return []
    kind = str(loc[0])[:-1]
    return [
        Finding(
            loc,
            f"{kind} id '{key}' is not a valid name: use lowercase letters, digits and "
            "underscores, starting with a letter",
            key=True,
        )
    ]


def _drop_unknown_values(
    value: dict[str, Any],
    model: type[Valued],
    loc: Loc,
    metric_names: tuple[str, ...],
    findings: list[Finding],
) -> dict[str, Any]:
    """Keys that are neither fields nor metrics are reported, then left out of validation."""
    known = set(model.model_fields) | set(metric_names)
    kept = {}
    for key, item in value.items():
        if key in known:
            kept[key] = item
        else:
            hint = did_you_mean(str(key), known)
            kind = str(loc[0])[:-1]
            where = f"option '{loc[1]}'" if kind == "option" else f"interaction {int(loc[1]) + 1}"
            findings.append(
                Finding(loc + (key,), f"unknown field or metric '{key}' in {where}{hint}", key=True)
            )
    return kept


def _one(adapter: TypeAdapter[Any], value: Any, loc: Loc, findings: list[Finding]) -> Any:
    """Validate one value, recording its errors; None when it fails."""
    try:
        return adapter.validate_python(value)
    except ValidationError as err:
        findings.extend(translate(e, model=Scenario, prefix=loc) for e in err.errors())
        return None
