"""The JSON Schema of the scenario format, for completion and checks in an editor.

It is generated from the pydantic model (`Scenario.model_json_schema()`), so it cannot drift
from what the loader accepts; this module adds the draft, an id, a title and a description.
A copy is kept at docs/schema.json (refresh it with
`guarantees schema --output docs/schema.json --force`; a test checks that it is current).
"""

from __future__ import annotations

import json
from typing import Any

from guarantees.model.format.schema import FORMAT, Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:guarantees:format:guarantees/1"
TITLE = f"guarantees scenario (format {FORMAT})"
DESCRIPTION = (
    "A scenario for the guarantees modeller: the options on the table, the metrics they "
    "combine into, the rules every package keeps, and the actors who must agree, each with "
    "the constraints under which it accepts a package. See docs/format.md."
)


def format_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    generated = Scenario.model_json_schema()
    header = {"$schema": DRAFT, "$id": SCHEMA_ID, "title": TITLE, "description": DESCRIPTION}
    rest = {k: v for k, v in generated.items() if k not in header}
    return {**header, **rest}


def schema_text() -> str:
    """The schema as indented JSON text, ending with a newline."""
    return json.dumps(format_schema(), indent=2, ensure_ascii=False) + "\n"
