"""Property tests at every magnitude the format allows: the solver, `explain` and the reference
agree, and a value equal to its bound is a tie, however large or small the numbers.

The generated scenarios of `strategies.scenario_data` use small numbers; `strategies.scaled`
multiplies every sum, max and min number by a factor from `MAGNITUDES` (from below the grid's
step to 1.1e7), where floating-point sums lose their last digits and the grid's int64 range
would overflow if it were not guarded.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference import (
    all_packages,
    explanation_details,
    explanation_verdicts,
    feasible,
    metric_grid,
    reference_details,
    reference_evaluate,
    reference_verdicts,
    solver_view,
)
from strategies import MAGNITUDES, scaled, scenario_data, to_yaml_text

from guarantees.model.errors import ScenarioError
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.format.load import loads
from guarantees.model.format.schema import Scenario

Data = dict[str, Any]
NOISY = {"combine": "noisy_or", "better": "higher"}


def load(data: Data) -> Scenario:
    """Load a generated document through its YAML text.

    Scaling states short best guesses (a beta's mean, a skewed triangular's mode) where the
    generated document had medians, which can put a limit's min above its max: that document
    is invalid (the loader says so) and is discarded, as an input the scaling made, not one
    the generator did.
    """
    try:
        return loads(to_yaml_text(data), file="gen.yaml")
    except ScenarioError as error:
        assume("can never be met" not in str(error))
        raise


@settings(max_examples=80, deadline=None)
@given(scenario_data(), st.sampled_from(MAGNITUDES))
def test_property_solver_matches_reference_at_every_magnitude(data: Data, factor: float) -> None:
    """Every report equals the reference's, with sums, maxima and minima scaled."""
    scenario = load(scaled(data, factor))
    solver, reference = solver_view(evaluate(scenario)), reference_evaluate(scenario)
    for report in reference:
        assert solver[report] == reference[report], f"report {report!r} differs"


@settings(max_examples=40, deadline=None)
@given(scenario_data(max_options=5), st.sampled_from(MAGNITUDES))
def test_property_evaluate_and_explain_agree(data: Data, factor: float) -> None:
    """A package is acceptable in `evaluate` exactly when `explain` finds no rule broken and
    no constraint failed; and `explain` gives the reference's verdicts and misses."""
    scenario = load(scaled(data, factor))
    acceptable = {p.options for p in evaluate(scenario).acceptable}
    ids = list(scenario.options)
    for size in range(len(ids) + 1):
        for chosen in combinations(ids, size):
            explanation = explain(scenario, chosen)
            clean = not explanation.broken_rules and all(v.accepts for v in explanation.verdicts)
            assert clean == (chosen in acceptable), chosen
            package = frozenset(chosen)
            assert explanation_verdicts(explanation) == reference_verdicts(scenario, package)
            assert explanation_details(explanation) == reference_details(scenario, package)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_property_a_value_at_its_bound_is_a_tie(data: st.DataObject) -> None:
    """A limit whose bound is written as exactly a package's value never rejects it.

    A new actor holds one limit, min and max both at the package's value written as a decimal
    (its grid value / 1e9), at any magnitude. `explain` says it accepts the package, and
    `evaluate` counts as failing that limit exactly the feasible packages of another value.
    """
    factor = data.draw(st.sampled_from((1.0, *MAGNITUDES)), label="factor")
    document = data.draw(scenario_data(max_options=5), label="scenario")
    metric, combine = "tally", data.draw(st.sampled_from(["sum", "max", "min"]), label="combine")
    metrics = document.setdefault("metrics", {"deterrence": NOISY, "escalation": NOISY})
    metrics[metric] = {"combine": combine, "better": "higher"}
    for option in document["options"].values():
        option[metric] = data.draw(st.integers(-2, 9), label="term")
    document = scaled(document, factor)
    scenario = load(document)
    chosen = data.draw(
        st.lists(st.sampled_from(list(scenario.options)), min_size=1, unique=True), label="pkg"
    )
    value = metric_grid(scenario, frozenset(chosen), metric)
    written = float(Decimal(value) / 10**9)
    limit = {"limit": {metric: {"min": written, "max": written}}}
    document["actors"]["judge"] = {"name": "Judge", "constraints": [limit]}
    tied = load(document)
    verdicts = {v.actor: v for v in explain(tied, chosen).verdicts}
    assert verdicts["judge"].accepts
    others = [
        p for p in all_packages(tied) if feasible(tied, p) and metric_grid(tied, p, metric) != value
    ]
    counted = {c.constraint.label: c.fails for c in evaluate(tied).constraint_fails}
    assert counted["judge#1"] == len(others)
