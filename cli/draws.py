"""Draws of the uncertain values for the commands that add robustness to their answer.

`evaluate`, `explain`, `diff`, `frontier --plot` and `report` each take `--samples N` and
`--seed S`; this module turns them into the model's robustness results, or into the reason
there is none (no uncertain value; `--samples 0`; a scenario past the robustness limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guarantees.cli.progress import default_jobs

if TYPE_CHECKING:
    from guarantees.cli.explore_data import Chances
    from guarantees.model.format.schema import Scenario
    from guarantees.model.robustness.results import PackageRobustness, Robustness, Summary


@dataclass(frozen=True)
class Draws:
    """How a command samples: `samples` draws (0: none) from `seed`, on `jobs` processes."""

    samples: int = 0
    seed: int = 1
    jobs: int | None = None

    @property
    def workers(self) -> int:
        return default_jobs() if self.jobs is None else self.jobs


#: No draws: the commands' answers without robustness.
NO_DRAWS = Draws()


def _why_not(scenario: Scenario, draws: Draws) -> tuple[bool, str | None]:
    """(whether to sample, the note when a scenario with uncertain values is not sampled)."""
    from guarantees.model.robustness.analyse import MAX_OPTIONS
    from guarantees.model.robustness.sampling import slots

    if draws.samples == 0 or not slots(scenario):
        return False, None
    if len(scenario.options) > MAX_OPTIONS:
        return False, (
            f"Not computed: the robustness analysis stops at {MAX_OPTIONS} options "
            f"({len(scenario.options)} here)."
        )
    return True, None


def summary_of(scenario: Scenario, draws: Draws) -> tuple[Summary | None, str | None]:
    """The short robustness section, or the note that says why there is none."""
    from guarantees.model.robustness.analyse import summary

    sample, note = _why_not(scenario, draws)
    if not sample:
        return None, note
    return summary(scenario, samples=draws.samples, seed=draws.seed, jobs=draws.workers), None


def robustness_of(scenario: Scenario, draws: Draws) -> tuple[Robustness | None, str | None]:
    """The whole robustness result (for pictures and handouts), or why there is none."""
    from guarantees.model.robustness.analyse import robustness

    sample, note = _why_not(scenario, draws)
    if not sample:
        return None, note
    found = robustness(scenario, samples=draws.samples, seed=draws.seed, jobs=draws.workers)
    return found, None


def package_of(
    scenario: Scenario, options: tuple[str, ...], draws: Draws
) -> tuple[PackageRobustness | None, str | None]:
    """One package across the draws, or why it was not sampled."""
    from guarantees.model.robustness.analyse import package_robustness

    sample, note = _why_not(scenario, draws)
    if not sample:
        return None, note
    found = package_robustness(scenario, options, samples=draws.samples, seed=draws.seed)
    return found, None


def acceptance_of(scenario: Scenario, draws: Draws) -> tuple[Chances | None, str | None]:
    """Every package's count of draws in which it is acceptable, with the whole robustness
    result (the explorer), or why there is none."""
    from guarantees.cli.explore_data import Chances
    from guarantees.model.explore.extras import acceptance_hits

    sample, note = _why_not(scenario, draws)
    if not sample:
        return None, note
    found, hits = acceptance_hits(
        scenario, samples=draws.samples, seed=draws.seed, jobs=draws.workers
    )
    return Chances(hits, draws.samples, found), None
