"""Points for the trade-off picture: every feasible package's values and status, exactly, and
a fixed sample beyond the display limit that keeps every status and the exact counts."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from guarantees.model import loads
from guarantees.model.errors import TooLargeError
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.points import (
    ACCEPTABLE,
    BLOCKED,
    HELD_BACK,
    limit_lines,
    mix,
    package_points,
    share,
)

#: Every status: a veto and a condition (blocked), limits (trade-offs), a rule, a sum metric.
SCENARIO = """\
format: guarantees/1
id: points
title: Points
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  troops: {combine: sum, better: lower}
options:
  monitors: {label: Monitors, deterrence: 0.1, escalation: 0.02}
  jets: {label: Jets, tags: [air_power], deterrence: 0.3, escalation: 0.1}
  force: {label: Force, deterrence: 0.4, escalation: 0.3, troops: 20}
  backstop: {label: Backstop, deterrence: 0.3, escalation: 0.15}
  sanctions: {label: Sanctions, deterrence: 0.05, escalation: 0.01}
interactions:
  - all_of: [jets, backstop]
    deterrence: 0.1
rules:
  - requires: {backstop: [jets]}
actors:
  kyiv:
    name: Kyiv
    constraints:
      - limit: {deterrence: {min: [0.3, 0.4]}}
  moscow:
    name: Moscow
    constraints:
      - veto: force
      - limit: {escalation: {max: 0.3}}
      - condition: count(air_power) <= 1
  london:
    name: London
    constraints:
      - limit: {troops: {max: 10}}
"""


def _status_by_explain(scenario_text: str) -> dict[frozenset[str], tuple[int, float, float]]:
    """Status and values of every feasible package, one package at a time through explain."""
    scenario = loads(scenario_text)
    hard = {"veto", "demand", "demand_any", "condition"}
    out = {}
    options = list(scenario.options)
    for size in range(len(options) + 1):
        for chosen in combinations(options, size):
            e = explain(scenario, chosen)
            if not e.feasible:
                continue
            kinds = {f.constraint.kind for v in e.verdicts for f in v.failures}
            status = ACCEPTABLE if not kinds else BLOCKED if kinds & hard else HELD_BACK
            m = e.package.metrics
            out[frozenset(chosen)] = (status, m["deterrence"], m["escalation"])
    return out


def _as_dict(text: str) -> dict[frozenset[str], tuple[int, float, float]]:
    scenario = loads(text)
    points = package_points(scenario)
    options = list(scenario.options)
    return {
        frozenset(o for i, o in enumerate(options) if int(mask) >> i & 1): (int(s), b, r)
        for mask, s, b, r in zip(
            points.masks, points.status, points.benefit, points.risk, strict=True
        )
    }


def test_every_feasible_package_with_its_status_and_values() -> None:
    assert _as_dict(SCENARIO) == _status_by_explain(SCENARIO)


def test_counts_agree_with_evaluate() -> None:
    scenario = loads(SCENARIO)
    points, result = package_points(scenario), evaluate(scenario)
    assert points.feasible == result.counts.feasible
    assert points.counts[ACCEPTABLE] == result.counts.acceptable
    assert not points.sampled
    assert points.benefit_metric == "deterrence"
    assert points.risk_metric == "escalation"
    # every status occurs in this scenario, and points come in status order
    assert set(points.status.tolist()) == {ACCEPTABLE, HELD_BACK, BLOCKED}
    assert (np.diff(points.status) >= 0).all()


def _many(n: int) -> str:
    """n options and one actor: most packages blocked, some trade-offs, few acceptable."""
    options = "".join(
        f"  o{i}: {{label: O{i}, deterrence: 0.0{i % 9 + 1}, escalation: 0.0{i * 5 % 9 + 1}}}\n"
        for i in range(n)
    )
    return (
        f"format: guarantees/1\nid: many\ntitle: Many\noptions:\n{options}actors:\n  a:\n"
        "    name: A\n    constraints:\n      - veto: o0\n      - limit: {escalation: {max: 0.2}}\n"
    )


def test_beyond_the_limit_a_fixed_sample_keeps_every_status_and_exact_counts() -> None:
    scenario = loads(_many(10))
    whole = package_points(scenario)
    sample = package_points(scenario, limit=30)
    again = package_points(scenario, limit=30)
    assert sample.sampled
    assert not whole.sampled
    assert sample.counts == whole.counts
    assert sample.feasible == 1024
    assert sample.masks.size == 30
    assert set(sample.status.tolist()) == {ACCEPTABLE, HELD_BACK, BLOCKED}
    # the same sample every time, and each sampled point is a true point
    assert np.array_equal(sample.masks, again.masks)
    truth = {
        int(m): (int(s), b, r)
        for m, s, b, r in zip(whole.masks, whole.status, whole.benefit, whole.risk, strict=True)
    }
    for m, s, b, r in zip(sample.masks, sample.status, sample.benefit, sample.risk, strict=True):
        assert truth[int(m)] == (int(s), b, r)


def test_a_rare_status_is_kept_whole_in_a_sample() -> None:
    scenario = loads(_many(10))
    whole = package_points(scenario)
    rare = min(range(3), key=lambda code: whole.counts[code])
    sample = package_points(scenario, limit=3 * whole.counts[rare] + 3)
    assert int((sample.status == rare).sum()) == whole.counts[rare]


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ((3, 100, 100), 10, (3, 4, 3)),
        ((0, 0, 5), 10, (0, 0, 5)),
        ((10, 10, 10), 30, (10, 10, 10)),
        ((50, 50, 50), 10, (4, 3, 3)),
        ((1, 2, 100), 10, (1, 2, 7)),
    ],
)
def test_share_fills_small_groups_first(
    sizes: tuple[int, ...], limit: int, expected: tuple[int, ...]
) -> None:
    assert share(sizes, limit) == expected
    assert sum(share(sizes, limit)) == min(limit, sum(sizes))


def test_mix_is_a_fixed_permutation_of_masks() -> None:
    masks = np.arange(1 << 12, dtype=np.uint64)
    hashed = mix(masks)
    assert np.unique(hashed).size == masks.size
    assert np.array_equal(hashed, mix(masks))
    assert int(hashed[0]) == 0  # the finaliser fixes zero; nothing else
    assert not np.array_equal(np.sort(hashed), hashed)


def test_limit_lines_on_the_trade_off_axes_only() -> None:
    lines = limit_lines(loads(SCENARIO))
    assert [(x.actor, x.constraint, x.axis, x.side, x.value) for x in lines] == [
        ("kyiv", "kyiv#1", "benefit", "min", 0.35),
        ("moscow", "moscow#2", "risk", "max", 0.3),
    ]
    ranged, plain = lines
    assert (ranged.low, ranged.high) == (0.3, 0.4)  # an uncertain bound: its range
    assert plain.low == plain.high == 0.3


def test_too_many_options_is_refused() -> None:
    with pytest.raises(TooLargeError, match="31 options"):
        package_points(loads(_many(31)))
