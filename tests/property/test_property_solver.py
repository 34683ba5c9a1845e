"""Property tests of the solver: it agrees with the brute-force reference, and it behaves.

* Equivalence: `solver_view(evaluate(s)) == reference_evaluate(s)` for random scenarios, and
  `explain` gives the reference's verdicts (and misses) for random packages, in both engines.
* Metamorphic properties, checked on both engines (the solver and the reference, so that the
  reference is held to them too): a new veto never adds an acceptable package (it removes
  exactly those it names); relaxing a limit never removes one; renaming options, tags and
  actors changes nothing but names; reordering options or actors changes only tie-breaks by
  file position.
"""

from __future__ import annotations

import copy
import functools
import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import (
    explanation_details,
    explanation_verdicts,
    matches,
    reference_details,
    reference_evaluate,
    reference_verdicts,
    solver_view,
)
from strategies import scenario_data, to_yaml_text

from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.results import Explanation
from guarantees.model.format.load import load as load_file
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise.explain import explain as optimise_explain

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

View = dict[str, Any]
Data = dict[str, Any]


def load(data: Data) -> Scenario:
    """Load a generated document through its YAML text."""
    return loads(to_yaml_text(data), file="gen.yaml")


def solver_engine(scenario: Scenario) -> View:
    """The solver's reports in the reference's shape."""
    assert evaluate is not None
    return solver_view(evaluate(scenario))


ENGINES = [
    pytest.param(reference_evaluate, id="reference"),
    pytest.param(solver_engine, id="solver"),
]
Engine = Callable[[Scenario], View]


# ------------------------------------------------------------------------- equivalence


@settings(max_examples=100, deadline=None)
@given(scenario_data())
def test_property_solver_matches_reference(data: Data) -> None:
    """Every report of the solver equals the reference's, report by report."""
    scenario = load(data)
    solver, reference = solver_engine(scenario), reference_evaluate(scenario)
    for report in reference:
        assert solver[report] == reference[report], f"report {report!r} differs"
    assert solver.keys() == reference.keys()


@pytest.mark.parametrize(
    "explain_with",
    [
        pytest.param(explain, id="enumeration-engine"),
        pytest.param(optimise_explain, id="optimisation-engine"),
    ],
)
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_property_explain_matches_reference(
    explain_with: Callable[[Scenario, list[str]], Explanation], data: st.DataObject
) -> None:
    """`explain` gives every actor's failed constraints, the broken rules, and the misses,
    in both engines (the optimisation engine's judges one package on Python integers)."""
    scenario = load(data.draw(scenario_data(), label="scenario"))
    chosen = data.draw(
        st.lists(st.sampled_from(list(scenario.options)), unique=True), label="options"
    )
    package = frozenset(chosen)
    explanation = explain_with(scenario, chosen)  # in any order
    assert explanation_verdicts(explanation) == reference_verdicts(scenario, package)
    assert explanation_details(explanation) == reference_details(scenario, package)
    assert explanation.package.options == tuple(o for o in scenario.options if o in package)


@settings(max_examples=50, deadline=None)
@given(scenario_data(), st.integers(0, 4))
def test_property_small_chunks_match_reference(data: Data, low_bits: int) -> None:
    """The same, with the enumeration cut into chunks of 2^low_bits packages.

    Exact enumeration walks chunks of 2^18 packages, so every scenario small enough for the
    reference fits in one chunk: shrinking the chunks is the only way to check the paths
    that join chunks (prefix residuals, the frontier across chunks, the second pass for
    concessions) against the reference. This reaches into the solver's `Enumerator`.
    """
    from guarantees.model.exact.enumerate import Enumerator

    solver = importlib.import_module(
        "guarantees.model.exact.evaluate"
    )  # the module, not the function

    scenario = load(data)
    chunked = functools.partial(Enumerator, low_bits=low_bits)
    with mock.patch.object(solver, "Enumerator", chunked):
        view = solver_view(solver.evaluate(scenario))
    reference = reference_evaluate(scenario)
    for report in reference:
        assert view[report] == reference[report], f"report {report!r} differs"


