"""Metamorphic properties of the optimisation engine past the enumeration limit.

From 32 options on (2^32 packages and more) no exhaustive check can run, so the engine is
held to what must hold whatever its answers are, on benchmarks/generate.py's scenarios (8
actors, vetoes, demands, conditions and limits, a noisy-or interaction): a new veto never
brings a better best package, and keeps the best one when it does not name it; relaxing a
limit never loses the deal nor worsens the best package; reordering and renaming options and
actors changes only names (renaming) and which of tied packages comes first (reordering).
Rank keys come from the brute-force reference's definitions (tests/reference.py), one
package at a time.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import Pkg, matches, q, rank_key
from strategies import to_yaml_text

from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise.evaluate import optimise
from guarantees.model.optimise.results import OptimisedEvaluation

Data = dict[str, Any]
Names = dict[str, str]

_SPEC = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
generate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = generate  # its dataclasses look themselves up there
_SPEC.loader.exec_module(generate)

LARGE = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def documents() -> st.SearchStrategy[Data]:
    """A generated scenario document of 32 to 48 options (any seed)."""
    return st.builds(generate.scenario, st.sampled_from([32, 40, 48]), st.integers(0, 10**6))


def load(data: Data) -> Scenario:
    """Load a document through its YAML text."""
    return loads(to_yaml_text(data), file="generated.yaml")


def best(scenario: Scenario, **asked: Any) -> Pkg | None:
    """The engine's best acceptable package, or None when none exists."""
    found = optimise(scenario, best=1, frontier=False, concession=False, blockers=False, **asked)
    return frozenset(found.best[0].options) if found.best else None


@LARGE
@given(st.data())
def test_new_veto_never_brings_a_better_best_package(data: st.DataObject) -> None:
    document = data.draw(documents(), label="scenario")
    before = load(document)
    name = data.draw(st.sampled_from([*before.options, *sorted(before.tags)]), label="vetoed")
    actor = data.draw(st.sampled_from(list(before.actors)), label="actor")
    changed = copy.deepcopy(document)
    changed["actors"][actor]["constraints"].append({"veto": name})
    old, new = best(before), best(load(changed))
    if new is not None:
        assert old is not None
        assert not matches(before, new, name)
        assert rank_key(before, new) >= rank_key(before, old)
    if old is not None and not matches(before, old, name):
        assert new == old


def _limits(document: Data) -> list[tuple[str, int, str, str]]:
    """Every limit bound of a document: (actor, constraint index, metric, side)."""
    return [
        (actor_id, index, metric, side)
        for actor_id, actor in document["actors"].items()
        for index, constraint in enumerate(actor["constraints"])
        for metric, bound in constraint.get("limit", {}).items()
        for side in ("min", "max")
        if side in bound
    ]


