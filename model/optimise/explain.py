"""`explain` for a scenario of any size: one package judged exactly on Python integers.

The same Explanation as model/exact/evaluate.explain, whose verdicts work on 64-bit masks;
here the package may hold any of hundreds of options (see judge.py).
"""

from __future__ import annotations

from ..errors import PackageError, did_you_mean
from ..exact.compile import compile_scenario
from ..exact.results import Explanation, Failure, Verdict
from ..format.identity import scenario_hash
from ..format.schema import Scenario
from .judge import Judged


def explain(scenario: Scenario, options: list[str] | tuple[str, ...]) -> Explanation:
    """Every actor's verdict on the package of the named options (each failure with its note)."""
    unknown = [o for o in options if o not in scenario.options]
    if unknown:
        raise PackageError(
            "; ".join(f"unknown option '{o}'{did_you_mean(o, scenario.options)}" for o in unknown)
        )
    compiled = compile_scenario(scenario)
    judged = Judged(compiled, compiled.internal_mask(list(options)))
    failures = judged.failures()
    broken = tuple(Failure(t.ref) for k, t in enumerate(compiled.rules) if not judged.ok[k])
    verdicts = tuple(
        Verdict(actor_id, actor.name, tuple(f for f in failures if f.constraint.actor == actor_id))
        for actor_id, actor in scenario.actors.items()
    )
    return Explanation(scenario.id, scenario_hash(scenario), judged.package(), broken, verdicts)