H = "format: guarantees/1\nid: edge\ntitle: Edge\nactors: {x: {name: X}}\n"
EDGE_CASES = {
    # An option and a tag only it carries are two names: {a} breaks `excludes: [a, t]`.
    "excludes_option_and_its_tag": H
    + "options:\n  a: {label: A, tags: [t]}\nrules:\n  - excludes: [a, t]\n",
    # ... and `one_of: [a, t]` (two names match {a}, none matches {}): nothing is feasible.
    "one_of_option_and_its_tag": H
    + "options:\n  a: {label: A, tags: [t]}\nrules:\n  - one_of: [a, t]\n",
    # A min metric with no term is 0: {} (0, 0) and {a} (1, 1) are both on the frontier.
    "frontier_min_metric_without_terms": H
    + "metrics:\n  deterrence: {combine: min, better: higher}\n"
    + "  escalation: {combine: sum, better: lower}\n"
    + "options:\n  a: {label: A, deterrence: 1, escalation: 1}\n",
    # A max metric with no term is 0: {} (0, 0) and {a} (-1, -1) are both on the frontier.
    "frontier_max_metric_without_terms": H
    + "metrics:\n  deterrence: {combine: max, better: higher}\n"
    + "  escalation: {combine: sum, better: lower}\n"
    + "options:\n  a: {label: A, deterrence: -1, escalation: -1}\n",
}


@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=list(EDGE_CASES))
def test_solver_matches_reference_on_edge_cases(text: str) -> None:
    """Minimal scenarios on which the solver once disagreed with the reference."""
    scenario = loads(text, file="edge.yaml")
    assert solver_engine(scenario) == reference_evaluate(scenario)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_match_reference(path: Path) -> None:
    """The shipped scenarios (small enough for the reference) give the reference's reports."""
    scenario = load_file(path)
    assert len(scenario.options) <= 14, "keep shipped scenarios small enough for the reference"
    solver, reference = solver_engine(scenario), reference_evaluate(scenario)
    for report in reference:
        assert solver[report] == reference[report], f"report {report!r} differs"


# ---------------------------------------------------------------- metamorphic: vetoes


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None)
@given(st.data())
def test_property_new_veto_never_adds_an_acceptable_package(
    engine: Engine, data: st.DataObject
) -> None:
    """A veto (on an option or a tag, by any actor) removes exactly the packages it names."""
    document = data.draw(scenario_data(), label="scenario")
    before = load(document)
    names = list(before.options) + sorted(before.tags)
    name = data.draw(st.sampled_from(names), label="vetoed")
    actor = data.draw(st.sampled_from(list(before.actors)), label="actor")
    changed = copy.deepcopy(document)
    changed["actors"][actor].setdefault("constraints", []).append({"veto": name})
    old = {frozenset(p) for p in engine(before)["acceptable"]}
    new = {frozenset(p) for p in engine(load(changed))["acceptable"]}
    assert new <= old
    assert new == {p for p in old if not matches(before, p, name)}


# ----------------------------------------------------------------- metamorphic: limits


def _limit_bounds(document: Data) -> list[tuple[str, int, str, str]]:
    """Every limit bound written in a document: (actor, constraint index, metric, side)."""
    return [
        (actor_id, index, metric, side)
        for actor_id, actor in document["actors"].items()
        for index, constraint in enumerate(actor.get("constraints", []))
        for metric, bound in constraint.get("limit", {}).items()
        for side in ("min", "max")
        if side in bound
    ]


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None)
@given(st.data())
def test_property_relaxed_limit_never_removes_an_acceptable_package(
    engine: Engine, data: st.DataObject
) -> None:
    """Lowering a min or raising a max keeps every acceptable package acceptable."""
    document = data.draw(scenario_data(), label="scenario")
    bounds = _limit_bounds(document)
    if not bounds:  # nothing to relax: make one so every example counts
        actor = next(iter(document["actors"]))
        metric = next(iter(load(document).metrics))
        document["actors"][actor].setdefault("constraints", []).append(
            {"limit": {metric: {"min": 0.2}}}
        )
        bounds = _limit_bounds(document)
    before = load(document)
    actor, index, metric, side = data.draw(st.sampled_from(bounds), label="bound")
    bound = before.actors[actor].constraints[index].limit[metric]  # type: ignore[index]
    noisy = before.metrics[metric].combine == "noisy_or"
    step = data.draw(st.integers(0, 5), label="steps") * (0.05 if noisy else 1)
    changed = copy.deepcopy(document)
    written = changed["actors"][actor]["constraints"][index]["limit"][metric]
    if side == "min":
        low = bound.min.best - step  # type: ignore[union-attr]
        written["min"] = max(low, 0.0) if noisy else low
    else:
        high = bound.max.best + step  # type: ignore[union-attr]
        written["max"] = min(high, 1.0) if noisy else high
    old = {frozenset(p) for p in engine(before)["acceptable"]}
    new = {frozenset(p) for p in engine(load(changed))["acceptable"]}
    assert old <= new


