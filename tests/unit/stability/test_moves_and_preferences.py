"""Moves in option form (one-way options) and the three preference forms, on small cases."""

from __future__ import annotations

import numpy as np

from guarantees.model.format.load import loads
from guarantees.model.stability.build import Model, build

HEAD = "format: guarantees/1\nid: s\ntitle: t\n"


def _packages(text: str) -> tuple[list[frozenset[str]], Model]:
    model = build(loads(HEAD + text))
    return [frozenset(model.options(s)) for s in range(model.conflict.size)], model


def test_one_way_options_are_never_dropped_or_taken_back() -> None:
    text = (
        "options:\n  recognise: {label: R, controlled_by: x, one_way: take}\n"
        "  withdraw: {label: W, controlled_by: x, one_way: drop}\nactors:\n  x: {name: X}\n"
    )
    packages, model = _packages(text)
    moves = model.conflict.moves[0]
    size = model.conflict.size
    reach = {packages[s]: {packages[t] for t in moves[s].tolist() if t < size} for s in range(size)}
    r, w = frozenset({"recognise"}), frozenset({"withdraw"})
    assert reach[frozenset()] == {r}  # may recognise, may not take 'withdraw' back
    assert reach[w] == {frozenset(), r | w, r}  # may drop 'withdraw', recognise, or both
    assert reach[r] == set()  # recognition stays, 'withdraw' cannot be taken
    assert reach[r | w] == {r}


def _ranks(actor: str, options: str = "a, b") -> list[int]:
    names = [o.strip() for o in options.split(",")]
    declared = "".join(f"  {o}: {{label: {o}, controlled_by: x, deterrence: 0.1}}\n" for o in names)
    _, model = _packages(f"options:\n{declared}actors:\n  x:\n    name: X\n{actor}")
    return model.conflict.payoffs[0].tolist()


def test_priorities_are_lexicographic_and_tie_what_they_do_not_tell_apart() -> None:
    # states in mask order: [], [a], [b], [a, b]
    assert _ranks('    priorities: ["not a", "b"]\n') == [2, 0, 3, 1]
    assert _ranks('    priorities: ["a or b"]\n') == [0, 1, 1, 1]


def test_utility_ties_on_the_tolerance_grid() -> None:
    # 0.1 + 0.2 and 0.3 tie, though in floating point 0.1 + 0.2 > 0.3
    ranks = _ranks("    utility: {a: 0.1, b: 0.2, c: 0.3}\n", "a, b, c")
    by_package = dict(zip(["", "a", "b", "ab", "c", "ac", "bc", "abc"], ranks, strict=True))
    assert by_package["ab"] == by_package["c"]
    assert by_package["abc"] > by_package["bc"] > by_package["ac"] > by_package["ab"]


def test_utility_weights_metrics_by_their_value() -> None:
    # deterrence (noisy-or of 0.1 each): 0, 0.1, 0.1, 0.19; a weight of -1 prefers none
    assert _ranks("    utility: {deterrence: -1}\n") == [2, 1, 1, 0]


def test_a_ranking_with_ties() -> None:
    ranking = "    ranking:\n      - [b]\n      - {tie: [[], [a, b]]}\n      - [a]\n"
    assert _ranks(ranking) == [2, 1, 3, 2]  # higher is better; only the order matters


def test_an_actor_without_preferences_is_indifferent() -> None:
    assert np.array_equal(_ranks(""), [0, 0, 0, 0])
