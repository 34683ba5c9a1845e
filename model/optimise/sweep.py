"""The exact (benefit, risk) frontier by a Pareto sweep over the options, without a solver.

Applies when benefit and risk are sums or noisy-ors and no rule compares a metric (rules on
options only). Options are added one at a time in internal bit order; each partial package
keeps its running sum or running product of (1 - t), computed by the very operations of
judge.metric_value, so that a partial's order is kept exactly under any extension (adding
the same integer, or multiplying by the same positive float, is monotone in floating point).
Partials are grouped by a class: their choices on the options that an unchecked rule or an
interaction of benefit or risk still reads. Within a class a partial q removes p when

* q is at least as good on both axes and comes first on the rest of the rank key (fewer
  options, then earlier options in file order: both kept by any common extension), so p can
  never be the first package of a frontier point; or
* q is at least as good on both axes and better on one by more than a grid step after any
  extension (the least remaining product bounds how much a difference can shrink), so p can
  never be on the frontier.

What is left at the end holds the first package of every frontier point; their values are
computed exactly (judge.metric_value) and swept in rank-key order. The sweep gives up (None)
when it follows more than MAX_LIVE options at once or weighs more than MAX_STATES
partials; the solver answers then.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from ..exact import ir
from ..exact.compile import CompiledScenario
from ..exact.values import SCALE
from .judge import holds, metric_value

#: Partials weighed over the whole sweep (every class, every option) past which it gives up:
#: about 2 s of work. The generated scenarios weigh about 32,000 at 60 options and 142,000
#: at 100; at 200 options their noisy-ors reach 1 on the grid and ties keep millions.
MAX_STATES = 400_000
#: Options read by unchecked rules and interactions at once, past which it gives up.
MAX_LIVE = 12
#: Grid steps a difference must exceed to count as strict after any extension (float room).
STEP_ROOM = 1.001

#: (partial benefit, partial risk, size, file-order key, internal mask); the file-order key
#: has the option at file position p on bit n-1-p (larger is earlier, as in ranking.py).
State = tuple[float | int, float | int, int, int, int]


@dataclass(frozen=True)
class Axis:
    """One of the two compared metrics: its combination, orientation, per-bit terms."""

    metric: int
    noisy: bool
    higher: bool
    terms: tuple[float | int | None, ...]  # per bit: the factor 1 - t, or the sum term

    def start(self) -> float | int:
        return 1.0 if self.noisy else 0

    def add(self, partial: float | int, bit: int) -> float | int:
        term = self.terms[bit]
        if term is None:
            return partial
        return partial * term if self.noisy else partial + term

    def key(self, partial: float | int) -> float | int:
        """Smaller is better: a running product falls as a noisy-or rises."""
        if self.noisy:
            return partial if self.higher else -partial
        return -partial if self.higher else partial

    def step(self, least_product: float) -> float:
        """How much smaller a key must be to stay a grid step better after any extension."""
        if not self.noisy:
            return 0.5  # sums are whole grid numbers, kept exactly
        if least_product <= 0.0:
            return math.inf
        return STEP_ROOM / (SCALE * least_product)


def _axis(c: CompiledScenario, metric: int) -> Axis | None:
    m = c.metrics[metric]
    if m.combine not in ("sum", "noisy_or"):
        return None
    terms: list[float | int | None] = []
    for b in range(c.n):
        if math.isnan(m.terms[b]):
            terms.append(None)
        elif m.combine == "noisy_or":
            terms.append(1.0 - float(m.term(b)))
        else:
            terms.append(int(m.term(b)))
    return Axis(metric, m.combine == "noisy_or", m.higher, tuple(terms))


def _least_products(c: CompiledScenario, axis: Axis) -> list[float]:
    """Per bit i: a lower bound on the product of factors any extension past bit i adds
    (options above i, then every interaction); 1 for sums (unused)."""
    if not axis.noisy:
        return [1.0] * c.n
    inter = 1.0
    for _, t in c.metrics[axis.metric].interactions:
        inter *= min(1.0, 1.0 - float(t))
    out = [0.0] * c.n
    rest = inter
    for b in reversed(range(c.n)):
        out[b] = rest * (1.0 - 1e-12)  # room for rounding in the products
        term = axis.terms[b]
        if isinstance(term, float):
            rest *= min(1.0, term)
    return out


def _support(node: ir.Node) -> int | None:
    """The options a rule reads (a mask); None when it compares a metric."""
    match node:
        case ir.Const(_):
            return 0
        case ir.Has(mask) | ir.CountCmp(mask, _, _):
            return mask
        case ir.Not(operand):
            return _support(operand)
        case ir.All(items) | ir.Any_(items):
            out = 0
            for item in items:
                got = _support(item)
                if got is None:
                    return None
                out |= got
            return out
        case ir.Iff(left, right):
            a, b = _support(left), _support(right)
            return None if a is None or b is None else a | b
    return None


def frontier(c: CompiledScenario) -> list[tuple[int, int, int]] | None:
    """(oriented benefit, oriented risk, internal mask of its first package by rank key) of
    every frontier point over the feasible packages, best benefit first; None when the
    sweep does not apply (see the module docstring)."""
    axes = (_axis(c, c.benefit), _axis(c, c.risk))
    supports = [_support(rule.ok) for rule in c.rules]
    if axes[0] is None or axes[1] is None or any(s is None for s in supports):
        return None
    final = _sweep(c, axes[0], axes[1], [s or 0 for s in supports])
    if final is None:
        return None
    return _points(c, axes[0], axes[1], final)


def _sweep(
    c: CompiledScenario, ax: Axis, ay: Axis, supports: list[int]
) -> dict[int, list[State]] | None:
    """Every class's surviving partials after the last option."""
    linked = 0
    for axis in (ax, ay):
        for mask, _ in c.metrics[axis.metric].interactions:
            linked |= mask
    last = {k: s.bit_length() - 1 for k, s in enumerate(supports)}
    least = (_least_products(c, ax), _least_products(c, ay))
    if not all(holds(c.rules[k].ok, 0, []) for k, at in last.items() if at < 0):
        return {}  # a rule on no option (`false`) that fails: nothing is feasible
    classes: dict[int, list[State]] = {0: [(ax.start(), ay.start(), 0, 0, 0)]}
    weighed = 0
    for bit in range(c.n):
        order = 1 << (c.n - 1 - c.perm[bit])
        grown: dict[int, list[State]] = {}
        for key, states in classes.items():
            grown.setdefault(key, []).extend(states)
            grown.setdefault(key | 1 << bit, []).extend(
                (ax.add(p, bit), ay.add(r, bit), size + 1, rev + order, mask | 1 << bit)
                for p, r, size, rev, mask in states
            )
        checked = [k for k, at in last.items() if at == bit]
        live = linked | _union(s for k, s in enumerate(supports) if last[k] > bit)
        if (live & ((1 << (bit + 1)) - 1)).bit_count() > MAX_LIVE:
            return None
        classes = {}
        for key, states in grown.items():
            if not all(holds(c.rules[k].ok, key, []) for k in checked):
                continue
            classes.setdefault(key & live, []).extend(states)
        steps = (ax.step(least[0][bit]), ay.step(least[1][bit]))
        for key, states in classes.items():
            weighed += len(states)
            if weighed > MAX_STATES:
                return None
            classes[key] = _prune(states, ax, ay, steps)
    return classes


