"""The JSON documents the command line prints: versioned wrappers around the model's JSON.

`guarantees.evaluate/1` lists every file given, valid or not, each wrapping the model's
`guarantees.result/1` evaluation; `guarantees.explain/1` wraps one explanation. Keys come in
a fixed order and the text is indented by 2, so that output can be diffed and kept in git.
The encoder escapes C0 controls; `json_text` escapes the other control characters, so that
no string from a scenario can act on a terminal. An evaluation's lists of packages are written
out item by item (`write`), never held whole, and straight from their arrays a batch at a time
(`PackageItems`), in the text the encoder would give. See docs/reference/json.md.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantees.cli.escape import json_text
from guarantees.model.errors import Issue
from guarantees.model.exact.results import (
    Evaluation,
    Explanation,
    Frontier,
    Package,
    PackageList,
)
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.results import PackageRobustness

EVALUATE_SCHEMA = "guarantees.evaluate/1"
EXPLAIN_SCHEMA = "guarantees.explain/1"
#: Characters gathered before a piece of a streamed document is written.
PIECE = 1 << 20
#: Packages turned into text at once from their arrays.
BATCH = 4096
_END = object()


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON text in the documents' own key order, ending with a newline."""
    return json_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def write(document: dict[str, Any], emit: Callable[[str], None]) -> None:
    """Write `dumps(document)` in pieces; iterators in it are written as arrays item by item,
    so that a document listing millions of packages is never held whole."""
    done: list[str] = []  # escaped
    raw: list[str] = []  # to escape (escaping is per character: pieces may be split anywhere)
    size = 0
    for piece in _pieces(document, ""):
        if isinstance(piece, Escaped):
            done.append(json_text("".join(raw)))
            done.append(piece)
            raw = []
        else:
            raw.append(piece)
        size += len(piece)
        if size >= PIECE:
            emit("".join(done) + json_text("".join(raw)))
            done, raw, size = [], [], 0
    emit("".join(done) + json_text("".join(raw)) + "\n")


class PackageItems(Iterator[dict[str, Any]]):
    """A list of packages to write, held as its arrays: iterated, the packages' JSON forms
    (as `Package.to_json`, with "acceptable" when flags are given); written, their text
    made a batch at a time from the arrays (`text`)."""

    def __init__(self, packages: PackageList, acceptable: NDArray[np.bool_] | None = None) -> None:
        self.packages, self.acceptable = packages, acceptable
        self._items = (self._json(p, i) for i, p in enumerate(packages))

    def __next__(self) -> dict[str, Any]:
        return next(self._items)

    def _json(self, package: Package, i: int) -> dict[str, Any]:
        """Package i's JSON form, flagged acceptable or not when flags are given."""
        found = package.to_json()
        if self.acceptable is not None:
            found["acceptable"] = bool(self.acceptable[i])
        return found

    def text(self, indent: str) -> Iterator[str]:
        """The array's text at `indent`, as `_pieces` writes a list of the JSON forms (and
        escaped already, as `json_text` would)."""
        if len(self.packages) == 0:
            yield "[]"
            return
        inner = indent + "  "
        flagged = self.acceptable is not None
        form = _item_form(self.packages.options, self.packages.metric_names, inner, flagged)
        for start in range(0, len(self.packages), BATCH):
            items = self._batch(start, form)
            yield Escaped(
                ("[" if start == 0 else ",") + "\n" + inner + ("," + "\n" + inner).join(items)
            )
        yield "\n" + indent + "]"

    def _batch(self, start: int, form: _ItemForm) -> list[str]:
        """The text of packages start to start + BATCH."""
        chunk = self.packages[start : start + BATCH]
        if not np.isfinite(chunk.metric_values).all():  # the encoder's refusal, as it words it
            return [
                json_text(_item_text(self._json(chunk[j], start + j), form.indent))
                for j in range(len(chunk))
            ]
        width = len(form.tables)
        held = chunk.masks.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :width].tolist()
        values = chunk.metric_values.tolist()
        if self.acceptable is None:
            return [form.item(bytes_, row) for bytes_, row in zip(held, values, strict=True)]
        flags = ["true" if f else "false" for f in self.acceptable[start : start + BATCH].tolist()]
        return [
            form.item(bytes_, row, flag)
            for bytes_, row, flag in zip(held, values, flags, strict=True)
        ]


class Escaped(str):
    """Text that `write` emits as it is (escaped already by `json_text`)."""

    __slots__ = ()


@functools.lru_cache(maxsize=16)
def _item_form(
    options: tuple[str, ...], metrics: tuple[str, ...], indent: str, flagged: bool
) -> _ItemForm:
    """The form for packages of these options and metrics at an indent (made once)."""
    return _ItemForm(options, metrics, indent, flagged=flagged)


