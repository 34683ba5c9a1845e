"""What changed in the inputs between two variants of a scenario: one `Change` per difference.

Both scenarios are compared in their validated, normalised form (`model_dump`), so layout,
comments and spelling variants (`veto: a` or `veto: [a]`) never count as changes. Parts with
names (options, actors, metrics, sources) are matched by name; list entries (rules, an actor's
constraints, interactions) by their id, else by what they say. Entries without an id that
are left over and have the same kind (a limit: on the same metrics) are paired in file order
and reported as changed, so that loosening a limit reads as one change, not two.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..exact.results import ConstraintRef
from ..format.numbers import number_text
from ..format.schema import CONSTRAINT_KINDS, RULE_KINDS, Scenario
from ..format.uncertain import parse_uncertain

Data = dict[str, Any]
Kind = Literal["added", "removed", "changed"]
#: Fields shown last when a part changes: what it rests on comes after what it says.
_LAST = ("note", "source")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: a part added or removed, or one field of a part changed."""

    change: Kind
    section: str  # scenario, tradeoff, status_quo, sources, metrics, options, ...
    item: str  # the part: an option id, `russia.no_troops`, `rule#2`; "" for the scenario
    field: str | None  # the field that changed; None when the whole part came or went
    old: str | None  # old value (or what a removed part was), as text
    new: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "section": self.section,
            "item": self.item,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


def input_changes(old: Scenario, new: Scenario) -> tuple[Change, ...]:
    """Every difference between two scenarios, section by section in file order."""
    a = old.model_dump(mode="json", exclude_none=True)
    b = new.model_dump(mode="json", exclude_none=True)
    out: list[Change] = []
    scalars = ("format", "id", "title", "summary")
    out += _fields("scenario", "", {k: a.get(k) for k in scalars}, {k: b.get(k) for k in scalars})
    out += _fields("tradeoff", "", a["tradeoff"], b["tradeoff"])
    if a.get("status_quo") != b.get("status_quo"):
        out.append(_changed("status_quo", "", None, a.get("status_quo"), b.get("status_quo")))
    out += _named("sources", a["sources"], b["sources"], show)
    out += _named("metrics", a["metrics"], b["metrics"], lambda m: f"{m['combine']}, {m['better']}")
    out += _named("options", a["options"], b["options"], lambda o: str(o["label"]))
    out += _entries("interactions", a["interactions"], b["interactions"], _interaction)
    out += _entries("rules", a["rules"], b["rules"], _rule_label)
    out += _actors(a["actors"], b["actors"])
    return tuple(out)


