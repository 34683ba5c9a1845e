"""The JSON documents the command line prints: versioned wrappers around the model's JSON.

`guarantees.evaluate/1` lists every file given, valid or not, each wrapping the model's
`guarantees.result/1` evaluation; `guarantees.explain/1` wraps one explanation. Keys come in
a fixed order and the text is indented by 2, so that output can be diffed and kept in git.
The encoder escapes C0 controls; `json_text` escapes the other control characters, so that
no string from a scenario can act on a terminal. An evaluation's lists of packages are written
out item by item (`write`), never held whole. See docs/reference/json.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from guarantees.cli.escape import json_text
from guarantees.model.errors import Issue
from guarantees.model.exact.results import Evaluation, Explanation
from guarantees.model.format.schema import Scenario

EVALUATE_SCHEMA = "guarantees.evaluate/1"
EXPLAIN_SCHEMA = "guarantees.explain/1"
#: Characters gathered before a piece of a streamed document is written.
PIECE = 1 << 20
_END = object()


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON text in the documents' own key order, ending with a newline."""
    return json_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def write(document: dict[str, Any], emit: Callable[[str], None]) -> None:
    """Write `dumps(document)` in pieces; iterators in it are written as arrays item by item,
    so that a document listing millions of packages is never held whole."""
    buffer: list[str] = []
    size = 0
    for piece in _pieces(document, ""):
        buffer.append(piece)
        size += len(piece)
        if size >= PIECE:
            emit(json_text("".join(buffer)))
            buffer, size = [], 0
    emit(json_text("".join(buffer)) + "\n")


def _pieces(value: Any, indent: str) -> Iterator[str]:
    """The text of `value` exactly as `json.dumps(value, indent=2)` writes it, in pieces."""
    inner = indent + "  "
    if not _streams(value):  # the encoder's own speed for what is held anyway
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
    return {"file": file, "ok": True, "result": result.json_stream(top=top)}


def failed_entry(file: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A file that could not be evaluated, with every error found."""
    return {"file": file, "ok": False, "errors": errors}


def write_evaluate_document(entries: list[dict[str, Any]], emit: Callable[[str], None]) -> None:
    """Write the `guarantees.evaluate/1` document for every file, in the order given."""
    write({"schema": EVALUATE_SCHEMA, "files": entries}, emit)


def explain_document(file: str, scenario: Scenario, result: Explanation) -> str:
    """The `guarantees.explain/1` document: the explanation and the sources it cites."""
    cited = [f.constraint.source for f in result.broken_rules]
    cited += [f.constraint.source for v in result.verdicts for f in v.failures]
    sources = {s: scenario.sources[s] for s in dict.fromkeys(cited) if s in scenario.sources}
    return dumps(
        {"schema": EXPLAIN_SCHEMA, "file": file, "result": result.to_json(), "sources": sources}
    )
