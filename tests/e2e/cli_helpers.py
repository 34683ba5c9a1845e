"""Constants and builders shared by the command-line tests (imported by conftest and tests)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

REPO = Path(__file__).parents[2]
SHARED = REPO.parent / "shared"
EXAMPLE = REPO / "tests" / "data" / "format-example.yaml"  # a copy of SHARED's
SCENARIOS = REPO / "scenarios"
WIDTH = {"COLUMNS": "100"}
#: The console script installed beside the interpreter running the tests (pip install -e .).
SCRIPT = Path(sys.executable).parent / ("guarantees.exe" if os.name == "nt" else "guarantees")
#: Variables that would make rich colour piped output (a CI may set them): unset in tests.
COLOUR_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")

#: The `run` fixture: the CLI run in-process with the given arguments.
Run = Callable[..., Result]

#: A small scenario with acceptable packages, a rule, a veto, limits, a unit and a source.
SMALL = """\
format: guarantees/1
id: small
title: Small test scenario
sources:
  memo: "A memo [internal] | 2025"
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  troops: {combine: sum, better: lower, unit: thousand, label: Troops deployed}
options:
  monitors:
    label: Monitors
    deterrence: 0.1
    escalation: 0.02
  jets:
    label: Jets
    tags: [air_power]
    deterrence: 0.3
    escalation: 0.1
  force:
    label: Ground force
    tags: [troops_inside]
    deterrence: 0.4
    escalation: 0.3
    troops: 20
  backstop:
    label: Backstop
    deterrence: 0.3
    escalation: 0.15
rules:
  - id: backstop_needs_jets
    requires: {backstop: [jets]}
actors:
  kyiv:
    name: Kyiv
    constraints:
      - id: enough
        limit: {deterrence: {min: 0.35}}
        note: Wants real protection.
        source: memo
  moscow:
    name: Moscow
    constraints:
      - id: no_troops
        veto: troops_inside
        note: No foreign troops.
      - limit: {escalation: {max: 0.3}}
  london:
    name: London
    constraints:
      - limit: {troops: {max: 10}}
"""

#: A scenario with mistakes at known lines and columns (each reported at once).
INVALID = """\
format: guarantees/1
id: broken
title: Broken
options:
  a:
    label: A
    deterrance: 0.2
actors:
  x:
    nam: X
    constraints:
      - veto: b
"""

#: Issues of INVALID that `validate` must print (after the file name); it may print more.
INVALID_ISSUES = (
    ":7:5: unknown field or metric 'deterrance' in option 'a' (did you mean 'deterrence'?)",
    ":10:5: unknown field 'nam' in actor 'x' (did you mean 'name'?)",
)


def big_scenario(n: int) -> str:
    """A valid scenario with n options (2^n packages) and one actor."""
    options = "".join(
        f"  o{i}:\n    label: Option {i}\n    deterrence: 0.0{i % 9 + 1}\n"
        f"    escalation: 0.0{i * 3 % 9 + 1}\n"
        for i in range(n)
    )
    return (
        f"format: guarantees/1\nid: big-{n}\ntitle: Big {n}\noptions:\n{options}"
        "actors:\n  a:\n    name: A\n    constraints:\n"
        "      - limit: {escalation: {max: 0.3}}\n      - veto: o1\n"
    )


def chromium() -> str:
    """The Chromium executable for the browser tests, or skip them: unless
    GUARANTEES_REQUIRE_CHROMIUM is set (as .ci/run sets it when it installs Chromium), when a
    missing browser fails them instead."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("GUARANTEES_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required (GUARANTEES_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("chromium is not installed (.ci/run installs it)")
    return found
