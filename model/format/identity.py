"""A scenario's identity: a content hash that every engine and report quotes the same way."""

from __future__ import annotations

import hashlib
import json

from .schema import Scenario


def scenario_hash(scenario: Scenario) -> str:
    """A content hash of the validated scenario (independent of comments and layout)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