# --------------------------------------------------------- metamorphic: names and order

_WORD = re.compile(r"\b[a-z][a-z0-9_]*\b")


def rename_document(document: Data, names: dict[str, str], actors: dict[str, str]) -> Data:
    """The same document with option ids and tags renamed by `names`, actor ids by `actors`."""

    def one(name: str) -> str:
        return names.get(name, name)

    def many(value: str | list[str]) -> str | list[str]:
        return one(value) if isinstance(value, str) else [one(n) for n in value]

    def text(expression: str) -> str:
        return _WORD.sub(lambda m: one(m.group(0)), expression)

    out = copy.deepcopy(document)
    options = {}
    for option_id, option in out["options"].items():
        if "tags" in option:
            option["tags"] = many(option["tags"])
        if "provided_by" in option:
            option["provided_by"] = [actors[a] for a in option["provided_by"]]
        if "controlled_by" in option:
            option["controlled_by"] = actors[option["controlled_by"]]
        options[one(option_id)] = option
    out["options"] = options
    for interaction in out.get("interactions", []):
        interaction["all_of"] = many(interaction["all_of"])
    for rule in out.get("rules", []):
        if "requires" in rule:
            rule["requires"] = {one(a): many(b) for a, b in rule["requires"].items()}
        for kind in ("excludes", "one_of"):
            if kind in rule:
                rule[kind] = many(rule[kind])
        if "condition" in rule:
            rule["condition"] = text(rule["condition"])
    if "status_quo" in out:
        out["status_quo"] = many(out["status_quo"])
    renamed_actors = {}
    for actor_id, actor in out["actors"].items():
        for constraint in actor.get("constraints", []):
            for kind in ("veto", "demand", "demand_any"):
                if kind in constraint:
                    constraint[kind] = many(constraint[kind])
            if "condition" in constraint:
                constraint["condition"] = text(constraint["condition"])
        if "priorities" in actor:
            actor["priorities"] = [text(p) for p in actor["priorities"]]
        if "utility" in actor:
            actor["utility"] = {one(k): v for k, v in actor["utility"].items()}
        renamed_actors[actors[actor_id]] = actor
    out["actors"] = renamed_actors
    return out