def show(value: Any) -> str:
    """A value as short text, close to how the file writes it.

    `0.3`, `[0.2, 0.4]`, `triangular(0, 0.15, 0.45)`, `triangular(0, 0.15, 0.45), best 0.15`
    (every digit kept: `0.1000001`), names
    joined by commas, and mappings (a limit, utility weights) as `escalation max 0.3;
    deterrence min 0.5`.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list):
        inner = ", ".join(show(v) for v in value)
        return inner if all(isinstance(v, str) for v in value) else f"[{inner}]"
    if _is_distribution(value):
        return str(parse_uncertain(value))  # as `evaluate` and `explain` write it
    return "; ".join(f"{key} {_inner(item)}" for key, item in value.items())


def _inner(value: Any) -> str:
    """A value inside a mapping: a nested mapping (a limit's bounds) on one line."""
    if isinstance(value, dict) and not _is_distribution(value):
        return " ".join(f"{key} {show(item)}" for key, item in value.items())
    return show(value)


_DISTRIBUTIONS = frozenset({"range", "triangular", "beta", "normal"})


def _is_distribution(value: dict[str, Any]) -> bool:
    """Whether a mapping is an uncertain value's form: one distribution, perhaps a `best`."""
    forms = [key for key in value if key in _DISTRIBUTIONS]
    return len(forms) == 1 and set(value) <= {forms[0], "best"}


def _changed(section: str, item: str, field: str | None, old: Any, new: Any) -> Change:
    """A changed field (old and new are None when the field is absent on that side)."""
    return Change(
        "changed",
        section,
        item,
        field,
        None if old is None else show(old),
        None if new is None else show(new),
    )


def _fields(section: str, item: str, old: Data, new: Data) -> Iterator[Change]:
    """A change for each field whose value differs (note and source last)."""
    keys = list(dict.fromkeys([*old, *new]))
    keys.sort(key=lambda k: k in _LAST)
    for key in keys:
        if old.get(key) != new.get(key):
            yield _changed(section, item, key, old.get(key), new.get(key))


def _named(section: str, old: Data, new: Data, describe: Callable[[Any], str]) -> Iterator[Change]:
    """Parts keyed by name: removed, changed field by field, then added."""
    for name, value in old.items():
        if name not in new:
            yield Change("removed", section, name, None, describe(value), None)
        elif isinstance(value, dict):
            yield from _fields(section, name, value, new[name])
        elif value != new[name]:
            yield _changed(section, name, None, value, new[name])
    for name, value in new.items():
        if name not in old:
            yield Change("added", section, name, None, None, describe(value))


def _actors(old: Data, new: Data) -> Iterator[Change]:
    """Actors by id; for an actor in both, its fields and then its constraints."""
    for actor_id, actor in old.items():
        if actor_id not in new:
            yield Change("removed", "actors", actor_id, None, actor["name"], None)
            continue
        other = new[actor_id]
        yield from _fields("actors", actor_id, _without(actor), _without(other))

        def label(entry: Data, index: int, owner: str = actor_id) -> str:
            return ConstraintRef(owner, index, "", entry.get("id")).label

        yield from _entries("constraints", actor["constraints"], other["constraints"], label)
    for actor_id, actor in new.items():
        if actor_id not in old:
            yield Change("added", "actors", actor_id, None, None, actor["name"])


def _without(actor: Data) -> Data:
    return {k: v for k, v in actor.items() if k != "constraints"}


Label = Callable[[Data, int], str]


def _entries(section: str, old: list[Data], new: list[Data], label: Label) -> Iterator[Change]:
    """List entries matched by id or content; unmatched ones of one kind paired in order."""
    pairs, removed, added = _match(old, new)
    for i, j in pairs:
        yield from _fields(section, label(new[j], j), old[i], new[j])
    for i in removed:
        yield Change("removed", section, label(old[i], i), None, entry_text(old[i]), None)
    for j in added:
        yield Change("added", section, label(new[j], j), None, None, entry_text(new[j]))


def _match(old: list[Data], new: list[Data]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(old, new) index pairs, then the old entries left over and the new ones."""
    by_key: dict[str, list[int]] = {}
    for j, entry in enumerate(new):
        by_key.setdefault(_key(entry), []).append(j)
    pairs, left = [], []
    for i, entry in enumerate(old):
        found = by_key.get(_key(entry))
        if found:
            pairs.append((i, found.pop(0)))
        else:
            left.append(i)
    right = sorted(j for js in by_key.values() for j in js)
    for i in list(left):
        shape = _shape(old[i])
        same = [j for j in right if shape is not None and _shape(new[j]) == shape]
        if same:
            pairs.append((i, same[0]))
            left.remove(i)
            right.remove(same[0])
    return sorted(pairs, key=lambda p: p[1]), left, right


def _key(entry: Data) -> str:
    """An entry's identity: its id, else what it says (notes and sources aside)."""
    if "id" in entry:
        return f"id:{entry['id']}"
    return "is:" + json.dumps({k: v for k, v in entry.items() if k not in _LAST}, sort_keys=True)


def _shape(entry: Data) -> str | None:
    """What an entry without an id may be paired on: its kind (and a limit's metrics)."""
    if "id" in entry:
        return None
    kind = _kind(entry)
    return f"limit:{sorted(entry['limit'])}" if kind == "limit" else kind


def _kind(entry: Data) -> str:
    kinds = (*CONSTRAINT_KINDS, *RULE_KINDS, "all_of")
    return next((k for k in kinds if k in entry), "entry")


def entry_text(entry: Data) -> str:
    """What a rule, constraint or interaction says: `veto: a, b`, `limit: escalation max 0.3`."""
    kind = _kind(entry)
    value = entry.get(kind, {})
    if kind == "limit":
        bounds = (
            " ".join([metric, *(f"{side} {show(v)}" for side, v in bound.items())])
            for metric, bound in value.items()
        )
        return "limit: " + "; ".join(bounds)
    if kind == "requires":
        return "; ".join(f"{a} requires {show(bs)}" for a, bs in value.items())
    if kind == "all_of":
        skip = ("all_of", "id", *_LAST)
        terms = ", ".join(f"{k} {show(v)}" for k, v in entry.items() if k not in skip)
        return f"with {show(value)}: {terms}"
    return f"{kind}: {show(value)}"


def _interaction(entry: Data, index: int) -> str:
    """`roe_makes_patrols_real`, or `a+b` for an interaction without an id."""
    return str(entry["id"]) if "id" in entry else "+".join(entry["all_of"])


def _rule_label(entry: Data, index: int) -> str:
    return ConstraintRef(None, index, "", entry.get("id")).label
