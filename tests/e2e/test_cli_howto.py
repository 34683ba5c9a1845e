"""Every command in the how-to guides (docs/how-to/*.md) runs and gives the output shown.

The same rules as the reference docs (see test_cli_docs.py): ```sh lines starting with
`guarantees` are run in order from a copy of the scenarios, `# file: NAME` YAML blocks are
written first, and a ```text block right after a ```sh block is checked against its output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import REPO, Run
from test_cli_docs import run_doc, workdir

__all__ = ["workdir"]  # the fixture, shared

HOW_TO = sorted((REPO / "docs" / "how-to").glob("*.md"))


@pytest.mark.parametrize("doc", HOW_TO, ids=lambda p: p.name)
def test_examples_in_how_to_guides_run(run: Run, workdir: Path, doc: Path) -> None:
    assert run_doc(run, doc.read_text(encoding="utf-8")) >= 2


def test_there_are_how_to_guides() -> None:
    assert len(HOW_TO) >= 2
