"""Every Python example in the README and docs/ runs as shown, from the repository's root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _examples() -> list[tuple[str, str]]:
    """(page and block number, code) for every ```python block of the pages."""
    found = []
    for page in PAGES:
        for number, code in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            found.append((f"{page.relative_to(REPO)}#{number}", code))
    return found


def test_the_readme_shows_python() -> None:
    assert any(name.startswith("README.md") for name, _ in _examples())


@pytest.mark.parametrize(("name", "code"), _examples(), ids=[name for name, _ in _examples()])
def test_python_example_runs(
    name: str, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(code, name, "exec"), {"__name__": "__doc_example__"})
    capsys.readouterr()
