"""The stability analysis against a brute-force reference written from the definitions.

Explicit conflicts (any directed moves, ties in preferences) check the concepts and the
last-mover rule for two and three decision makers; small option-form scenarios check the
moves built from `controlled_by` and `one_way`. Also: Nash implies SMR implies GMR, Nash
implies SEQ implies GMR, and renaming options and actors changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from stability_reference import improving, option_moves, reachable, stable

from guarantees.model.format.load import loads
from guarantees.model.stability.analysis import analyse
from guarantees.model.stability.conflict import CONCEPTS, Conflict, best_reply, stability


@st.composite
def conflicts(draw: st.DrawFn) -> tuple[list[dict[int, set[int]]], list[list[int]]]:
    """2 or 3 decision makers over up to 7 states, with any moves and tied payoffs."""
    size = draw(st.integers(1, 7))
    people = draw(st.integers(2, 3))
    moves = []
    for _ in range(people):
        graph = {}
        for s in range(size):
            graph[s] = set(draw(st.sets(st.integers(0, size - 1), max_size=size))) - {s}
        moves.append(graph)
    payoffs = [draw(st.lists(st.integers(0, 3), min_size=size, max_size=size)) for _ in moves]
    return moves, payoffs


def as_conflict(moves: list[dict[int, set[int]]], payoffs: list[list[int]]) -> Conflict:
    """Padded move matrices and dense ranks, as the analysis holds them."""
    size = len(payoffs[0])
    width = max([len(t) for g in moves for t in g.values()] + [0])
    padded = []
    for graph in moves:
        rows = [sorted(graph[s]) + [size] * (width - len(graph[s])) for s in range(size)]
        padded.append(np.array(rows, dtype=np.int32).reshape(size, width))
    ranks = tuple(np.unique(p, return_inverse=True)[1].astype(np.int64) for p in payoffs)
    return Conflict(size, tuple(padded), ranks)


@settings(max_examples=300, deadline=None)
@given(conflicts())
def test_concepts_match_the_definitions(case: tuple[Any, Any]) -> None:
    moves, payoffs = case
    conflict = as_conflict(moves, payoffs)
    for who in range(len(moves)):
        found = stability(conflict, who)
        for state in range(conflict.size):
            expected = stable(moves, payoffs, who, state)
            assert {c: bool(found[c].stable[state]) for c in CONCEPTS} == expected


@settings(max_examples=300, deadline=None)
@given(conflicts())
def test_concepts_imply_each_other(case: tuple[Any, Any]) -> None:
    conflict = as_conflict(*case)
    for who in range(len(conflict.moves)):
        v = {c: verdict.stable for c, verdict in stability(conflict, who).items()}
        assert not (v["nash"] & ~v["smr"]).any()
        assert not (v["smr"] & ~v["gmr"]).any()
        assert not (v["nash"] & ~v["seq"]).any()
        assert not (v["seq"] & ~v["gmr"]).any()


@settings(max_examples=300, deadline=None)
@given(conflicts())
def test_witnesses_are_improvements_and_the_answers_to_them(case: tuple[Any, Any]) -> None:
    """The move is an improvement; the sanction is reachable after it under the concept's
    rules, and liked better than staying (a defection) or no better (a deterred move)."""
    moves, payoffs = case
    conflict = as_conflict(moves, payoffs)
    for who in range(len(moves)):
        payoff = conflict.payoffs[who]
        others = [k for k in range(len(moves)) if k != who]
        better = [improving(moves[k], payoffs[k]) for k in range(len(moves))]
        for concept, verdict in stability(conflict, who).items():
            # under SMR the answer fails because the actor can move on from it
            after = best_reply(conflict, who) if concept == "smr" else payoff
            for state in np.flatnonzero(verdict.move >= 0):
                move, sanction = verdict.move[state], verdict.sanction[state]
                assert move in moves[who][state]
                assert payoff[move] > payoff[state]
                if sanction < 0:
                    assert not verdict.stable[state]
                    continue
                graph = better if concept == "seq" else moves
                assert sanction in reachable(graph, others, int(move))
                if verdict.stable[state]:
                    assert after[sanction] <= payoff[state]
                else:
                    assert after[sanction] > payoff[state]
            assert all(verdict.move[~verdict.stable] >= 0)


OPTIONS = ("a", "b", "c", "d", "e")


@st.composite
def option_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Up to 5 options held by 2 or 3 actors (some one-way), one rule, utility weights or a
    ranking of every feasible package with ties."""
    n = draw(st.integers(1, 5))
    actors = ["x", "y", "z"][: draw(st.integers(2, 3))]
    options: dict[str, Any] = {}
    for name in OPTIONS[:n]:
        option: dict[str, Any] = {"label": name}
        owner = draw(st.sampled_from([*actors, None]))
        if owner is not None:
            option["controlled_by"] = owner
            way = draw(st.sampled_from([None, None, "take", "drop"]))
            if way is not None:
                option["one_way"] = way
        options[name] = option
    data: dict[str, Any] = {"format": "guarantees/1", "id": "s", "title": "t", "options": options}
    if n >= 2 and draw(st.booleans()):
        data["rules"] = [{"excludes": list(draw(st.permutations(OPTIONS[:n])))[:2]}]
    data["actors"] = {}
    for actor in actors:
        if draw(st.booleans()):
            data["actors"][actor] = {"name": actor, "ranking": draw(rankings(_feasible(data)))}
            continue
        weights = {o: draw(st.integers(-2, 2)) for o in OPTIONS[:n]}
        weights = {o: w for o, w in weights.items() if w} or {OPTIONS[0]: 1}
        data["actors"][actor] = {"name": actor, "utility": weights}
    if draw(st.booleans()):
        data["status_quo"] = []
    return data


