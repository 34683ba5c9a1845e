"""The seeds of the fuzzer: every valid scenario the repository ships, as plain data.

Shipped scenarios (scenarios/*.yaml), the format's full example (tests/data/format-example.yaml),
the format's runnable examples (docs/examples/*.yaml) and the exercises' solutions
(docs/exercises/*.yaml), read with the project's own YAML reader so that the data has the
types the loader sees. Generated scenarios (tests/strategies.py) are drawn on top of these.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guarantees.model.format.load import loads
from guarantees.model.format.yamlio import parse_document

REPO = Path(__file__).resolve().parents[2]
SEED_GLOBS = (
    "scenarios/*.yaml",
    "tests/data/format-example.yaml",
    "docs/examples/*.yaml",
    "docs/exercises/*.yaml",
)


@dataclass(frozen=True)
class Seed:
    """A valid scenario to mutate: where it came from, its text and its parsed data."""

    name: str
    text: str
    data: Any


@functools.cache
def seeds() -> tuple[Seed, ...]:
    """Every shipped valid scenario, in a fixed order (each checked to load)."""
    found: list[Seed] = []
    for pattern in SEED_GLOBS:
        for path in sorted(REPO.glob(pattern)):
            name = path.relative_to(REPO).as_posix()
            text = path.read_text(encoding="utf-8")
            loads(text, file=name)  # a seed must be valid: fail loudly if one is not
            found.append(Seed(name, text, parse_document(text, file=name).data))
    return tuple(found)
