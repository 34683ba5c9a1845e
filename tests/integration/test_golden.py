"""Every shipped scenario and the format example against a golden result.

A change in any report shows up here as a diff. When a change is intended, refresh the files
with `python -m pytest tests/integration --update-golden` and review the diff in git.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
EXAMPLE = ROOT / "tests" / "data" / "format-example.yaml"  # a copy of ../shared's, checked below
SCENARIOS = [EXAMPLE, *sorted(ROOT.glob("scenarios/*.yaml"))]


def _result(path: Path) -> dict[str, object]:
    """The JSON result, without the hash (it changes with any edit, even a note)."""
    result = evaluate(load(path)).to_json()
    result["scenario"] = {k: v for k, v in result["scenario"].items() if k != "hash"}
    return result


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_result_matches_golden(path: Path, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    actual = _result(path)
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_every_scenario_has_a_golden_file() -> None:
    stale = {p.stem for p in GOLDEN.glob("*.json")} - {p.stem for p in SCENARIOS}
    assert not stale, f"golden files without a scenario: {sorted(stale)}"


def test_the_example_is_the_briefs() -> None:
    """tests/data/format-example.yaml is a verbatim copy of ../shared/format-example.yaml.

    The copy keeps the tests self-contained; in CI, where ../shared is present, it must match.
    """
    original = ROOT.parent / "shared" / "format-example.yaml"
    if not original.exists():
        assert not os.environ.get("CI"), f"{original} is missing in CI"
        return
    assert EXAMPLE.read_bytes() == original.read_bytes()