@st.composite
def rankings(draw: st.DrawFn, packages: list[frozenset[str]]) -> list[Any]:
    """Every package once, in a drawn order, neighbours sometimes tied."""
    order = [sorted(p) for p in draw(st.permutations(packages))]
    entries: list[list[list[str]]] = []
    for package in order:
        if entries and draw(st.booleans()):
            entries[-1].append(package)
        else:
            entries.append([package])
    return [group[0] if len(group) == 1 else {"tie": group} for group in entries]


def _payoff(actor: dict[str, Any], package: frozenset[str]) -> int:
    """The reference's payoff: the utility sum, or minus the ranking position."""
    if "utility" in actor:
        return sum(actor["utility"].get(o, 0) for o in package)
    for position, entry in enumerate(actor["ranking"]):
        group = entry["tie"] if isinstance(entry, dict) else [entry]
        if package in {frozenset(p) for p in group}:
            return -position
    raise AssertionError(f"{sorted(package)} is not ranked")


def _feasible(data: dict[str, Any]) -> list[frozenset[str]]:
    names = list(data["options"])
    packages = []
    for bits in range(1 << len(names)):
        package = frozenset(o for i, o in enumerate(names) if bits >> i & 1)
        if all(len(package & set(r["excludes"])) <= 1 for r in data.get("rules", [])):
            packages.append(package)
    return packages


@settings(max_examples=150, deadline=None)
@given(option_scenarios())
def test_option_form_matches_the_definitions(data: dict[str, Any]) -> None:
    packages = _feasible(data)
    actors = list(data["actors"])
    controls = [
        frozenset(o for o, opt in data["options"].items() if opt.get("controlled_by") == a)
        for a in actors
    ]
    one_way = {o: opt["one_way"] for o, opt in data["options"].items() if "one_way" in opt}
    moves = option_moves(packages, controls, one_way)
    payoffs = [[_payoff(data["actors"][a], p) for p in packages] for a in actors]
    expected = {
        c: {
            packages[s]
            for s in range(len(packages))
            if all(stable(moves, payoffs, k, s)[c] for k in range(len(actors)))
        }
        for c in CONCEPTS
    }
    result = analyse(loads(json.dumps(data)))
    assert {c: {frozenset(p) for p in ps} for c, ps in result.equilibria.items()} == expected


def _renamed_actor(name: str, actor: dict[str, Any], option_map: dict[str, str]) -> dict[str, Any]:
    """An actor's preference with its option ids renamed."""
    if "utility" in actor:
        return {"name": name, "utility": {option_map[o]: w for o, w in actor["utility"].items()}}

    def package(p: list[str]) -> list[str]:
        return [option_map[o] for o in p]

    ranking = [
        {"tie": [package(p) for p in e["tie"]]} if isinstance(e, dict) else package(e)
        for e in actor["ranking"]
    ]
    return {"name": name, "ranking": ranking}


def _renamed(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The same scenario with new option and actor ids, options in reverse order."""
    option_map = {o: f"opt_{o}" for o in data["options"]}
    actor_map = {a: f"who_{a}" for a in data["actors"]}
    options = {}
    for name, option in reversed(list(data["options"].items())):
        option = dict(option)
        if "controlled_by" in option:
            option["controlled_by"] = actor_map[option["controlled_by"]]
        options[option_map[name]] = option
    out = dict(data, options=options)
    out["actors"] = {
        actor_map[a]: _renamed_actor(a, v, option_map) for a, v in data["actors"].items()
    }
    if "rules" in data:
        out["rules"] = [{"excludes": [option_map[o] for o in r["excludes"]]} for r in data["rules"]]
    return out, option_map


@settings(max_examples=100, deadline=None)
@given(option_scenarios())
def test_renaming_changes_nothing(data: dict[str, Any]) -> None:
    renamed, option_map = _renamed(data)
    before = analyse(loads(json.dumps(data)))
    after = analyse(loads(json.dumps(renamed)))
    for concept in CONCEPTS:
        mapped = {frozenset(option_map[o] for o in p) for p in before.equilibria[concept]}
        assert mapped == {frozenset(p) for p in after.equilibria[concept]}
