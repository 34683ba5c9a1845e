"""`guarantees schema`: the JSON Schema of the format, and the copy kept at docs/schema.json."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import REPO, Run

from guarantees.model.format.schema import Scenario

DOCS_COPY = REPO / "docs" / "schema.json"
REFRESH = "guarantees schema --output docs/schema.json --force"


def test_schema_is_the_model_schema_with_a_header(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert list(schema)[:4] == ["$schema", "$id", "title", "description"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    generated = Scenario.model_json_schema()
    assert schema["properties"] == generated["properties"]
    assert schema["$defs"] == generated["$defs"]
    assert {"format", "id", "title", "options", "actors"} <= set(schema["required"])


def test_docs_copy_is_current(run: Run) -> None:
    """docs/schema.json is refreshed on purpose only: run the command named in the message."""
    current = run("schema").stdout
    assert DOCS_COPY.read_text(encoding="utf-8") == current, f"stale copy: run `{REFRESH}`"


def test_schema_output_refuses_to_overwrite_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    assert run("schema", "--output", target).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$id"]
    target.write_text("{}", encoding="utf-8")
    refused = run("schema", "--output", target)
    assert refused.exit_code == 2
    assert "already exists; use --force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "{}"
    assert run("schema", "--output", target, "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == run("schema").stdout
