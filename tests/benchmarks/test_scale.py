"""benchmarks/scale.py tells a refusal and a timeout from a measured run, and judges targets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def scale(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """benchmarks/scale.py, imported from its folder (it is not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield __import__("scale")
    for name in ("scale", "child", "generate"):
        sys.modules.pop(name, None)


def options(timeout: float = 30.0, repeat: int = 3) -> argparse.Namespace:
    return argparse.Namespace(timeout=timeout, repeat=repeat, once_over=10.0)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_run_that_exits_with_status_2_is_refused_with_its_message(scale: ModuleType) -> None:
    cell = scale.cell(
        python("import sys; print('error: too many', file=sys.stderr); sys.exit(2)"), options()
    )
    assert (cell.status, cell.text(), cell.note) == (
        "refused",
        "refused",
        "error: too many",
    )


def test_a_run_past_the_timeout_is_killed_and_says_so(scale: ModuleType) -> None:
    cell = scale.cell(python("import time; time.sleep(30)"), options(timeout=0.5))
    assert cell.status == "timeout"
    assert cell.text().startswith("timeout (> 0 s")


def test_another_failure_is_not_taken_for_a_refusal(scale: ModuleType) -> None:
    assert scale.cell(python("import sys; sys.exit(3)"), options()).status == "failed (3)"


def test_a_cell_is_the_median_run_with_its_own_peak_memory(scale: ModuleType) -> None:
    grow = "import sys; b = bytearray(int(sys.argv[1]) * 2**20); print(len(b))"
    cell = scale.cell([*python(grow), "200"], options(repeat=3))
    assert cell.status == "ok"
    assert 200 < cell.peak_mb < 400


def test_targets_are_met_only_under_both_bounds(scale: ModuleType) -> None:
    fast = scale.Cell(0.5, 0.4, 100.0, "ok")
    assert scale.verdict(fast, 0.6, 150.0) == ("0.50 s (cpu 0.40), 100 MB", "met")
    assert scale.verdict(fast, 0.6, 90.0)[1] == "**not met**"
    assert scale.verdict(fast, 0.4, None)[1] == "**not met**"
    assert scale.verdict(scale.Cell(0, 0, 0, "refused"), 3.0, None) == ("refused", "**not met**")
    assert scale.verdict(None, 3.0, None) == ("not measured", "-")


def test_json_memory_at_26_is_judged_against_24_within_5_percent(scale: ModuleType) -> None:
    at24 = scale.Cell(1.0, 1.0, 100.0, "ok")
    assert scale.same_memory(at24, scale.Cell(2.0, 2.0, 105.0, "ok"))[1] == "met"
    assert scale.same_memory(at24, scale.Cell(2.0, 2.0, 106.0, "ok"))[1] == "**not met**"
    assert scale.same_memory(at24, scale.Cell(120.0, 119.0, 900.0, "timeout"))[1] == "**not met**"
    assert scale.same_memory(at24, None) == ("not measured", "-")
