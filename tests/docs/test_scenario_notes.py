"""The shipped scenarios say what each judgement rests on, and the docs explain every one.

- Every option, interaction, rule and actor constraint of a shipped scenario has a `note` and
  a `source` that its `sources:` section defines.
- Every note on something with a number (a metric value, a limit) says whether the number is
  a judgement: it uses "judgement", "guess" or "modelling choice".
- Notes and teaching pages paraphrase the source texts: no run of eight words is copied from
  them (checked when the texts are present, in ../shared/seeds/). A citation may quote a
  text's title or heading whole, in curly quotes (“...”): a title is a whole line of a text of
  at most 15 words.
- docs/scenarios.md has a section for every shipped scenario, with what `evaluate` says.
- Every relative link of the teaching pages leads to a file that exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
SEEDS = REPO.parent / "shared" / "seeds"
TEACHING = [
    REPO / "docs" / "scenarios.md",
    REPO / "docs" / "tutorial.md",
    *sorted((REPO / "docs" / "exercises").glob("*")),
]
JUDGEMENT = re.compile(r"judgement|guess|modelling choice", re.IGNORECASE)
RUN = 8
TITLE_WORDS = 15
QUOTED = re.compile(r"“([^”]*)”")


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return data


def entries(scenario: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, mapping) for every option, interaction, rule and constraint."""
    for option_id, option in scenario["options"].items():
        yield f"option {option_id}", option
    for kind in ("interactions", "rules"):
        for i, entry in enumerate(scenario.get(kind) or []):
            yield f"{kind} {entry.get('id', i)}", entry
    for actor_id, actor in scenario["actors"].items():
        for i, constraint in enumerate(actor.get("constraints") or []):
            yield f"{actor_id}.{constraint.get('id', i)}", constraint


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_entry_has_a_note_and_a_source_that_resolves(path: Path) -> None:
    scenario = load(path)
    sources = set(scenario.get("sources") or {})
    metrics = set(scenario.get("metrics") or {"deterrence": {}, "escalation": {}})
    problems = []
    for where, entry in entries(scenario):
        note = str(entry.get("note") or "")
        if not note.strip():
            problems.append(f"{where}: no note")
        if entry.get("source") not in sources:
            problems.append(f"{where}: source {entry.get('source')!r} not in sources:")
        has_number = "limit" in entry or bool(metrics & set(entry))
        if has_number and not JUDGEMENT.search(note):
            problems.append(f"{where}: the note does not say whether its number is a judgement")
    assert problems == []


def words(text: str) -> list[str]:
    """The words of a text, lower case, apostrophes (straight or curly) dropped."""
    return re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]", "", text.lower()))


def copied_runs(text: str, seeds: set[tuple[str, ...]]) -> list[str]:
    found = words(text)
    return sorted(
        {
            " ".join(found[i : i + RUN])
            for i in range(len(found) - RUN + 1)
            if tuple(found[i : i + RUN]) in seeds
        }
    )


def titles(texts: list[str]) -> set[tuple[str, ...]]:
    """The words of every title or heading of the texts: a whole line of at most 15 words."""
    lines = (words(line) for text in texts for line in text.splitlines())
    return {tuple(found) for found in lines if 0 < len(found) <= TITLE_WORDS}


def without_cited_titles(text: str, known: set[tuple[str, ...]]) -> str:
    """TEXT with each title quoted whole in curly quotes left out: a citation, not a copy."""
    return QUOTED.sub(lambda m: " | " if tuple(words(m[1])) in known else m[0], text)


def seed_texts() -> list[str]:
    texts = sorted(SEEDS.glob("0*.txt"))
    if not texts:
        # The texts are not the project's to copy; CI always has them beside the repository.
        assert not os.environ.get("CI"), f"the source texts are missing from {SEEDS}"
        pytest.skip(f"the source texts are not present in {SEEDS} (outside CI)")
    return [t.read_text(encoding="utf-8") for t in texts]


@pytest.fixture(scope="module")
def seed_runs() -> set[tuple[str, ...]]:
    found = words(" ".join(seed_texts()))
    return {tuple(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


@pytest.fixture(scope="module")
def seed_titles() -> set[tuple[str, ...]]:
    return titles(seed_texts())


@pytest.mark.parametrize("path", SCENARIOS + TEACHING, ids=lambda p: str(p.relative_to(REPO)))
def test_no_sentence_is_copied_from_the_source_texts(
    path: Path, seed_runs: set[tuple[str, ...]], seed_titles: set[tuple[str, ...]]
) -> None:
    text = without_cited_titles(path.read_text(encoding="utf-8"), seed_titles)
    assert copied_runs(text, seed_runs) == []


def test_only_a_whole_title_in_curly_quotes_counts_as_a_citation() -> None:
    known = titles(["A Short Title Of Nine Words For The Test\nA long line " + "x " * 20])
    cited = "see “A Short Title of Nine Words for the Test”, 2025"
    assert without_cited_titles(cited, known) == "see  | , 2025"
    part = "“A Short Title of Nine Words for the”"
    assert without_cited_titles(part, known) == part  # not the whole title
    plain = '"A Short Title of Nine Words for the Test"'
    assert without_cited_titles(plain, known) == plain  # straight quotes are not a citation
    assert len(known) == 1  # the long line is no title


def test_scenarios_page_explains_every_shipped_scenario() -> None:
    page = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert "to be filled" not in page
    for path in SCENARIOS:
        scenario_id = load(path)["id"]
        section = page.split(f"\n## {scenario_id}\n", 1)
        assert len(section) == 2, f"no section `## {scenario_id}`"
        body = section[1].split("\n## ", 1)[0]
        for part in (
            "**What it models.**",
            "**Main modelling choices.**",
            "### What `evaluate` says",
        ):
            assert part in body, f"{scenario_id}: no {part}"
        for question in ("acceptable package?", "trade-off bites", "Who blocks", "concession"):
            assert question in body, f"{scenario_id}: does not answer {question!r}"
        assert f"| `{scenario_id}` |" in page, f"{scenario_id} is not in the summary table"


LINK = re.compile(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "page", [p for p in TEACHING if p.suffix == ".md"], ids=lambda p: str(p.relative_to(REPO))
)
def test_links_in_teaching_pages_resolve(page: Path) -> None:
    targets = LINK.findall(page.read_text(encoding="utf-8"))
    assert [t for t in targets if not (page.parent / t).exists()] == []