def _union(masks: Iterable[int]) -> int:
    out = 0
    for mask in masks:
        out |= mask
    return out


def _prune(states: list[State], ax: Axis, ay: Axis, steps: tuple[float, float]) -> list[State]:
    """The partials no other partial of the class removes (see the module docstring)."""
    keyed = [(ax.key(s[0]), ay.key(s[1]), s) for s in states]
    strong = _strictly_beaten(keyed, steps)
    keyed = [k for k, beaten in zip(keyed, strong, strict=True) if not beaten]
    keyed.sort(key=lambda k: (k[2][2], -k[2][3]))  # fewer options, then earlier ones
    stair_x: list[float | int] = []
    stair_y: list[float | int] = []  # falling as stair_x rises
    kept = []
    for x, y, state in keyed:
        at = bisect_right(stair_x, x)
        if at and stair_y[at - 1] <= y:
            continue
        lo = bisect_left(stair_x, x)
        hi = at
        while hi < len(stair_y) and stair_y[hi] >= y:
            hi += 1
        stair_x[lo:hi] = [x]
        stair_y[lo:hi] = [y]
        kept.append(state)
    return kept


def _strictly_beaten(
    keyed: list[tuple[float | int, float | int, State]], steps: tuple[float, float]
) -> list[bool]:
    """Per partial: whether another is as good on both keys and better by a step on one."""
    out = [False] * len(keyed)
    xs, ys = [k[0] for k in keyed], [k[1] for k in keyed]
    for mine, other, step in ((xs, ys, steps[0]), (ys, xs, steps[1])):
        if math.isinf(step):
            continue
        order = sorted(range(len(keyed)), key=mine.__getitem__)
        sorted_keys = [mine[i] for i in order]
        least: list[float | int] = []  # the least other key among the first i by this key
        for i in order:
            least.append(other[i] if not least or other[i] < least[-1] else least[-1])
        for i in range(len(keyed)):
            at = bisect_right(sorted_keys, mine[i] - step)
            if at and least[at - 1] <= other[i]:
                out[i] = True
    return out


def _points(
    c: CompiledScenario, ax: Axis, ay: Axis, classes: dict[int, list[State]]
) -> list[tuple[int, int, int]]:
    """The frontier among the surviving packages, on exact values, in rank-key order."""
    ranked = []
    for states in classes.values():
        for _, _, size, rev, mask in states:
            b = metric_value(c, ax.metric, mask)
            r = metric_value(c, ay.metric, mask)
            b, r = (b if ax.higher else -b), (r if ay.higher else -r)
            ranked.append((-b, -r, size, -rev, mask))
    ranked.sort()
    out: list[tuple[int, int, int]] = []
    for b, r, _, _, mask in ranked:
        if not out or -r > out[-1][1]:
            out.append((-b, -r, mask))
    return out
