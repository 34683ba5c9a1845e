"""Shrink a failing scenario file to a small one that fails the same way.

Greedy reduction, as delta debugging does it one piece at a time: first on the YAML tree
(drop mapping entries and list items, biggest first, then replace what is left by simpler
values), keeping a change whenever the smaller file still fails with the same kind; then on
lines of the text (for failures that live in the text itself, such as a directive). A time
budget bounds the work; the result is never larger than the input.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from fuzz.tree import Data, NodePath, dump, node, node_paths

#: A predicate on a candidate text: does it still fail the same way?
Fails = Callable[[str], bool]


class Budget:
    """A deadline for the reduction (time.monotonic based)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    @property
    def spent(self) -> bool:
        return time.monotonic() >= self.end


def _without(tree: Data, path: NodePath) -> Data:
    """A copy of the tree with the node at path removed."""
    out = copy.deepcopy(tree)
    del node(out, path[:-1])[path[-1]]
    return out


def _simpler(value: Data) -> list[Data]:
    """Simpler stand-ins for a value, simplest first."""
    if isinstance(value, dict) and len(value) > 1:
        return [{k: v} for k, v in value.items()]
    if isinstance(value, list) and len(value) > 1:
        return [[v] for v in value]
    if isinstance(value, str) and len(value) > 8:
        return [value[: len(value) // 2], value[-8:]]
    return []


def _replaced(tree: Data, path: NodePath, value: Data) -> Data:
    out = copy.deepcopy(tree)
    node(out, path[:-1])[path[-1]] = value
    return out


def _order(paths: list[NodePath]) -> list[NodePath]:
    """Outermost first; within a depth, last first (so a removal shifts no path yet to try)."""
    order = sorted(range(len(paths)), key=lambda i: (len(paths[i]), -i))
    return [paths[i] for i in order]


def _candidates(tree: Data, path: NodePath) -> list[Data]:
    """The tree without the node at path, then with simpler stand-ins for it."""
    try:
        value = node(tree, path)
        return [_without(tree, path)] + [_replaced(tree, path, v) for v in _simpler(value)]
    except (KeyError, IndexError, TypeError):  # gone or moved with an earlier change
        return []


def reduce_tree(tree: Data, fails: Fails, budget: Budget) -> Data:
    """Drop and simplify nodes while the dumped text still fails, until nothing more goes."""
    progress = True
    while progress and not budget.spent:
        progress = False
        for path in _order(node_paths(tree)):
            if budget.spent:
                break
            for candidate in _candidates(tree, path):
                if fails(dump(candidate)):
                    tree, progress = candidate, True
                    break
    return tree


def reduce_lines(text: str, fails: Fails, budget: Budget) -> str:
    """Drop lines, last first, while the text still fails."""
    lines = text.splitlines(keepends=True)
    index = len(lines) - 1
    while index >= 0 and not budget.spent:
        candidate = lines[:index] + lines[index + 1 :]
        if fails("".join(candidate)):
            lines = candidate
        index -= 1
    return "".join(lines)


def reduce_text(text: str, tree: Data | None, fails: Fails, *, seconds: float = 60) -> str:
    """The smallest failing text found within `seconds`: tree first (when the text is the
    tree's dump, or fails as one), then lines."""
    budget = Budget(seconds)
    best = text
    if tree is not None and fails(dump(tree)):
        reduced = dump(reduce_tree(tree, fails, budget))
        if len(reduced) < len(best):
            best = reduced
    return reduce_lines(best, fails, budget)
