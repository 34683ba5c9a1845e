"""Whether each explicit `ranking:` lists every feasible package exactly once.

Only the exact engine knows which packages are feasible (rules may compare metrics), so this
check runs once a scenario has validated, for scenarios that use `ranking:`; the loader calls
it and reports its findings with every other problem's location rules.
"""

from __future__ import annotations

from ..errors import Loc
from ..exact.compile import compile_scenario
from ..format.diagnostics import Finding
from ..format.schema import Scenario
from .build import MAX_OPTIONS, judged

#: Missing packages named in one message at most.
SHOWN = 10


def ranking_findings(scenario: Scenario) -> list[Finding]:
    """Listed packages that are not feasible, and feasible packages a ranking leaves out."""
    if not any(actor.ranking for actor in scenario.actors.values()):
        return []
    compiled = compile_scenario(scenario)
    if compiled.n > MAX_OPTIONS:
        return [
            Finding(
                ("actors", actor_id, "ranking"),
                f"a ranking lists packages one by one: at most {MAX_OPTIONS} options, and this "
                f"scenario has {compiled.n}",
                key=True,
            )
            for actor_id, actor in scenario.actors.items()
            if actor.ranking
        ]
    states, _ = judged(compiled)
    feasible = {int(s) for s in states.tolist()}
    findings = []
    for actor_id, actor in scenario.actors.items():
        if not actor.ranking:
            continue
        loc: Loc = ("actors", actor_id, "ranking")
        listed = set()
        for index, entry in enumerate(actor.ranking):
            for k, package in enumerate(entry):
                mask = compiled.internal_mask(list(package))
                listed.add(mask)
                if mask not in feasible:
                    at: Loc = (*loc, index) if len(entry) == 1 else (*loc, index, "tie", k)
                    findings.append(
                        Finding(
                            at,
                            f"package {list(package)} in the ranking of actor "
                            f"'{actor_id}' is not feasible: it breaks a rule",
                        )
                    )
        missing = sorted(feasible - listed)
        if missing:
            names = ", ".join(str(list(compiled.option_ids(m))) for m in missing[:SHOWN])
            more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
            findings.append(
                Finding(
                    loc,
                    f"the ranking of actor '{actor_id}' leaves out {len(missing)} feasible "
                    f"package{'s' if len(missing) > 1 else ''}: {names}{more} (every feasible "
                    "package is ranked once)",
                    key=True,
                )
            )
    return findings