@LARGE
@given(st.data())
def test_relaxed_limit_never_loses_the_deal_nor_worsens_the_best(data: st.DataObject) -> None:
    document = data.draw(documents(), label="scenario")
    actor, index, metric, side = data.draw(st.sampled_from(_limits(document)), label="bound")
    keep = data.draw(st.sampled_from([0.0, 0.5, 0.9, 0.999]), label="share of the bound kept")
    changed = copy.deepcopy(document)
    bound = changed["actors"][actor]["constraints"][index]["limit"][metric]
    if document["metrics"][metric]["combine"] == "noisy_or":  # stay within [0, 1]
        bound[side] = bound[side] * keep if side == "min" else 1 - (1 - bound[side]) * keep
    else:
        bound[side] += (-1 if side == "min" else 1) * round(100 * (1 - keep))
    before, after = load(document), load(changed)
    old, new = best(before), best(after)
    if old is not None:
        assert new is not None
        assert rank_key(before, new) <= rank_key(before, old)


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """A document with every option id renamed, in keys, lists and expressions alike."""
    if isinstance(value, str):
        return re.sub(r"\boption_\d+\b", lambda m: names[m.group()], value)
    if isinstance(value, dict):
        return {_renamed(k, names): _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value


def _moved(document: Data, data: st.DataObject, *, shuffle: bool) -> tuple[Data, Names]:
    """The document with options and actors renamed (actor k is `party_k`), and with
    `shuffle` in another file order; the renaming (new names by old)."""
    ids, actors = list(document["options"]), list(document["actors"])
    fresh = data.draw(st.permutations([f"item_{i:02d}" for i in range(len(ids))]), label="names")
    options = dict(zip(ids, fresh, strict=True))
    out = _renamed(document, options)
    order = list(out["options"])
    if shuffle:
        order = data.draw(st.permutations(order), label="option order")
        actors = data.draw(st.permutations(actors), label="actor order")
    out["options"] = {o: out["options"][o] for o in order}
    out["actors"] = {f"party_{k}": out["actors"][a] for k, a in enumerate(actors)}
    return out, options | {a: f"party_{k}" for k, a in enumerate(actors)}


ASKED: dict[str, Any] = {"best": 2, "points": 20, "concessions": 1}


def _view(found: OptimisedEvaluation, names: Names | None = None) -> dict[str, Any]:
    """Every answer, with names mapped through `names` (none: as they are)."""
    rename = names or {}

    def pkg(options: tuple[str, ...]) -> frozenset[str]:
        return frozenset(rename.get(o, o) for o in options)

    assert found.frontier is not None
    assert found.blockers is not None
    concession = found.smallest_concession
    blockers = {
        rename.get(b.actor, b.actor): (
            b.blocks,
            None if b.others_best is None else pkg(b.others_best.options),
        )
        for b in found.blockers
    }
    return {
        "exists": found.exists,
        "best": [pkg(p.options) for p in found.best],
        "frontier": [
            (p.benefit, p.risk, p.acceptable, pkg(p.package.options)) for p in found.frontier
        ],
        "concession": None
        if concession is None
        else (
            [(rename.get(c.actor, c.actor), c.index) for c in concession.constraints],
            q(concession.shift),
            pkg(concession.package.options),
        ),
        "blockers": blockers,
    }


@LARGE
@given(st.data())
def test_renaming_changes_only_names(data: st.DataObject) -> None:
    document = data.draw(documents(), label="scenario")
    renamed, names = _moved(document, data, shuffle=False)
    before, after = load(document), load(renamed)
    assert _view(optimise(after, **ASKED)) == _view(optimise(before, **ASKED), names)


def _keys(scenario: Scenario, found: OptimisedEvaluation) -> dict[str, Any]:
    """What cannot depend on file order: existence, the best packages' (benefit, risk, size),
    the frontier's points, the smallest concession's size and shift on the grid, and per
    actor the (benefit, risk, size) of the best package the others accept. Which of several
    tied packages comes first does depend on it, and so may whether an actor rejects it or
    whether a point's first package is acceptable."""
    concession = found.smallest_concession
    assert found.frontier is not None
    assert found.blockers is not None
    return {
        "exists": found.exists,
        "best": [rank_key(scenario, frozenset(p.options))[:3] for p in found.best],
        "frontier": [(p.benefit, p.risk) for p in found.frontier],
        "concession": None
        if concession is None
        else (len(concession.constraints), q(concession.shift)),
        "blockers": {
            b.actor: None
            if b.others_best is None
            else rank_key(scenario, frozenset(b.others_best.options))[:3]
            for b in found.blockers
        },
    }


@LARGE
@given(st.data())
def test_reordering_changes_only_ties(data: st.DataObject) -> None:
    document = data.draw(documents(), label="scenario")
    shuffled, names = _moved(document, data, shuffle=True)
    before, after = load(document), load(shuffled)
    old = _keys(before, optimise(before, **ASKED))
    old["blockers"] = {names[a]: key for a, key in old["blockers"].items()}
    assert _keys(after, optimise(after, **ASKED)) == old
