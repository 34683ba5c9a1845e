"""Regression tests for answers that were silently wrong at unusual inputs (issue 8).

Each case is a minimal reproduction: a name repeated in a list, a tie at a large value, sums
beyond what int64 grid values hold, last-digit differences on large sums, and numbers so
large that they overflowed later. The property tests in tests/property/test_property_magnitudes
generalise them.
"""

from __future__ import annotations

import pytest

from guarantees.model.errors import ScenarioError
from guarantees.model.exact.compile import compile_scenario
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.values import q_exact, q_scalar
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario
from guarantees.model.format.uncertain import LARGEST, RANGE_RULE


def scenario(options: str, constraints: str = "[]", metrics: str = "") -> str:
    """A one-actor scenario with a sum metric `cost` (lower is better) and the given parts."""
    return f"""\
format: guarantees/1
id: magnitudes
title: Magnitudes
metrics:
  deterrence: {{combine: noisy_or, better: higher}}
  escalation: {{combine: noisy_or, better: lower}}
  cost: {{combine: sum, better: lower}}
{metrics}tradeoff: {{benefit: deterrence, risk: cost}}
options:
{options}
actors:
  judge:
    name: Judge
    constraints: {constraints}
"""


def load(text: str) -> Scenario:
    return loads(text, file="m.yaml")


def issues(text: str) -> list[str]:
    """Every issue of a document that does not load, as `line:col: message`."""
    with pytest.raises(ScenarioError) as caught:
        load(text)
    return [f"{i.line}:{i.col}: {i.message}" for i in caught.value.issues]


# ------------------------------------------------------------------ repeated names


def test_a_tag_repeated_in_an_option_is_refused_where_it_stands() -> None:
    """`tags: [t, t]` used to carry into the next option's bit: `veto: t` hit the wrong one."""
    text = scenario(
        "  a: {label: A, tags: [t, t]}\n  b: {label: B}",
        constraints="[{veto: t}]",
    )
    assert issues(text) == [
        "10:27: 'tags' in option 'a': 't' is listed twice (items 1 and 2): "
        "name each option or tag once"
    ]


@pytest.mark.parametrize(
    ("part", "line"),
    [
        ("interactions:\n  - {all_of: [a, b, a], deterrence: 0.1}\n", "all_of"),
        ("rules:\n  - excludes: [a, a]\n", "excludes"),
        ("rules:\n  - one_of: [b, a, b]\n", "one_of"),
        ("status_quo: [a, a]\n", "status_quo"),
    ],
)
def test_a_name_repeated_in_any_list_is_refused(part: str, line: str) -> None:
    """The same for every list of names in the format (an `excludes: [a, a]` forbade `a`)."""
    text = scenario("  a: {label: A}\n  b: {label: B}").replace("actors:", part + "actors:")
    found = issues(text)
    assert len(found) == 1
    assert "is listed twice" in found[0]
    assert f"'{line}'" in found[0]


def test_a_tag_shared_by_options_is_their_union() -> None:
    """A tag's mask has one bit per option carrying it, whatever the order of declaration."""
    text = scenario(
        "  a: {label: A, tags: [t, u]}\n  b: {label: B, tags: [u]}\n  c: {label: C, tags: [t]}"
    )
    names = compile_scenario(load(text)).names
    assert names["t"] == names["a"] | names["c"]
    assert names["u"] == names["a"] | names["b"]


# ---------------------------------------------------------------- ties at magnitude


@pytest.mark.parametrize(
    ("terms", "bound"),
    [
        ((10_000_000,), 10_000_000),
        ((5_000_000, 5_000_000), 10_000_000),
        ((1_000_000_000,), 1_000_000_000),
        ((123_456_789.1, 0.9), 123_456_790),
        ((1_234_567.891, 0.109), 1_234_568),
        ((0.1, 0.2), 0.3),
    ],
)
@pytest.mark.parametrize("side", ["max", "min"])
def test_a_sum_equal_to_its_bound_is_accepted_by_evaluate_and_explain(
    terms: tuple[float, ...], bound: float, side: str
) -> None:
    """A sum equal to a bound of 1e7 was rejected by `evaluate` and accepted by `explain`."""
    options = "\n".join(f"  o{i}: {{label: O{i}, cost: {t}}}" for i, t in enumerate(terms))
    text = scenario(options, constraints=f"[{{limit: {{cost: {{{side}: {bound}}}}}}}]")
    loaded = load(text)
    every = tuple(loaded.options)
    assert explain(loaded, every).verdicts[0].accepts
    assert every in {p.options for p in evaluate(loaded).acceptable}


