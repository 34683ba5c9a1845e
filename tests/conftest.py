"""Options shared by every test: `--update-golden` refreshes golden outputs, never silently."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*.json from the current results instead of comparing",
    )
