"""Structural mutations of valid scenarios, drawn by hypothesis: the fuzzer's inputs.

A case starts from a valid scenario (a shipped file, see corpus.py, or one drawn by
tests/strategies.py), parses it into a plain tree, and applies a few mutations at nodes drawn
anywhere in the tree:

* delete, duplicate or swap mapping entries and list items; rename a key (to another name of
  the same scenario, a reserved word, a number: repeated and colliding names); copy a value
  from elsewhere (ties, repeated names);
* replace a value with one of another type or an extreme one: 0, -0.0, 1e-320, 1e9, 1e10,
  1e300, integers of hundreds of digits, NaN and infinity in every YAML spelling, strings with
  control characters, terminal escapes, lone surrogates, line separators, very long strings,
  empty lists and mappings;
* scale every number under a node (1e7, 1e9, 1e300, 1e-9, -1, ...), nest a value deeply
  (around the reader's depth limit), edit a string (a name swapped, a number made extreme, a
  control character inserted);

then dumps the tree back to YAML with ruamel and, now and then, mutates the text itself
(a `%YAML` directive, a byte order mark, CRLF, a duplicated or deleted line, truncation).
A `Raw` value is written exactly as spelt (`.NaN`, `1E300`, `0x1F`), which ruamel would not do.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from strategies import scenario_data, to_yaml_text

from fuzz.corpus import seeds
from fuzz.oracle import COMMANDS, FORMATS, Plan
from fuzz.tree import (
    NAME,
    Data,
    NodePath,
    Raw,
    dump,
    names_in,
    nested,
    node,
    node_paths,
    number_keys,
    numbers_in,
    numbers_under,
    renamed,
    scaled,
    scaled_under,
)

#: Most mutations applied to one case (hypothesis shrinks towards fewer).
MAX_MUTATIONS = 6


@dataclass(frozen=True)
class Case:
    """One fuzz input: the seed it came from, the seed's text, the mutated text, the steps."""

    seed: str
    seed_text: str
    text: str
    steps: tuple[str, ...]

    def __repr__(self) -> str:  # short: hypothesis prints it for every failing example
        return f"Case(seed={self.seed!r}, steps={self.steps!r}, text=<{len(self.text)} chars>)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))


# ---------------------------------------------------------------------- extreme values

NUMBERS: tuple[int | float, ...] = (
    0,
    -0.0,
    1e-320,
    5e-324,
    1e-9,
    5e-10,
    0.9999999999999999,
    1.0000000001,
    10_000_000,
    1e7,
    1e9,
    9.3e9,
    1e10,
    2e11,
    1e15,
    2**53 + 1,
    2**63,
    2**64,
    1e300,
    -1e300,
    1.7976931348623157e308,
    -1,
    -(10**20),
)
RAW_NUMBERS = (
    ".nan",
    ".NaN",
    ".NAN",
    ".inf",
    ".Inf",
    "+.INF",
    "-.inf",
    "-.Inf",
    "1E300",
    "1e400",
    "-1e400",
    "1e-400",
    "0x7fffffffffffffff",
    "0o777",
    "1_000",
    "1.",
    ".5",
    "+1",
    "-0",
    "0e0",
    "nan",
    "inf",
)
STRINGS = (
    "",
    " ",
    "\t",
    "\x00",
    "\x1b]0;retitled\x07",
    "\x1b[2J",
    "\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\",
    "two\nlines",
    "cr\r",
    "\ud800",
    "a\udfffb",
    "\u2028",
    "\x85",
    "\ufeff",
    "\u202eevil",
    "\x7f",
    "\x9b31m",
    "é",
    "日本",
    "a: b",
    "# not a comment",
    "- item",
)
RESERVED = ("and", "or", "not", "true", "false", "count", "null", "yes", "no", "on")
SCALE_FACTORS: tuple[int | float, ...] = (10, 1000, 10**6, 10**7, 10**9, 10**10, 1e300, -1, 1e-9)
NEST_DEPTHS = (1, 2, 5, 50, 98, 101, 150)
#: Sizes a mapping or list is grown to: up to the options the oracle still evaluates.
GROW_SIZES = (8, 12, 16, 20)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def huge_int(digits: int, sign: str) -> Raw:
    """An integer of `digits` nines, with the sign given (as text: past Python's int limit)."""
    return Raw(sign + "9" * digits)


