"""The format reference shows only what the loader does: every example in it is checked.

- Every file in `docs/examples/` is a complete, valid scenario.
- In `docs/format.md`, every ```yaml block is one of three kinds, and checked as such:
  * a complete scenario (its first line that is not a comment is `format: guarantees/1`),
    which must load;
  * a mistake, marked by a `<!-- invalid -->` line right before it, which must fail with
    exactly the lines of the ```text block right after it (the file is called example.yaml);
  * an excerpt, marked by `<!-- from examples/NAME.yaml -->` right before it, which must be
    copied word for word from that file.
- Every relative link of the page points at a file that exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from guarantees.model import load, loads
from guarantees.model.errors import ScenarioError

DOCS = Path(__file__).resolve().parents[3] / "docs"
PAGE = DOCS / "format.md"
EXAMPLES = sorted((DOCS / "examples").glob("*.yaml"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
MARK = re.compile(r"<!-- (invalid|from (\S+)) -->\s*$")
LINK = re.compile(r"\]\(([^)#:]+)(#[^)]*)?\)")


@dataclass(frozen=True)
class Block:
    """A fenced block of the page: its language, text, first line, and the marker before it."""

    lang: str
    body: str
    line: int
    mark: str
    then: str | None  # the text of a ```text block right after it, if any


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with the marker line before each."""
    matches = list(FENCE.finditer(text))
    out = []
    for i, match in enumerate(matches):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = MARK.search(before)
        after = matches[i + 1] if i + 1 < len(matches) else None
        adjacent = after is not None and not text[match.end() : after.start()].strip()
        then = after[2] if after is not None and adjacent and after[1] == "text" else None
        line = text.count("\n", 0, match.start()) + 2
        out.append(Block(match[1], match[2], line, mark[1] if mark else "", then))
    return out


def is_scenario(body: str) -> bool:
    """Whether the first line that is not a comment says the format."""
    lines = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
    return bool(lines) and lines[0] == "format: guarantees/1"


YAML_BLOCKS = [b for b in blocks(PAGE.read_text(encoding="utf-8")) if b.lang == "yaml"]


def ids(items: list[Block]) -> list[str]:
    """Test ids: the line of each block in the page."""
    return [f"format.md:{b.line}" for b in items]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_file_is_valid(path: Path) -> None:
    """Each docs/examples file loads, and starts with the editor line."""
    scenario = load(path)
    assert scenario.options
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema.json"


def test_the_page_has_examples_of_each_kind() -> None:
    """Complete scenarios, mistakes and excerpts are all there, and the examples are many."""
    kinds = {b.mark.split(" ")[0] if b.mark else "scenario" for b in YAML_BLOCKS}
    assert kinds == {"scenario", "invalid", "from"}
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=ids(YAML_BLOCKS))
def test_every_yaml_block_is_checked(block: Block) -> None:
    """A yaml block is a complete scenario, a marked mistake or a marked excerpt."""
    if block.mark == "invalid":
        check_mistake(block)
    elif block.mark.startswith("from "):
        check_excerpt(block)
    else:
        assert is_scenario(block.body), "a yaml block must be a scenario, or be marked"
        loads(block.body, file="example.yaml")


def check_mistake(block: Block) -> None:
    """The block fails with exactly the messages shown after it."""
    assert is_scenario(block.body), "a mistake is shown in a whole scenario"
    assert block.then is not None, "a mistake is followed by a ```text block of its messages"
    with pytest.raises(ScenarioError) as caught:
        loads(block.body, file="example.yaml")
    assert [str(issue) for issue in caught.value.issues] == block.then.splitlines()


def check_excerpt(block: Block) -> None:
    """The block is copied word for word from the example file it names."""
    source = DOCS / block.mark.removeprefix("from ")
    assert source.is_file(), f"{source} does not exist"
    assert block.body in source.read_text(encoding="utf-8")


def test_relative_links_resolve() -> None:
    """Every relative link of the page points at a file or folder that exists."""
    text = PAGE.read_text(encoding="utf-8")
    targets = [m[1] for m in LINK.finditer(text) if not m[1].startswith("http")]
    assert targets
    missing = [t for t in targets if not (PAGE.parent / t).exists()]
    assert not missing


def test_every_example_file_is_linked() -> None:
    """The page links to every example file, so none is left unexplained."""
    text = PAGE.read_text(encoding="utf-8")
    assert [p.name for p in EXAMPLES if f"examples/{p.name}" not in text] == []