def test_sums_are_exact_on_the_grid_at_every_magnitude() -> None:
    """The reported value is the exact decimal sum (floats gave 1234568.0000000002)."""
    text = scenario("  a: {label: A, cost: 1234567.891}\n  b: {label: B, cost: 0.109}")
    package = explain(load(text), ["a", "b"]).package
    assert package.metrics["cost"] == 1_234_568


# ------------------------------------------------------------------ beyond int64


def test_sums_beyond_the_range_are_refused_at_the_metric() -> None:
    """Costs of 2e11 overflowed int64 on the grid, printed as -9223372036.855 and ranked wrong."""
    text = scenario("  a: {label: A, cost: 600000000}\n  b: {label: B, cost: 500000000}")
    assert issues(text) == [
        "7:3: metric 'cost' adds up to as much as 1100000000 over all options and interactions, "
        f"out of range: {RANGE_RULE}"
    ]


def test_large_sums_within_the_range_rank_and_print_right() -> None:
    """Within the range, lower cost ranks first and values print as written."""
    text = scenario(
        "  a: {label: A, cost: 900000000, deterrence: 0.5}\n"
        "  b: {label: B, cost: 100000000, deterrence: 0.5}",
        constraints="[{demand_any: [a, b]}, {excludes: [a, b]}]".replace(
            "{excludes: [a, b]}", "{condition: 'not (a and b)'}"
        ),
    )
    ranked = evaluate(load(text)).acceptable
    assert [(p.options, p.metrics["cost"]) for p in ranked] == [
        (("b",), 100_000_000),
        (("a",), 900_000_000),
    ]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1.0e+300", "number 1e+300"),
        ("-1.0e+300", "number -1e+300"),
        ("9" * 300, "number with 300 digits"),
        ("9" * 5000, "number with 5000 digits"),
        ("1000000001", "number 1000000001"),
        ("{beta: [1.0e+308, 1.0e+308]}", "number 1e+308"),
        ("{normal: [0, 1.0e+300]}", "number 1e+300"),
    ],
)
def test_numbers_out_of_range_are_refused_with_a_located_message(written: str, shown: str) -> None:
    """Floats near 1e300 overflowed in evaluate; long integers crashed `float()`."""
    text = scenario(f"  a: {{label: A, cost: {written}}}")
    assert issues(text) == [f"10:23: 'cost' in option 'a': {shown} is out of range: {RANGE_RULE}"]


def test_out_of_range_everywhere_a_number_is_written() -> None:
    """Limits, expressions and utility weights keep to the same range."""
    text = scenario(
        "  a: {label: A, cost: 1}",
        constraints="[{limit: {cost: {max: 2.0e+9}}}, {condition: 'cost <= 1e300'}]",
    ).replace("    constraints:", "    utility: {cost: 1.0e+12}\n    constraints:")
    found = issues(text)
    assert len(found) == 3
    assert all("out of range" in message for message in found)


def test_a_quoted_number_out_of_range_is_not_told_to_drop_its_quotes() -> None:
    """Removing the quotes would not help: the hint is for numbers that would then be valid."""
    long = issues(scenario(f'  a: {{label: A, cost: "{"9" * 5000}"}}'))
    short = issues(scenario('  a: {label: A, cost: "5"}'))
    assert "remove the quotes" not in long[0]
    assert "remove the quotes" in short[0]


def test_the_range_is_what_the_grid_holds_exactly() -> None:
    """LARGEST on the grid, doubled (a difference of two values), still fits in int64."""
    assert 2 * q_exact(LARGEST) < 2**63 - 1
    assert q_exact(LARGEST) == LARGEST * 10**9
    assert q_exact(123_456_789.123456789) == 123_456_789_123_456_790  # as repr writes it
    assert q_exact(0.3) == q_scalar(0.3) == 300_000_000
