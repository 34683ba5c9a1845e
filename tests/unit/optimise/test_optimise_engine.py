"""The optimisation engine's parts: exact judging of one package, the solver wrapper, and
regressions found while building it (each failed before its fix)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantees.model import load
from guarantees.model.exact.compile import compile_scenario
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.verdicts import Batch
from guarantees.model.format.load import loads
from guarantees.model.optimise.evaluate import optimise
from guarantees.model.optimise.judge import Judged
from guarantees.model.optimise.solver import Model

SCENARIO = "scenarios/coalition-baseline.yaml"

#: HiGHS's presolve proved a wrong optimum here (the frontier missed (0.1, 0.5)): a knapsack
#: row whose excluded pair lay 1e-9 past its bound.
PRESOLVE_CASE = """\
format: guarantees/1
id: case
title: Case
options:
  ground_force: {label: G}
  backstop: {label: B, deterrence: 0.1, escalation: 0.5}
  recognition: {label: R, escalation: 0.05}
  naval_patrol: {label: N, deterrence: 0.05, escalation: 0.05}
actors:
  ukraine: {name: Ukraine, constraints: []}
"""


def test_judged_agrees_with_the_exact_engines_batch() -> None:
    compiled = compile_scenario(load(SCENARIO))
    masks = np.random.default_rng(1).integers(0, 1 << compiled.n, size=200, dtype=np.uint64)
    batch = Batch(compiled, masks)
    for j, mask in enumerate(masks.tolist()):
        judged = Judged(compiled, mask)
        assert judged.values == [int(v[j]) for v in batch.values]
        assert judged.ok == batch.ok[:, j].tolist()
        assert judged.failures() == batch.failures(j, rules=False)


def test_a_conflicting_constant_is_infeasible() -> None:
    model = Model()
    never = model.var(0.0, 0.0)
    assert model.solve({}, fixed={never: 1.0}) is None
    assert model.solve({}, fixed={never: 0.0}) is not None


def test_frontier_where_presolve_proved_a_wrong_optimum() -> None:
    scenario = loads(PRESOLVE_CASE, file="case.yaml")
    ours = optimise(scenario, best=1)
    exact = evaluate(scenario)
    assert ours.frontier is not None
    assert [(p.benefit, p.risk) for p in ours.frontier] == [
        (p.benefit, p.risk) for p in exact.frontier
    ]


@pytest.mark.parametrize("extra", [0, 50])
def test_options_past_64_change_nothing_when_they_carry_nothing(extra: int) -> None:
    """Options with no values and no constraint never enter a best package (fewer options
    rank first), so padding a scenario past 64 options keeps its answers (masks beyond 64
    bits are Python integers here)."""
    text = Path(SCENARIO).read_text(encoding="utf-8")
    pad = "".join(f"  padding_{i:02d}: {{label: Padding {i}}}\n" for i in range(extra))
    padded = text.replace("\noptions:\n", "\noptions:\n" + pad, 1)
    scenario = loads(padded, file="padded.yaml")
    assert len(scenario.options) == 13 + extra
    ours = optimise(scenario, best=2, frontier=False, blockers=False)
    exact = evaluate(load(SCENARIO))
    assert ours.exists == (exact.counts.acceptable > 0)
    concession = ours.smallest_concession
    assert concession is not None
    assert exact.concessions
    assert concession.package.options == exact.concessions[0].package.options


def test_explain_of_any_size_agrees_with_the_exact_explain() -> None:
    from guarantees.model.exact.evaluate import explain as exact_explain
    from guarantees.model.optimise.explain import explain

    scenario = load(SCENARIO)
    for options in ([], list(scenario.options)[:3], list(scenario.options)):
        assert explain(scenario, options) == exact_explain(scenario, options)


def test_a_name_equivalent_to_itself_holds_for_every_package() -> None:
    """`backstop <-> backstop` once read false whenever backstop was in the package: its
    rows named one variable twice in a dict, so one coefficient overwrote the other."""
    text = PRESOLVE_CASE.replace(
        "constraints: []", "constraints: [{condition: 'backstop <-> backstop'}]"
    )
    scenario = loads(text, file="case.yaml")
    ours = optimise(scenario, best=3)
    exact = evaluate(scenario)
    assert [p.options for p in ours.best] == [p.options for p in exact.acceptable[:3]]


def test_next_concessions_stop_at_their_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The concessions after the smallest stop at their budget and say more may follow; the
    smallest one is always searched to the end."""
    from guarantees.model.optimise import analyses

    scenario = load(SCENARIO)
    exact = evaluate(scenario)
    assert len(exact.concessions) > 1
    monkeypatch.setattr(analyses, "NEXT_CONCESSIONS_SECONDS", 0.0)
    ours = optimise(scenario, best=1, frontier=False, blockers=False, concessions=3)
    assert ours.concessions is not None
    assert [c.constraints for c in ours.concessions] == [exact.concessions[0].constraints]
    assert not ours.concessions_complete
    assert "concessions_rest" in ours.to_json()["absent"]


