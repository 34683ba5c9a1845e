"""One briefing per actor: its constraints, what it alone blocks, the concessions asked of it.

Everything comes from the exact engine's results (`Evaluation`) and one more exact pass for
the packages an actor alone rejects (sole.py); nothing here judges a package by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ActorError, did_you_mean
from ..exact.compile import compile_scenario
from ..exact.enumerate import Progress
from ..exact.results import (
    ActorBlocks,
    Concession,
    ConstraintRef,
    Evaluation,
    Failure,
    Package,
)
from ..format.schema import Scenario
from .sole import KEEP, SoleRejections, sole_rejections


@dataclass(frozen=True, slots=True)
class Brief:
    """One actor's part in a scenario, as a role-play briefing shows it."""

    actor: str
    name: str
    constraints: tuple[ConstraintRef, ...]  # file order, each with its note and source
    feasible: int  # feasible packages of the scenario
    blocks: ActorBlocks  # how many it rejects, blocks, and rejects alone
    sole: Sequence[Package]  # the feasible packages it alone rejects, best-ranked first
    sole_failures: Sequence[tuple[Failure, ...]]  # per package of `sole`, what it fails
    concessions: tuple[Concession, ...]  # minimal concessions relaxing one of its constraints
    alone_in: tuple[Concession, ...]  # of those, the ones that relax its constraints only
    provides: tuple[str, ...]  # options it provides (`provided_by`)
    controls: tuple[str, ...]  # options it controls (`controlled_by`)
    preference: str | None  # priorities, utility, ranking; None: none declared

    @property
    def accepts(self) -> int:
        """Feasible packages it accepts (it may still be the only one to)."""
        return self.feasible - self.blocks.rejects


def check_actors(scenario: Scenario, actors: Sequence[str]) -> None:
    """Raise ActorError naming every actor id the scenario does not have."""
    unknown = [a for a in actors if a not in scenario.actors]
    if unknown:
        raise ActorError(
            "; ".join(f"unknown actor '{a}'{did_you_mean(a, scenario.actors)}" for a in unknown)
        )


def briefs(
    scenario: Scenario,
    result: Evaluation,
    actors: Sequence[str] = (),
    *,
    keep: int = KEEP,
    progress: Progress | None = None,
) -> tuple[Brief, ...]:
    """The briefings of the named actors (all, in file order, when none are named), from the
    scenario's evaluation; `keep` bounds the packages listed per actor (all are counted)."""
    check_actors(scenario, actors)
    wanted = list(dict.fromkeys(actors)) or list(scenario.actors)
    found = sole_rejections(compile_scenario(scenario), keep=keep, progress=progress)
    sole = {s.actor: s for s in found}
    blocks = {b.actor: b for b in result.blocks}
    return tuple(_brief(scenario, result, actor, blocks[actor], sole[actor]) for actor in wanted)


def _brief(
    scenario: Scenario,
    result: Evaluation,
    actor: str,
    blocks: ActorBlocks,
    sole: SoleRejections,
) -> Brief:
    declared = scenario.actors[actor]
    refs = tuple(
        ConstraintRef(actor, i, c.kind, c.id, c.note, c.source)
        for i, c in enumerate(declared.constraints)
    )
    involved = tuple(c for c in result.concessions if any(r.actor == actor for r in c.constraints))
    return Brief(
        actor=actor,
        name=declared.name,
        constraints=refs,
        feasible=result.counts.feasible,
        blocks=blocks,
        sole=sole.packages,
        sole_failures=sole.failures,
        concessions=involved,
        alone_in=tuple(c for c in involved if all(r.actor == actor for r in c.constraints)),
        provides=tuple(o for o, opt in scenario.options.items() if actor in opt.provided_by),
        controls=tuple(o for o, opt in scenario.options.items() if opt.controlled_by == actor),
        preference=declared.preference,
    )
