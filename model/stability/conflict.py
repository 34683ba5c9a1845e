"""The graph model in arrays: moves, payoffs, and the four stability concepts for every state.

A conflict has `size` states. A decision maker's moves are a matrix (states x k) holding in row
s the states it can reach from s in one move, padded with `size` (no move). Payoffs are ranks,
higher is better, equal is a tie. Following Fang, Hipel and Kilgour (1993), for a decision
maker i at state s, with H the other decision makers:

- Nash: i has no unilateral improvement from s;
- GMR: every improvement s1 of i can be answered by some state s2 in R_H(s1) with
  s2 no better than s for i;
- SMR: as GMR, and no move of i from that s2 is better than s for i either;
- SEQ: as GMR, but s2 is reached by the others' own unilateral improvements only.

R_H(s1) is what H can reach from s1 by a sequence of moves in which nobody moves twice in a
row (anyone may move again later). Instead of building R_H as a matrix per state (Xu, Hipel and
Kilgour's formulation), `reach_min` propagates, per last mover, the least score reachable: the
question each concept asks of R_H(s1) is only whether its least score is at most i's payoff at
s. That is a fixpoint over arrays of states, memory linear in the moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Targets of moves as int32 (2^20 states at most): half the memory of intp.
Moves = NDArray[np.int32]
Ranks = NDArray[np.int64]
Bools = NDArray[np.bool_]
#: No state: a packed score above every real one (the others cannot move).
NONE = np.iinfo(np.int64).max
CONCEPTS = ("nash", "gmr", "smr", "seq")
_SHIFT = np.int64(32)


@dataclass(frozen=True)
class Conflict:
    """States 0..size-1; per decision maker its moves (padded with `size`) and payoff ranks."""

    size: int
    moves: tuple[Moves, ...]
    payoffs: tuple[Ranks, ...]


@dataclass(frozen=True)
class Verdicts:
    """One decision maker's stability under one concept, with a witness for every state.

    Where s is unstable, `move[s]` is an improvement that no sanction deters and `sanction[s]`
    the harshest state the others can reach after it, which the decision maker still likes
    better than s (-1: they have no answer at all). Where s is stable but the decision maker
    has an improvement, `move[s]` is its first improvement and `sanction[s]` the answer that
    deters it. Otherwise both are -1.
    """

    stable: Bools
    move: NDArray[np.intp]
    sanction: NDArray[np.intp]


def improvements(conflict: Conflict, who: int) -> Moves:
    """The moves of `who` to states it strictly prefers (other entries become `size`)."""
    moves, payoff = conflict.moves[who], conflict.payoffs[who]
    better = np.append(payoff, np.int64(-1))[moves] > payoff[:, None]
    return np.where(better, moves, conflict.size)


def _least(values: Ranks, moves: Moves) -> Ranks:
    """Per state, the least value among the targets of its moves (NONE when it has none)."""
    if moves.shape[1] == 0:
        return np.full(moves.shape[0], NONE, dtype=np.int64)
    least: Ranks = np.append(values, np.int64(NONE))[moves].min(axis=1)
    return least


def _least_but(values: list[Ranks], skip: int) -> Ranks:
    """Elementwise minimum of all arrays but one (NONE when no other)."""
    out = np.full(values[0].shape, NONE, dtype=np.int64)
    for k, array in enumerate(values):
        if k != skip:
            np.minimum(out, array, out=out)
    return out


def reach_min(score: Ranks, coalition: list[Moves]) -> Ranks:
    """Per state s1, the least score over R_H(s1), the states the coalition's moves reach.

    `last[j][u]` is the least score reachable from u (u included) once j has made the last
    move, so that j may not move next; each round lets paths grow by one move, until nothing
    changes (scores only fall, and there are finitely many).
    """
    if not coalition:
        return np.full(score.shape, NONE, dtype=np.int64)
    last = [score.copy() for _ in coalition]
    while True:
        first = [_least(v, m) for v, m in zip(last, coalition, strict=True)]
        new = [np.minimum(score, _least_but(first, j)) for j in range(len(coalition))]
        if all(np.array_equal(a, b) for a, b in zip(new, last, strict=True)):
            return _least_but(first, -1)
        last = new


def packed(payoff: Ranks) -> Ranks:
    """Scores that order by payoff, then by state: the least names its state (low 32 bits)."""
    return (payoff << _SHIFT) | np.arange(payoff.size, dtype=np.int64)


def _verdicts(conflict: Conflict, who: int, reached: Ranks, ui: Moves) -> Verdicts:
    """Stable where every improvement (`ui`, the decision maker's) leads to a least reachable
    payoff no better than now."""
    size, payoff = conflict.size, conflict.payoffs[who]
    if ui.shape[1] == 0:  # no moves at all
        none = np.full(size, -1, dtype=np.intp)
        return Verdicts(np.ones(size, dtype=np.bool_), none, none.copy())
    worst = np.append(reached, np.int64(-1))[ui]  # -1: the padding, never an improvement
    deterred = (worst >> _SHIFT) <= payoff[:, None]
    stable: Bools = np.asarray(deterred.all(axis=1), dtype=np.bool_)
    first_move = np.argmax(ui < size, axis=1)
    column = np.where(stable, first_move, np.argmin(deterred, axis=1))
    rows = np.arange(size)
    target = ui[rows, column]
    least = worst[rows, column]
    move = np.where(target < size, target, -1)
    sanction = np.where((move < 0) | (least == NONE), -1, least & np.int64(0xFFFFFFFF))
    return Verdicts(stable, move.astype(np.intp), sanction.astype(np.intp))


def best_reply(conflict: Conflict, who: int) -> Ranks:
    """Per state, the best payoff `who` can have there or one move away."""
    moves, payoff = conflict.moves[who], conflict.payoffs[who]
    if moves.shape[1] == 0:
        return payoff.copy()
    away = np.append(payoff, np.int64(-1))[moves].max(axis=1)
    best: Ranks = np.maximum(payoff, away)
    return best


def stability(
    conflict: Conflict, who: int, improving: list[Moves] | None = None
) -> dict[str, Verdicts]:
    """Nash, GMR, SMR and SEQ verdicts of one decision maker for every state (`improving`:
    every decision maker's improvements, when the caller has them already)."""
    ups = improving if improving is not None else all_improvements(conflict)
    others = [k for k in range(len(conflict.moves)) if k != who]
    score = packed(conflict.payoffs[who])
    coalition = [conflict.moves[k] for k in others]
    smr = packed(best_reply(conflict, who))
    nobody = np.full(conflict.size, NONE, dtype=np.int64)
    return {
        "nash": _verdicts(conflict, who, nobody, ups[who]),
        "gmr": _verdicts(conflict, who, reach_min(score, coalition), ups[who]),
        "smr": _verdicts(conflict, who, reach_min(smr, coalition), ups[who]),
        "seq": _verdicts(conflict, who, reach_min(score, [ups[k] for k in others]), ups[who]),
    }


def all_improvements(conflict: Conflict) -> list[Moves]:
    """Every decision maker's unilateral improvements, in order."""
    return [improvements(conflict, k) for k in range(len(conflict.moves))]


@dataclass(frozen=True)
class Paths:
    """Shortest sequences of unilateral improvements from one state (a BFS tree).

    `distance[s]` is the number of moves to s (-1: unreachable); `parent[s]` the state before
    s on one shortest path, `mover[s]` the decision maker who moves from there to s.
    """

    distance: NDArray[np.intp]
    parent: NDArray[np.intp]
    mover: NDArray[np.intp]

    def path(self, state: int) -> list[tuple[int, int, int]]:
        """(mover, from, to) steps from the start to `state` ([] if it is the start or out of
        reach)."""
        steps = []
        while self.distance[state] > 0:
            before = int(self.parent[state])
            steps.append((int(self.mover[state]), before, state))
            state = before
        return steps[::-1]


def improvement_paths(
    conflict: Conflict, start: int, improving: list[Moves] | None = None
) -> Paths:
    """Breadth-first search from `start` over every decision maker's unilateral improvements
    (`improving`, when the caller has them already)."""
    size = conflict.size
    distance = np.full(size, -1, dtype=np.intp)
    parent = np.full(size, -1, dtype=np.intp)
    mover = np.full(size, -1, dtype=np.intp)
    improving = improving if improving is not None else all_improvements(conflict)
    distance[start] = 0
    frontier = np.array([start], dtype=np.intp)
    level = 0
    while frontier.size:
        level += 1
        sources, targets, movers = [], [], []
        for k, moves in enumerate(improving):
            reach = moves[frontier]
            sources.append(np.repeat(frontier, reach.shape[1]))
            targets.append(reach.ravel())
            movers.append(np.full(reach.size, k, dtype=np.intp))
        src, dst, who = np.concatenate(sources), np.concatenate(targets), np.concatenate(movers)
        keep = dst < size
        keep[keep] = distance[dst[keep]] < 0
        reached, first = np.unique(dst[keep], return_index=True)
        distance[reached] = level
        parent[reached] = src[keep][first]
        mover[reached] = who[keep][first]
        frontier = reached.astype(np.intp)
    return Paths(distance, parent, mover)
