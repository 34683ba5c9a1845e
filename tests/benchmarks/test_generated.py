"""The benchmark's generated scenarios are valid scenarios: the benchmark measures real work.

A change to the format that the generator does not follow (a new refusal) would otherwise only
show when someone runs the benchmark.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from guarantees.model import load

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize("size", [12, 20, 26])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_benchmark_scenarios_load(
    size: int, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    generate = __import__("generate")
    scenario = load(generate.write(size, tmp_path, seed))
    assert len(scenario.options) == size
    sys.modules.pop("generate", None)
