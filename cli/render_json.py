"""The JSON documents the command line prints: versioned wrappers around the model's JSON.

`guarantees.evaluate/1` lists every file given, valid or not, each wrapping the model's
`guarantees.result/1` evaluation; `guarantees.explain/1` wraps one explanation. Keys come in
a fixed order and the text is indented by 2, so that output can be diffed and kept in git.
The encoder escapes C0 controls; `json_text` escapes the other control characters, so that
no string from a scenario can act on a terminal. See docs/reference/json.md.
"""

from __future__ import annotations

import json
from typing import Any

from guarantees.cli.escape import json_text
from guarantees.model.errors import Issue
from guarantees.model.results import Evaluation, Explanation
from guarantees.model.schema import Scenario

EVALUATE_SCHEMA = "guarantees.evaluate/1"
EXPLAIN_SCHEMA = "guarantees.explain/1"


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON text in the documents' own key order, ending with a newline."""
    return json_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def issue_json(issue: Issue) -> dict[str, Any]:
    """A located problem in a file."""
    return {"file": issue.file, "line": issue.line, "col": issue.col, "message": issue.message}


def error_json(file: str, message: str) -> dict[str, Any]:
    """A problem with no position in the file (a scenario too large to enumerate)."""
    return {"file": file, "line": None, "col": None, "message": message}


def ok_entry(file: str, result: Evaluation, *, top: int | None) -> dict[str, Any]:
    """A file that was evaluated."""
    return {"file": file, "ok": True, "result": result.to_json(top=top)}


def failed_entry(file: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A file that could not be evaluated, with every error found."""
    return {"file": file, "ok": False, "errors": errors}


def evaluate_document(entries: list[dict[str, Any]]) -> str:
    """The `guarantees.evaluate/1` document for every file, in the order given."""
    return dumps({"schema": EVALUATE_SCHEMA, "files": entries})


def explain_document(file: str, scenario: Scenario, result: Explanation) -> str:
    """The `guarantees.explain/1` document: the explanation and the sources it cites."""
    cited = [f.constraint.source for f in result.broken_rules]
    cited += [f.constraint.source for v in result.verdicts for f in v.failures]
    sources = {s: scenario.sources[s] for s in dict.fromkeys(cited) if s in scenario.sources}
    return dumps(
        {"schema": EXPLAIN_SCHEMA, "file": file, "result": result.to_json(), "sources": sources}
    )
