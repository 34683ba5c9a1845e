"""A brute-force reference for the stability analysis, written from the definitions alone.

A conflict is given explicitly: for each decision maker a set of moves (state -> states) and
a payoff per state (higher is better). Reachable sets follow Fang, Hipel and Kilgour (1993):
R_H(s) holds every state some legal sequence of moves by members of H reaches from s, where
a sequence is legal when no one moves twice in a row; the search is over (state, last mover)
pairs. Nothing here is shared with `guarantees.model.stability`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

Graph = dict[int, set[int]]


def reachable(moves: Sequence[Graph], coalition: Sequence[int], start: int) -> set[int]:
    """R_H(start): states reached by one or more legal moves of the coalition."""
    seen: set[tuple[int, int]] = set()
    todo = [(t, j) for j in coalition for t in moves[j].get(start, set())]
    while todo:
        state, last = todo.pop()
        if (state, last) in seen:
            continue
        seen.add((state, last))
        for k in coalition:
            if k != last:
                todo.extend((t, k) for t in moves[k].get(state, set()))
    return {state for state, _ in seen}


def improving(moves: Graph, payoff: Sequence[int]) -> Graph:
    """The moves to a strictly preferred state."""
    return {s: {t for t in ts if payoff[t] > payoff[s]} for s, ts in moves.items()}


def stable(
    moves: Sequence[Graph], payoffs: Sequence[Sequence[int]], who: int, state: int
) -> dict[str, bool]:
    """Nash, GMR, SMR and SEQ stability of `state` for `who`, by the definitions."""
    p = payoffs[who]
    others = [k for k in range(len(moves)) if k != who]
    ups = improving(moves[who], p).get(state, set())
    better = [improving(moves[k], payoffs[k]) for k in range(len(moves))]

    def gmr(s1: int) -> bool:
        return any(p[s2] <= p[state] for s2 in reachable(moves, others, s1))

    def smr(s1: int) -> bool:
        return any(
            p[s2] <= p[state] and all(p[s3] <= p[state] for s3 in moves[who].get(s2, set()))
            for s2 in reachable(moves, others, s1)
        )

    def seq(s1: int) -> bool:
        return any(p[s2] <= p[state] for s2 in reachable(better, others, s1))

    return {
        "nash": not ups,
        "gmr": all(gmr(s1) for s1 in ups),
        "smr": all(smr(s1) for s1 in ups),
        "seq": all(seq(s1) for s1 in ups),
    }


def option_moves(
    packages: Sequence[frozenset[str]],
    controls: Sequence[frozenset[str]],
    one_way: dict[str, str],
) -> list[Graph]:
    """Moves in option form: change a non-empty set of one's own options, to a listed package,
    never dropping a `take` option nor taking a `drop` option."""
    index = {p: i for i, p in enumerate(packages)}
    graphs: list[Graph] = []
    for own in controls:
        graph: Graph = {}
        for i, package in enumerate(packages):
            targets = set()
            for size in range(1, len(own) + 1):
                for change in combinations(sorted(own), size):
                    target = package.symmetric_difference(change)
                    gone, new = package - target, target - package
                    if any(one_way.get(o) == "take" for o in gone):
                        continue
                    if any(one_way.get(o) == "drop" for o in new):
                        continue
                    if target in index:
                        targets.add(index[target])
            graph[i] = targets
        graphs.append(graph)
    return graphs