class _ItemForm:
    """The text of one package at an indent, as `json.dumps(indent=2)` writes its JSON form:
    its options by one lookup per byte of its mask, its metrics by one `%` format (`%r` of a
    float is the encoder's `repr`)."""

    def __init__(
        self, options: tuple[str, ...], metrics: tuple[str, ...], indent: str, *, flagged: bool
    ) -> None:
        self.indent = indent
        one, two = indent + "  ", indent + "    "
        names = [f",\n{two}{json_text(_scalar(o))}" for o in options]
        self.tables = [
            ["".join(names[8 * k + b] for b in range(8) if v >> b & 1 and 8 * k + b < len(names))
             for v in range(256)]
            for k in range(-(-len(names) // 8))
        ]  # fmt: skip
        self.close = f"\n{one}]"
        keys = [json_text(_scalar(m)).replace("%", "%%") for m in metrics]
        listed = "{" + ",".join(f"\n{two}{k}: %r" for k in keys) + f"\n{one}}}" if keys else "{}"
        flag = f',\n{one}"acceptable": %s' if flagged else ""
        self.form = f'{{\n{one}"options": %s,\n{one}"metrics": {listed}{flag}\n{indent}}}'

    def item(self, bytes_: list[int], values: list[float], *flag: str) -> str:
        """The text of a package from its mask's bytes, metric values (and acceptable flag)."""
        chosen = "".join(table[b] for table, b in zip(self.tables, bytes_, strict=True))
        listed = "[" + chosen[1:] + self.close if chosen else "[]"
        return self.form % (listed, *values, *flag)


def _item_text(item: dict[str, Any], indent: str) -> str:
    """One item's text at `indent`, by the encoder (which refuses NaN and infinities)."""
    return json.dumps(item, indent=2, ensure_ascii=False, allow_nan=False).replace(
        "\n", "\n" + indent
    )


def evaluation_stream(result: Evaluation, *, top: int | None) -> dict[str, Any]:
    """`result.json_stream(top=top)` with its lists of packages written from their arrays."""
    stream = result.json_stream(top=top)
    for key in ("acceptable", "minimal"):
        packages = getattr(result, key)
        if isinstance(packages, PackageList):
            stream[key] = PackageItems(packages[:top])
    if isinstance(result.frontier, Frontier):
        stream["frontier"] = (_point(point, top) for point in result.frontier[:top])
    return stream


def _point(point: Any, top: int | None) -> dict[str, Any]:
    """A frontier point's JSON form, its packages written from their arrays."""
    stream: dict[str, Any] = point.json_stream(top=top)
    if isinstance(point.packages, PackageList):
        stream["packages"] = PackageItems(point.packages[:top], point.acceptable[:top])
    return stream


def _pieces(value: Any, indent: str) -> Iterator[str]:
    """The text of `value` exactly as `json.dumps(value, indent=2)` writes it, in pieces."""
    inner = indent + "  "
    if isinstance(value, PackageItems):
        yield from value.text(indent)
    elif not _streams(value):  # the encoder's own speed for what is held anyway
        yield json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace(
            "\n", "\n" + indent
        )
    elif isinstance(value, dict):
        if not value:
            yield "{}"
            return
        for n, (key, item) in enumerate(value.items()):
            yield ("{" if n == 0 else ",") + "\n" + inner + _scalar(key) + ": "
            yield from _pieces(item, inner)
        yield "\n" + indent + "}"
    else:
        items = iter(value)
        item = next(items, _END)
        if item is _END:
            yield "[]"
            return
        opening = "["
        while item is not _END:
            yield opening + "\n" + inner
            yield from _pieces(item, inner)
            opening, item = ",", next(items, _END)
        yield "\n" + indent + "]"


def _streams(value: Any) -> bool:
    """Whether an iterator is found anywhere in `value`."""
    if isinstance(value, Iterator):
        return True
    if isinstance(value, dict):
        return any(_streams(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_streams(item) for item in value)
    return False


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def issue_json(issue: Issue) -> dict[str, Any]:
    """A located problem in a file."""
    return {"file": issue.file, "line": issue.line, "col": issue.col, "message": issue.message}


def error_json(file: str, message: str) -> dict[str, Any]:
    """A problem with no position in the file (a scenario too large to enumerate)."""
    return {"file": file, "line": None, "col": None, "message": message}


def ok_entry(file: str, result: Evaluation, *, top: int | None) -> dict[str, Any]:
    """A file that was evaluated."""
    return {"file": file, "ok": True, "result": evaluation_stream(result, top=top)}


def failed_entry(file: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A file that could not be evaluated, with every error found."""
    return {"file": file, "ok": False, "errors": errors}


def write_evaluate_document(entries: list[dict[str, Any]], emit: Callable[[str], None]) -> None:
    """Write the `guarantees.evaluate/1` document for every file, in the order given."""
    write({"schema": EVALUATE_SCHEMA, "files": entries}, emit)


def explain_document(
    file: str,
    scenario: Scenario,
    result: Explanation,
    chance: PackageRobustness | None = None,
) -> str:
    """The `guarantees.explain/1` document: the explanation, the sources it cites, and the
    package across the draws of the uncertain values (`null` when not sampled)."""
    cited = [f.constraint.source for f in result.broken_rules]
    cited += [f.constraint.source for v in result.verdicts for f in v.failures]
    sources = {s: scenario.sources[s] for s in dict.fromkeys(cited) if s in scenario.sources}
    return dumps(
        {
            "schema": EXPLAIN_SCHEMA,
            "file": file,
            "result": result.to_json(),
            "sources": sources,
            "robustness": None if chance is None else chance.to_json(),
        }
    )