def rename_view(view: View, options: dict[str, str], actors: dict[str, str]) -> View:
    """A report view with option ids and actor ids (also inside labels) mapped."""

    def pkg(package: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(options[o] for o in package)

    def label(text: str) -> str:
        actor, sep, rest = text.partition("#") if "#" in text else text.partition(".")
        return f"{actors[actor]}{sep}{rest}"

    return {
        "counts": view["counts"],
        "acceptable": [pkg(p) for p in view["acceptable"]],
        "minimal": [pkg(p) for p in view["minimal"]],
        "frontier": [(b, r, [(pkg(p), ok) for p, ok in ps]) for b, r, ps in view["frontier"]],
        "tradeoffs": [
            (pkg(p), [(label(c), misses) for c, misses in fails]) for p, fails in view["tradeoffs"]
        ],
        "blocks": [(actors[a], *rest) for a, *rest in view["blocks"]],
        "sole_blockers": [actors[a] for a in view["sole_blockers"]],
        "constraint_fails": [(label(c), n) for c, n in view["constraint_fails"]],
        "concessions": [
            (tuple(label(c) for c in cs), pkg(p), shift) for cs, p, shift in view["concessions"]
        ],
        "package_metrics": {pkg(p): m for p, m in view["package_metrics"].items()},
    }


def order_free(view: View, benefit: str, risk: str) -> dict[str, Any]:
    """What of a view cannot depend on the file order of options and actors.

    Ranked lists may differ only in tie-breaks by position: their sets must agree, and so
    must the sequence of (benefit, risk, size) keys. A concession's package may be another
    one of equal shift and rank, but each concession's shift is fixed.
    """
    metrics = view["package_metrics"]

    def key(package: tuple[str, ...]) -> tuple[int, int, int]:
        return (metrics[package][benefit], metrics[package][risk], len(package))

    return {
        "counts": view["counts"],
        "acceptable": {frozenset(p) for p in view["acceptable"]},
        "acceptable keys": [key(p) for p in view["acceptable"]],
        "minimal": {frozenset(p) for p in view["minimal"]},
        "minimal keys": [key(p) for p in view["minimal"]],
        "frontier": [(b, r, {(frozenset(p), ok) for p, ok in ps}) for b, r, ps in view["frontier"]],
        "tradeoffs": {
            (frozenset(p), frozenset((c, tuple(misses)) for c, misses in fails))
            for p, fails in view["tradeoffs"]
        },
        "blocks": set(view["blocks"]),
        "sole_blockers": set(view["sole_blockers"]),
        "constraint_fails": set(view["constraint_fails"]),
        "concessions": {(frozenset(cs), shift) for cs, _, shift in view["concessions"]},
        "concession shifts": [(len(cs), shift) for cs, _, shift in view["concessions"]],
        "package_metrics": {
            frozenset(p): metrics[p]
            for p in view["acceptable"] + [p for _, _, ps in view["frontier"] for p, _ in ps]
        },
    }


@st.composite
def renamings(draw: st.DrawFn, scenario: Scenario) -> tuple[dict[str, str], dict[str, str]]:
    """A bijection of option ids and tags onto fresh names, and one of actor ids."""
    option_ids, tags, actors = list(scenario.options), sorted(scenario.tags), list(scenario.actors)
    fresh_options = draw(st.permutations([f"item_{i}" for i in range(len(option_ids))]))
    fresh_tags = draw(st.permutations([f"flag_{i}" for i in range(len(tags))]))
    fresh_actors = draw(st.permutations([f"party_{i}" for i in range(len(actors))]))
    names = dict(zip(option_ids, fresh_options, strict=True)) | dict(
        zip(tags, fresh_tags, strict=True)
    )
    return names, dict(zip(actors, fresh_actors, strict=True))


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=20, deadline=None)
@given(st.data())
def test_property_renaming_changes_only_names(engine: Engine, data: st.DataObject) -> None:
    """A consistent renaming of options, tags and actors gives the same reports, renamed."""
    document = data.draw(scenario_data(), label="scenario")
    scenario = load(document)
    names, actors = data.draw(renamings(scenario), label="renaming")
    renamed = load(rename_document(document, names, actors))
    back = {v: k for k, v in names.items()}, {v: k for k, v in actors.items()}
    assert rename_view(engine(renamed), *back) == engine(scenario)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=20, deadline=None)
@given(st.data())
def test_property_reordering_and_renaming_change_only_tie_breaks(
    engine: Engine, data: st.DataObject
) -> None:
    """Shuffled options and actors (renamed too) give the same sets, points and counts."""
    document = data.draw(scenario_data(), label="scenario")
    scenario = load(document)
    option_order = data.draw(st.permutations(list(document["options"])), label="options")
    actor_order = data.draw(st.permutations(list(document["actors"])), label="actors")
    shuffled = dict(document)
    shuffled["options"] = {o: document["options"][o] for o in option_order}
    shuffled["actors"] = {a: document["actors"][a] for a in actor_order}
    names, actors = data.draw(renamings(scenario), label="renaming")
    changed = load(rename_document(shuffled, names, actors))
    back = {v: k for k, v in names.items()}, {v: k for k, v in actors.items()}
    benefit, risk = scenario.tradeoff.benefit, scenario.tradeoff.risk
    expected = order_free(engine(scenario), benefit, risk)
    got = order_free(rename_view(engine(changed), *back), benefit, risk)
    for report in expected:
        assert got[report] == expected[report], f"report {report!r} differs"
