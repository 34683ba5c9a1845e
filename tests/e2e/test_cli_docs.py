"""Every command shown in the command-line docs runs, and gives the output shown.

In docs/reference/*.md (and the README), each line of a ```sh block that starts with
`guarantees` is run in order, from the root of a copy of the repository's scenarios. A
trailing `# exit N` comment gives the expected exit status (else 0). A ```text block right
after a ```sh block shows output of its last command: each of its lines must appear in that
output, in order (`...` stands for lines left out). A ```yaml block whose first line is
`# file: NAME` is written to NAME first. The JSON reference must name every key the JSON
output has.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import EXAMPLE, REPO, SCENARIOS, Run

DOCS = [REPO / "docs" / "reference" / "cli.md", REPO / "docs" / "reference" / "json.md"]
README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A fenced block, and whether it follows the previous block with no text between."""

    lang: str
    body: str
    adjacent: bool


def blocks(text: str) -> Iterator[Block]:
    """The fenced blocks of a Markdown text, in order."""
    end = 0
    for match in FENCE.finditer(text):
        yield Block(match[1], match[2], adjacent=not text[end : match.start()].strip())
        end = match.end()


def commands(body: str) -> Iterator[tuple[list[str], int]]:
    """(arguments after `guarantees`, expected exit status) for each command line."""
    for line in body.splitlines():
        if line.startswith("guarantees"):
            status = re.search(r"#\s*exit (\d+)\s*$", line)
            yield shlex.split(line, comments=True)[1:], int(status[1]) if status else 0


def contains_in_order(output: str, shown: str) -> bool:
    """Whether every line shown (except `...`) is a line of output, in the same order."""
    lines = iter(line.rstrip() for line in output.splitlines())
    wanted = [line.rstrip() for line in shown.splitlines() if line.strip() != "..."]
    return all(any(w == line for line in lines) for w in wanted)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder holding a copy of scenarios/ and a docs/ folder, as the repository root."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_doc(run: Run, text: str) -> int:
    """Run a document's examples; the number of commands run."""
    count, output = 0, None
    for block in blocks(text):
        if block.lang == "yaml" and block.body.startswith("# file: "):
            name = block.body.splitlines()[0].removeprefix("# file: ").strip()
            Path(name).write_text(block.body, encoding="utf-8")
        elif block.lang == "sh":
            for args, status in commands(block.body):
                result = run(*args)
                assert result.exit_code == status, f"guarantees {shlex.join(args)}\n{result.output}"
                output, count = result.output, count + 1
        elif block.lang == "text" and block.adjacent and output is not None:
            assert contains_in_order(output, block.body), f"shown:\n{block.body}\ngot:\n{output}"
        if block.lang != "sh":
            output = None
    return count


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_examples_in_reference_docs_run(run: Run, workdir: Path, doc: Path) -> None:
    assert run_doc(run, doc.read_text(encoding="utf-8")) >= 3


def test_examples_in_readme_run(run: Run, workdir: Path) -> None:
    text = README.read_text(encoding="utf-8")
    sh_only = "".join(f"```sh\n{b.body}```\n" for b in blocks(text) if b.lang == "sh")
    assert run_doc(run, sh_only) >= 3


def test_contains_in_order_checks_order_and_gaps() -> None:
    assert contains_in_order("a\nb\nc\n", "a\n...\nc\n")
    assert not contains_in_order("a\nb\nc\n", "c\na\n")
    assert not contains_in_order("a\nb\n", "a\nx\n")


def keys(value: Any) -> set[str]:
    """Every key of every object in a JSON value, except names from the scenario (metrics,
    sources), which are data rather than keys of the format."""
    if isinstance(value, dict):
        inner = (v for k, v in value.items() if k not in ("metrics", "sources"))
        return set(value).union(*(keys(v) for v in inner))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value))
    return set()


def test_json_reference_names_every_key(run: Run, invalid: Path) -> None:
    documented = set(re.findall(r"`([a-z0-9_$]+)`", (DOCS[1]).read_text(encoding="utf-8")))
    outputs = [
        run("evaluate", EXAMPLE, invalid, "-f", "json").stdout,
        run("explain", EXAMPLE, "-p", "backstop", "-f", "json").stdout,
        run("robustness", EXAMPLE, invalid, "--samples", "200", "-f", "json").stdout,
        run("stability", REPO / "scenarios" / "classic" / "elmira.yaml", "-f", "json").stdout,
        run(
            "compare", EXAMPLE, REPO / "scenarios" / "walk-away.yaml", invalid, "-f", "json"
        ).stdout,
    ]
    found = keys([json.loads(out) for out in outputs])
    assert {"broken_rules", "misses", "errors", "sources"} <= found
    assert found - documented == set()
