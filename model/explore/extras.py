"""What the explorer shows where a scenario has it: chances across draws, and equilibria.

Both come from the analyses that own them, over every package at once, re-indexed from the
engine's internal masks to the page's file-order masks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..exact.compile import compile_scenario
from ..format.schema import Scenario
from ..robustness.analyse import robustness_with_counts
from ..robustness.results import Robustness
from ..stability.analysis import judge
from ..stability.build import build
from ..stability.conflict import CONCEPTS
from .table import internal_masks


def acceptance_hits(
    scenario: Scenario, *, samples: int, seed: int, jobs: int = 1
) -> tuple[Robustness, NDArray[np.int64]]:
    """The robustness result, and per package (file-order mask) in how many of `samples`
    draws every actor accepts it: one pass, the draws of `robustness`, `explain` and
    `evaluate` with the same seed."""
    compiled = compile_scenario(scenario)
    found, counts = robustness_with_counts(scenario, samples=samples, seed=seed, jobs=jobs)
    hits: NDArray[np.int64] = counts[internal_masks(compiled).astype(np.intp)]
    return found, hits


def equilibria(scenario: Scenario) -> dict[str, NDArray[np.bool_]]:
    """Per stability concept, per package (file-order mask): whether it is an equilibrium
    (a package that breaks a rule is no state, and never one). Raises TooLargeError past
    the stability analysis' limits."""
    model = build(scenario)
    equilibrium = judge(model).equilibrium
    where = np.full(1 << model.compiled.n, -1, dtype=np.intp)
    where[model.states.astype(np.intp)] = np.arange(model.states.size)
    state = where[internal_masks(model.compiled).astype(np.intp)]
    feasible = np.flatnonzero(state >= 0)
    out = {}
    for concept in CONCEPTS:
        out[concept] = np.zeros(state.size, dtype=np.bool_)
        out[concept][feasible] = equilibrium[concept][state[feasible]]
    return out
