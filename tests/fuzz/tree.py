"""The YAML tree the fuzzer mutates: plain data (mappings, lists, scalars), paths into it,
and its text (dumped with ruamel; a `Raw` value is written exactly as spelt)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

Data = Any
NodePath = tuple[Any, ...]
NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Raw:
    """A scalar written into the YAML text exactly as `text` (a spelling ruamel won't choose)."""

    text: str


def node_paths(tree: Data, prefix: NodePath = ()) -> list[NodePath]:
    """The path of every node below the root (mapping keys and list indices)."""
    found: list[NodePath] = []
    items: list[tuple[Any, Data]] = []
    if isinstance(tree, dict):
        items = list(tree.items())
    elif isinstance(tree, list):
        items = list(enumerate(tree))
    for key, value in items:
        found.append((*prefix, key))
        found += node_paths(value, (*prefix, key))
    return found


def node(tree: Data, path: NodePath) -> Data:
    """The node at path."""
    for key in path:
        tree = tree[key]
    return tree


def names_in(tree: Data) -> tuple[str, ...]:
    """Every name-like key and string of a tree, sorted (the pool for renaming)."""
    found: set[str] = set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(key, str) and NAME.fullmatch(key):
                found.add(key)
            found.update(names_in(value))
    elif isinstance(tree, list):
        for item in tree:
            found.update(names_in(item))
    elif isinstance(tree, str) and NAME.fullmatch(tree):
        found.add(tree)
    return tuple(sorted(found))


def renamed(mapping: dict[Any, Data], old: Any, new: Any) -> dict[Any, Data]:
    """The mapping with key old renamed to new in place (an existing key new is replaced)."""
    out: dict[Any, Data] = {}
    for key, value in mapping.items():
        if key == old:
            out[new] = value
        elif key != new:
            out[key] = value
    return out


def scaled(tree: Data, factor: int | float) -> Data:
    """Every number (not boolean) under the tree multiplied by factor."""
    if isinstance(tree, bool):
        return tree
    if isinstance(tree, int | float):
        return tree * factor
    if isinstance(tree, dict):
        return {k: scaled(v, factor) for k, v in tree.items()}
    if isinstance(tree, list):
        return [scaled(v, factor) for v in tree]
    return tree


def nested(value: Data, depth: int) -> Data:
    """The value wrapped in `depth` alternating lists and one-key mappings."""
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def numbers_in(tree: Data) -> list[int | float]:
    """Every number (not boolean) in a tree."""
    if isinstance(tree, dict):
        return [n for v in tree.values() for n in numbers_in(v)]
    if isinstance(tree, list):
        return [n for v in tree for n in numbers_in(v)]
    return [tree] if isinstance(tree, int | float) and not isinstance(tree, bool) else []


def number_keys(tree: Data) -> set[Any]:
    """Every mapping key under which a number, or a small collection of numbers, is filed."""
    found: set[Any] = set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            if numbers_in(value) and len(node_paths(value)) <= 4:
                found.add(key)
            found |= number_keys(value)
    elif isinstance(tree, list):
        found = set().union(*(number_keys(v) for v in tree))
    return found


def scaled_under(tree: Data, key: Any, factor: int | float) -> Data:
    """The tree with every value filed under `key` (anywhere) scaled by factor."""
    if isinstance(tree, dict):
        return {
            k: scaled(v, factor) if k == key else scaled_under(v, key, factor)
            for k, v in tree.items()
        }
    if isinstance(tree, list):
        return [scaled_under(v, key, factor) for v in tree]
    return tree


def numbers_under(tree: Data, key: Any) -> list[int | float]:
    """Every number filed under `key`, anywhere in the tree."""
    if isinstance(tree, dict):
        return [
            n
            for k, v in tree.items()
            for n in (numbers_in(v) if k == key else numbers_under(v, key))
        ]
    if isinstance(tree, list):
        return [n for v in tree for n in numbers_under(v, key)]
    return []


def dump(tree: Data) -> str:
    """YAML text of a tree (leaf collections in flow style); Raw values written as spelt."""
    raws: dict[str, str] = {}

    def swap_raw(value: Data) -> Data:
        if isinstance(value, Raw):
            placeholder = f"zzraw{len(raws)}zz"
            raws[placeholder] = value.text
            return placeholder
        if isinstance(value, dict):
            return {swap_raw(k): swap_raw(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap_raw(v) for v in value]
        return value

    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = None
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(swap_raw(tree), buffer)
    text = buffer.getvalue()
    for placeholder, spelling in raws.items():
        text = text.replace(placeholder, spelling)
    return text
