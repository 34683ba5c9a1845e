"""A straightforward pure-Python enumeration: the baseline the benchmark compares against.

One package at a time, as sets of option ids: its metric values, every rule and constraint,
then the acceptable packages and the (benefit, risk) frontier. Written plainly, the way one
would without NumPy; run as `python benchmarks/pure_python.py FILE`.
"""

from __future__ import annotations

import math
import sys

from guarantees.model import load
from guarantees.model.format import expr
from guarantees.model.format.schema import Scenario


def solve(scenario: Scenario) -> tuple[int, int, int]:
    """(feasible, acceptable, frontier size) by enumerating every package."""
    ids = list(scenario.options)
    members = {o: {o} for o in ids} | {t: set(m) for t, m in scenario.tags.items()}
    terms = {
        m: [(i, o.values[m].best) for i, o in scenario.options.items() if m in o.values]
        for m in scenario.metrics
    }
    extra = {
        m: [(set(x.all_of), x.values[m].best) for x in scenario.interactions if m in x.values]
        for m in scenario.metrics
    }
    combine = {m: spec.combine for m, spec in scenario.metrics.items()}
    constraints = [c for a in scenario.actors.values() for c in a.constraints]
    feasible_points, acceptable = [], []
    for mask in range(1 << len(ids)):
        package = {ids[i] for i in range(len(ids)) if mask >> i & 1}
        values = {m: _value(combine[m], package, terms[m], extra[m]) for m in combine}
        env = _env(package, values, members)
        if not all(_rule_ok(r, package, members, env) for r in scenario.rules):
            continue
        feasible_points.append(
            (values[scenario.tradeoff.benefit], values[scenario.tradeoff.risk], mask)
        )
        if all(_constraint_ok(c, package, members, env, values) for c in constraints):
            acceptable.append(mask)
    return len(feasible_points), len(acceptable), len(_frontier(scenario, feasible_points))


def _value(combine: str, package: set[str], terms: list, extra: list) -> float:  # type: ignore[type-arg]
    found = [v for o, v in terms if o in package] + [v for need, v in extra if need <= package]
    if combine == "noisy_or":
        return 1 - math.prod(1 - t for t in found)
    if combine == "sum":
        return sum(found)
    if not found:
        return 0.0
    return max(found) if combine == "max" else min(found)


def _env(package: set[str], values: dict[str, float], members: dict[str, set[str]]) -> dict:  # type: ignore[type-arg]
    return {
        "has": lambda n: not members[n].isdisjoint(package),
        "metric": lambda m: values[m],
        "count": lambda ns: len(package & set().union(*(members[n] for n in ns))),
    }


def _rule_ok(rule, package, members, env) -> bool:  # type: ignore[no-untyped-def]
    has = env["has"]
    if rule.requires is not None:
        return all(not has(a) or all(has(b) for b in bs) for a, bs in rule.requires.items())
    if rule.excludes is not None:
        return sum(has(n) for n in rule.excludes) <= 1
    if rule.one_of is not None:
        return sum(has(n) for n in rule.one_of) == 1
    return expr.evaluate(rule.condition, **env)


def _constraint_ok(c, package, members, env, values) -> bool:  # type: ignore[no-untyped-def]
    has = env["has"]
    if c.veto is not None:
        return not any(has(n) for n in c.veto)
    if c.demand is not None:
        return all(has(n) for n in c.demand)
    if c.demand_any is not None:
        return any(has(n) for n in c.demand_any)
    if c.condition is not None:
        return expr.evaluate(c.condition, **env)
    return all(
        (b.min is None or round(values[m] * 1e9) >= round(b.min.best * 1e9))
        and (b.max is None or round(values[m] * 1e9) <= round(b.max.best * 1e9))
        for m, b in c.limit.items()
    )


def _frontier(scenario: Scenario, points: list) -> list:  # type: ignore[type-arg]
    b_sign = 1 if scenario.metrics[scenario.tradeoff.benefit].better == "higher" else -1
    r_sign = 1 if scenario.metrics[scenario.tradeoff.risk].better == "higher" else -1
    keyed = sorted(
        ((b_sign * round(b * 1e9), r_sign * round(r * 1e9), p) for b, r, p in points),
        key=lambda t: (-t[0], -t[1]),
    )
    frontier, best_risk = [], -math.inf
    for b, r, p in keyed:
        if r > best_risk or (frontier and (b, r) == frontier[-1][:2]):
            frontier.append((b, r, p))
            best_risk = max(best_risk, r)
    return frontier


if __name__ == "__main__":
    feasible, accepted, front = solve(load(sys.argv[1]))
    print(f"feasible={feasible} acceptable={accepted} frontier={front}")