def values(names: tuple[str, ...]) -> st.SearchStrategy[Data]:
    """A replacement value: extreme numbers, odd strings, names, other types, empty ones."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(RAW_NUMBERS).map(Raw),
        st.builds(huge_int, st.sampled_from([19, 20, 100, 400, 5000]), st.sampled_from(["", "-"])),
        st.sampled_from(STRINGS),
        st.sampled_from(names + RESERVED),
        st.builds(lambda n, k: n * k, st.sampled_from(names or ("x",)), st.integers(50, 5000)),
        st.sampled_from([True, False, None, [], {}, [[]], [{}], {"min": 0}, {"max": 1e300}]),
        st.lists(st.sampled_from(names + ("",)), max_size=4),
    )


# -------------------------------------------------------------------------- the tree


# ---------------------------------------------------------------------- mutations


def _replace_at(tree: Data, path: NodePath, value: Data) -> None:
    node(tree, path[:-1])[path[-1]] = value


def _delete(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    del node(tree, path[:-1])[path[-1]]


def _replace(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    _replace_at(tree, path, draw(values(names)))


def _duplicate(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    parent, key = node(tree, path[:-1]), path[-1]
    twin = copy.deepcopy(parent[key])
    if isinstance(parent, list):
        parent.insert(key + draw(st.integers(0, 1)), twin)
        return
    new = draw(st.sampled_from([f"{key}_2", str(key).upper(), *names]))
    _replace_at_root_or(tree, path[:-1], {**parent, new: twin})


def _other_path(draw: st.DrawFn, tree: Data, path: NodePath) -> NodePath | None:
    """Another node that is neither an ancestor nor a descendant of path, if any."""
    others = [
        p for p in node_paths(tree) if p[: len(path)] != path and path[: len(p)] != p and p != path
    ]
    return draw(st.sampled_from(others)) if others else None


def _swap(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    other = _other_path(draw, tree, path)
    if other is not None:
        mine, theirs = node(tree, path), node(tree, other)
        _replace_at(tree, path, theirs)
        _replace_at(tree, other, mine)


def _copy(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    other = _other_path(draw, tree, path)
    if other is not None:
        _replace_at(tree, path, copy.deepcopy(node(tree, other)))


def _rename(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    parent, key = node(tree, path[:-1]), path[-1]
    if isinstance(parent, dict):
        new = draw(st.one_of(st.sampled_from(names + RESERVED), values(names).filter(_hashable)))
        _replace_at_root_or(tree, path[:-1], renamed(parent, key, new))
    else:  # a list item: move it to another place in the list
        parent.insert(draw(st.integers(0, len(parent))), parent.pop(key))


def _hashable(value: Data) -> bool:
    return not isinstance(value, list | dict)


def _replace_at_root_or(tree: Data, path: NodePath, value: Data) -> None:
    if path:
        _replace_at(tree, path, value)
    else:
        tree.clear()
        tree.update(value)


def _scale(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    target = draw(st.sampled_from([path, path[:-1], path[:-2], ()]))
    factor = draw(st.sampled_from(SCALE_FACTORS))
    _replace_at_root_or(tree, target, scaled(node(tree, target), factor))


def _nest(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    _replace_at(tree, path, nested(node(tree, path), draw(st.sampled_from(NEST_DEPTHS))))


def _grow(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> str:
    """Repeat a mapping's entries (under fresh keys) or a list's items up to a size: many
    options, actors or constraints, for the bounds on time, memory and output."""
    value, size = node(tree, path), draw(st.sampled_from(GROW_SIZES))
    if isinstance(value, list) and value:
        grown: Data = [copy.deepcopy(value[i % len(value)]) for i in range(size)]
    elif isinstance(value, dict) and value:
        keys = list(value)
        grown = dict(value)
        for i in range(len(keys), size):
            grown[f"{keys[i % len(keys)]}_{i}"] = copy.deepcopy(value[keys[i % len(keys)]])
    else:
        return f"grow at {'/'.join(map(str, path))}: nothing to repeat"
    _replace_at(tree, path, grown)
    return f"grow at {'/'.join(map(str, path))} to {size}"


def _edit_string(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    text = node(tree, path)
    if not isinstance(text, str) or not text:
        _replace(draw, tree, path, names)
        return
    at = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["insert", "name", "number", "double"]))
    if how == "insert":
        text = text[:at] + draw(st.sampled_from(STRINGS)) + text[at:]
    elif how == "name":
        new = draw(st.sampled_from(names + RESERVED))
        text = NAME.sub(lambda m: new if m.start() >= at else m.group(0), text, count=1)
    elif how == "number":
        big = draw(st.sampled_from(["1e300", "1e400", "0.000000001", "9" * 400, "10000000"]))
        text = _NUMBER.sub(big, text, count=1) if _NUMBER.search(text) else f"{text} {big}"
    else:
        text = f"{text}, {text}" if draw(st.booleans()) else text * 2
    _replace_at(tree, path, text)


def _tweak(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> None:
    """A change that keeps the node's type, so the case often stays valid and goes deep:
    a number made extreme, nudged or tied with another; a name swapped for another; a list
    item repeated, moved or dropped; a mapping entry repeated under a fresh name."""
    value = node(tree, path)
    if isinstance(value, bool) or value is None:
        _replace_at(tree, path, not value)
    elif isinstance(value, int | float):
        ties = numbers_in(tree)
        nudged = [value * (1 + 1e-12), value + 1e-9, value - 1e-10, -value, value * 10**9]
        _replace_at(tree, path, draw(st.sampled_from([*NUMBERS, *ties, *nudged])))
    elif isinstance(value, str):
        if NAME.fullmatch(value) and names and draw(st.booleans()):
            _replace_at(tree, path, draw(st.sampled_from(names)))
        else:
            _edit_string(draw, tree, path, names)
    elif isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        how = draw(st.sampled_from(["repeat", "move", "drop"]))
        if how == "repeat":
            value.insert(index, copy.deepcopy(value[index]))
        elif how == "move":
            value.insert(draw(st.integers(0, len(value))), value.pop(index))
        else:
            del value[index]
    elif isinstance(value, dict) and value:
        key = draw(st.sampled_from(list(value)))
        value[f"{key}_2" if isinstance(key, str) else f"k{len(value)}"] = copy.deepcopy(value[key])


def _scale_key(draw: st.DrawFn, tree: Data, path: NodePath, names: tuple[str, ...]) -> str:
    """Scale every value filed under one key, wherever it is: a metric's values and its
    limits move together, so that ties and orders survive at another magnitude."""
    keys = sorted(number_keys(tree), key=repr)
    if not keys:
        return "scale_key: no numbers"
    key = draw(st.sampled_from(keys))
    if all(0 <= n <= 1 for n in numbers_under(tree, key)):  # probabilities, likely
        factor: int | float = draw(st.sampled_from((1e-9, 1e-300, 0.5, 1 - 1e-12)))
    else:
        factor = draw(st.sampled_from((10**6, 10**7, 10**9, 10**10, 10**15, 1e300, 1e-9, -1)))
    _replace_at_root_or(tree, (), scaled_under(tree, key, factor))
    return f"scale_key {key!r} by {factor!r}"


#: A mutation changes the tree in place; it may return its own description.
Mutation = Callable[[st.DrawFn, Data, NodePath, tuple[str, ...]], str | None]

MUTATIONS: dict[str, Mutation] = {
    "delete": _delete,
    "replace": _replace,
    "duplicate": _duplicate,
    "swap": _swap,
    "copy": _copy,
    "rename": _rename,
    "scale": _scale,
    "nest": _nest,
    "grow": _grow,
    "edit_string": _edit_string,
}
MUTATIONS_ALL: dict[str, Mutation] = {**MUTATIONS, "tweak": _tweak, "scale_key": _scale_key}


#: How many mutations a case gets: mostly one or two, so that many cases stay valid.
COUNTS = (1, 1, 1, 1, 2, 2, 2, 3, 4, MAX_MUTATIONS)
#: Mostly type-keeping tweaks and magnitude changes, which reach evaluate; the rest are wild.
KINDS = ("tweak",) * 18 + ("scale_key",) * 5 + tuple(MUTATIONS)


@st.composite
def mutated(draw: st.DrawFn, tree: Data) -> tuple[Data, tuple[str, ...]]:
    """A deep copy of a tree with 1 to MAX_MUTATIONS mutations, and their descriptions."""
    tree = copy.deepcopy(tree)
    names = names_in(tree)
    steps: list[str] = []
    for _ in range(draw(st.sampled_from(COUNTS))):
        paths = node_paths(tree)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(KINDS))
        said = MUTATIONS_ALL[kind](draw, tree, path, names)
        steps.append(said or f"{kind} at {'/'.join(map(str, path))}")
    return tree, tuple(steps)


# ---------------------------------------------------------------------------- text


TEXT_PREFIXES = (
    "%YAML 1.1\n---\n",
    "%YAML 1.2\n---\n",
    "%YAML 1.3\n---\n",
    "%YAML 1.0\n---\n",
    "%TAG !e! tag:example.com,2000:\n---\n",
    "\ufeff",
    "---\n",
)


@st.composite
def text_mutated(draw: st.DrawFn, text: str) -> tuple[str, str | None]:
    """The text, sometimes mutated as text (directive, BOM, CRLF, lines, truncation)."""
    how = draw(st.sampled_from(["none"] * 24 + ["prefix", "crlf", "dup", "drop", "cut", "tail"]))
    lines = text.splitlines(keepends=True)
    line = draw(st.integers(0, max(len(lines) - 1, 0)))
    if how == "prefix":
        text = draw(st.sampled_from(TEXT_PREFIXES)) + text
    elif how == "crlf":
        text = text.replace("\n", "\r\n")
    elif how == "dup" and lines:
        text = "".join(lines[: line + 1] + lines[line:])
    elif how == "drop" and lines:
        text = "".join(lines[:line] + lines[line + 1 :])
    elif how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "tail":
        text += draw(st.sampled_from(["---\nid: second\n", "...\n", "\t\n", "key: [unclosed\n"]))
    return text, None if how == "none" else f"text: {how} (line {line + 1})"


@st.composite
def cases(draw: st.DrawFn, *, generated: bool = True) -> Case:
    """A mutated scenario text, from a shipped seed or (if `generated`) a drawn scenario."""
    pool = st.sampled_from(seeds()).map(lambda s: (s.name, s.text, s.data))
    if generated:
        pool = st.one_of(
            pool,
            scenario_data().map(lambda d: ("strategies.scenario_data", to_yaml_text(d), d)),
        )
    name, seed_text, data = draw(pool)
    tree, steps = draw(mutated(data))
    text, text_step = draw(text_mutated(dump(tree)))
    return Case(name, seed_text, text, steps + ((text_step,) if text_step else ()))


def plans() -> st.SearchStrategy[Plan]:
    """Packages to explain (one to three) and one or two command-line runs."""
    return st.builds(
        Plan,
        picks=st.lists(st.integers(0, 2**26 - 1), min_size=1, max_size=3).map(tuple),
        commands=st.lists(
            st.tuples(st.sampled_from(COMMANDS), st.sampled_from(FORMATS)), min_size=1, max_size=2
        ).map(tuple),
    )