#: Twelve options of distinct values; the one actor caps escalation, so the best package is
#: unique at its benefit and needs no tie-break by file order.
DISTINCT = (
    "format: guarantees/1\nid: distinct\ntitle: Distinct\noptions:\n"
    + "".join(
        f"  o{i:02d}: {{label: O{i}, deterrence: {0.03 + 0.011 * i:.3f}, "
        f"escalation: {0.02 + 0.007 * ((5 * i) % 12):.3f}}}\n"
        for i in range(12)
    )
    + "actors:\n  a:\n    name: A\n    constraints:\n      - limit: {escalation: {max: 0.3}}\n"
)


def test_a_unique_best_package_stops_after_one_check() -> None:
    """The best benefit, then one solve finding no other package at it: no risk, size or
    file-order stages (two solves here, three if the dual bound does not prove the benefit;
    the four stages alone take four)."""
    scenario = loads(DISTINCT, file="distinct.yaml")
    ours = optimise(scenario, best=1, frontier=False, concession=False, blockers=False)
    exact = evaluate(scenario)
    assert [p.options for p in ours.best] == [exact.acceptable[0].options]
    assert ours.engine.solves <= 3


def test_ties_at_the_best_benefit_still_follow_the_whole_rank_key() -> None:
    """Options without values tie every package with and without them: the stages after the
    benefit decide, as the enumeration engine's rank key does."""
    text = DISTINCT.replace("actors:", "  spare_a: {label: S}\n  spare_b: {label: T}\nactors:")
    scenario = loads(text, file="ties.yaml")
    ours = optimise(scenario, best=3, frontier=False, concession=False, blockers=False)
    exact = evaluate(scenario)
    assert [p.options for p in ours.best] == [p.options for p in exact.acceptable[:3]]


#: A deterrence that saturates: any two of these options reach 1 on the grid (1 - 1e-10).
SATURATED = (
    "format: guarantees/1\nid: saturated\ntitle: Saturated\noptions:\n"
    + "".join(
        f"  o{i}: {{label: O{i}, deterrence: 0.99999, escalation: {0.01 * (i + 1):.2f}}}\n"
        for i in range(8)
    )
    + "actors:\n  a:\n    name: A\n    constraints:\n      - veto: o0\n"
)


def test_a_saturated_benefit_is_found_at_the_top_of_the_grid() -> None:
    """Where every option together reaches 1 on the grid, the best benefit is asked for at 1
    first (one feasibility solve): the same best packages as the enumeration engine."""
    from guarantees.model.optimise.encode import Encoding
    from guarantees.model.optimise.search import Searcher

    scenario = loads(SATURATED, file="saturated.yaml")
    c = compile_scenario(scenario)
    s = Searcher(Encoding(c))
    top = s.at_top(s.keep(s.rules(), [0]), c.benefit)
    assert top is not None
    assert top[0] == 10**9
    assert top[1].oriented(c.benefit) == 10**9
    ours = optimise(scenario, best=3, frontier=False, concession=False, blockers=False)
    assert [p.options for p in ours.best] == [p.options for p in evaluate(scenario).acceptable[:3]]
    assert ours.best[0].options == ("o1", "o2")


def test_a_benefit_short_of_the_top_costs_no_extra_solve() -> None:
    from guarantees.model.optimise.encode import Encoding
    from guarantees.model.optimise.search import Searcher

    c = compile_scenario(loads(DISTINCT, file="distinct.yaml"))
    s = Searcher(Encoding(c))
    assert s.at_top(s.keep(s.rules(), [0]), c.benefit) is None
    assert s.enc.model.stats.solves == 0


def test_clear_of_cuts_allows_for_the_order_of_multiplication_only() -> None:
    """A value half a grid step from a point (an exact tenth decimal of 5) is clear of the
    cut, which lies 2^-12 steps below it; one within float error of the cut is not."""
    from guarantees.model.optimise.judge import clear_of_cuts, order_room

    half = loads(DISTINCT.replace("0.030", "0.0000000005"), file="half.yaml")
    c = compile_scenario(half)
    o00 = c.internal_mask(["o00"])
    assert Judged(c, o00).values[c.benefit] == 1  # 5e-10 rounds up, as written
    assert clear_of_cuts(c, o00)
    at_cut = loads(DISTINCT.replace("0.030", f"{(0.5 - 2**-12) * 1e-9!r}"), file="cut.yaml")
    c = compile_scenario(at_cut)
    assert not clear_of_cuts(c, c.internal_mask(["o00"]))
    assert order_room(200) < 2**-12  # half-step values stay clear up to 200 factors
