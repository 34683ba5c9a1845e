"""Worked examples of loading valid scenarios: what a file means once it is a `Scenario`.

The invalid side (every message, word for word) is `test_invalid_corpus.py`; the placing
helpers of the loader (naming places, columns inside strings) are checked at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from scipy import stats

from guarantees.model import load, loads
from guarantees.model.errors import ScenarioError
from guarantees.model.format import expr
from guarantees.model.format.diagnostics import in_field, part_of, subject, where
from guarantees.model.format.load import load_document
from guarantees.model.format.schema import DEFAULT_METRICS, Tradeoff, suggest_name
from guarantees.model.format.uncertain import Uncertain
from guarantees.model.format.yamlio import parse_document

REPO = Path(__file__).resolve().parents[3]
SHAPE = REPO / "docs" / "examples" / "shape.yaml"

MINIMAL = """\
format: guarantees/1
id: minimal
title: Two options, one actor
options:
  monitoring:
    label: Ceasefire monitoring mission
    deterrence: 0.1
  ground_force:
    label: Foreign force deployed inside the country
    tags: troops_inside
    deterrence: 0.4
    escalation: 0.3
actors:
  adversary:
    name: Adversary
    constraints:
      - veto: troops_inside
"""


def test_the_format_example_loads() -> None:
    """The shape example of the format reference loads, with everything it declares."""
    scenario = load(SHAPE)
    assert scenario.id == "shape-example"
    assert list(scenario.options) == [
        "ground_force",
        "air_policing",
        "backstop",
        "recognition",
        "membership",
    ]
    assert list(scenario.actors) == ["beneficiary", "adversary", "guarantor_a", "guarantor_b"]
    assert list(scenario.metrics) == ["deterrence", "escalation", "troops"]
    assert scenario.metrics["troops"].combine == "sum"
    assert scenario.metrics["troops"].unit == "thousand"
    assert scenario.sources == {"press-2025": "A press analysis of guarantee options (2025)"}
    assert [rule.kind for rule in scenario.rules] == ["requires", "excludes", "condition"]
    assert scenario.status_quo == ()
    constraint = scenario.actors["guarantor_a"].constraints[0]
    assert constraint.kind == "limit"
    assert constraint.limit is not None
    assert constraint.limit["troops"].max == Uncertain("point", (30.0,))


def test_load_and_loads_agree() -> None:
    """Loading a path and loading its text give the same scenario."""
    assert load(SHAPE) == loads(SHAPE.read_text(encoding="utf-8"), file="shape.yaml")


def test_defaults_are_applied() -> None:
    """What a file leaves out takes its documented default."""
    scenario = loads(MINIMAL)
    assert scenario.summary is None
    assert scenario.sources == {}
    assert scenario.metrics == DEFAULT_METRICS
    assert scenario.tradeoff == Tradeoff(benefit="deterrence", risk="escalation")
    assert scenario.interactions == ()
    assert scenario.rules == ()
    assert scenario.status_quo is None
    monitoring = scenario.options["monitoring"]
    assert monitoring.tags == ()
    assert monitoring.provided_by == ()
    assert monitoring.controlled_by is None
    assert monitoring.note is None
    assert monitoring.source is None
    assert monitoring.values == {"deterrence": Uncertain("point", (0.1,))}  # no escalation term
    adversary = scenario.actors["adversary"]
    assert adversary.priorities == ()
    assert adversary.utility == {}
    assert adversary.constraints[0].id is None


def test_metrics_omitted_gives_deterrence_and_escalation() -> None:
    """Without `metrics:` there are two, both noisy-or: deterrence (higher is better) and
    escalation (lower is better)."""
    metrics = loads(MINIMAL).metrics
    assert list(metrics) == ["deterrence", "escalation"]
    assert (metrics["deterrence"].combine, metrics["deterrence"].better) == ("noisy_or", "higher")
    assert (metrics["escalation"].combine, metrics["escalation"].better) == ("noisy_or", "lower")


def test_one_name_is_a_list_of_one() -> None:
    """`tags: troops_inside` and `veto: troops_inside` mean the lists of that one name."""
    scenario = loads(MINIMAL)
    assert scenario.options["ground_force"].tags == ("troops_inside",)
    assert scenario.actors["adversary"].constraints[0].veto == ("troops_inside",)


def test_tags_are_computed_in_option_order() -> None:
    """Scenario.tags maps each tag to the options that carry it, in file order."""
    assert load(SHAPE).tags == {
        "troops_inside": ("ground_force",),
        "alliance_country_forces": ("ground_force", "air_policing"),
        "air_power": ("air_policing",),
    }


@pytest.mark.parametrize(
    ("written", "kind", "best"),
    [
        ("0.3", "point", 0.3),
        ("[0.2, 0.4]", "range", 0.3),
        # Medians from scipy.stats, an implementation independent of the loader's formulas.
        ("{triangular: [0.1, 0.2, 0.35]}", "triangular", stats.triang(0.4, 0.1, 0.25).median()),
        ("{triangular: [0.1, 0.3, 0.35]}", "triangular", stats.triang(0.8, 0.1, 0.25).median()),
        ("{triangular: [0.1, 0.2, 0.3]}", "triangular", 0.2),
        ("{beta: [2, 6]}", "beta", stats.beta(2, 6).median()),
        ("{beta: [1, 3]}", "beta", stats.beta(1, 3).median()),
        ("{beta: [0.5, 1]}", "beta", stats.beta(0.5, 1).median()),
        ("{beta: [3, 3]}", "beta", 0.5),
        ("{normal: [0.3, 0.05]}", "normal", 0.3),
        ("0", "point", 0.0),
        ("{triangular: [0.1, 0.2, 0.35], best: 0.2}", "triangular", 0.2),
        ("{range: [0.1, 0.5], best: 0.2}", "range", 0.2),
        ("{normal: [0.3, 0.05], best: 0.32}", "normal", 0.32),
    ],
)
def test_uncertain_values_and_their_best_guess(written: str, kind: str, best: float) -> None:
    """Each uncertain form, and its best guess: the median, or the one stated with `best:`."""
    text = MINIMAL.replace("deterrence: 0.1", f"deterrence: {written}")
    value = loads(text).options["monitoring"].values["deterrence"]
    assert value.kind == kind
    assert value.best == pytest.approx(best, rel=1e-12)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "{range: [0.1, 0.5], best: 0.6}",
            "7:17: 'deterrence' in option 'monitoring': best guess 0.6 lies outside [0.1, 0.5]",
        ),
        (
            "{beta: [2, 2], best: 1.5}",
            "best guess 1.5 lies outside beta(2, 2), which takes values from 0 to 1",
        ),
        (
            "{triangular: [0.1, 0.2, 0.3], best: x}",
            "7:53: 'best' in 'deterrence' in option 'monitoring' must be a number (got 'x' (a",
        ),
        ("{range: [0.5, 0.1], best: 0.2}", "range is written backwards"),
        ("{uniform: [0.1, 0.5], best: 0.2}", "a uniform value is written as a range"),
    ],
)
def test_a_stated_best_guess_is_checked(written: str, message: str) -> None:
    """A stated best guess is a number the distribution can take, reported where written."""
    text = MINIMAL.replace("deterrence: 0.1", f"deterrence: {written}")
    with pytest.raises(ScenarioError) as caught:
        loads(text)
    assert message in str(caught.value)


def test_no_stays_a_string_under_yaml_1_2() -> None:
    """YAML 1.2: `no`, `yes`, `on` and `off` are strings, never booleans."""
    text = MINIMAL.replace("Two options, one actor", "no").replace(
        "name: Adversary", "name: off\n    note: yes"
    )
    text = text.replace("  monitoring:", "  no:").replace("veto: troops_inside", "veto: [no, on]")
    text = text.replace("tags: troops_inside", "tags: [on]")
    scenario = loads(text)
    assert scenario.title == "no"
    assert "no" in scenario.options
    assert scenario.actors["adversary"].name == "off"
    assert scenario.actors["adversary"].note == "yes"
    assert scenario.actors["adversary"].constraints[0].veto == ("no", "on")


def test_expressions_are_parsed_not_evaluated() -> None:
    """A condition is a parsed expression tree (never Python), with offsets into its text."""
    text = MINIMAL.replace(
        "- veto: troops_inside", '- condition: "not troops_inside or deterrence >= 0.6"'
    )
    condition = loads(text).actors["adversary"].constraints[0].condition
    assert condition is not None
    assert expr.render(condition) == "not troops_inside or deterrence >= 0.6"
    assert [ref.name for ref in expr.refs(condition)] == ["troops_inside"]
    assert [m.name for m in expr.metrics(condition)] == ["deterrence"]


def test_a_bom_and_windows_line_endings_are_read() -> None:
    """A UTF-8 byte-order mark and CRLF line endings change nothing."""
    crlf = "\ufeff" + MINIMAL.replace("\n", "\r\n")
    assert loads(crlf) == loads(MINIMAL)


def test_the_scenario_is_frozen() -> None:
    """A loaded scenario cannot be changed in place."""
    scenario = loads(MINIMAL)
    with pytest.raises(ValidationError):
        scenario.options["monitoring"].label = "changed"  # type: ignore[misc]


def test_the_shipped_scenarios_load() -> None:
    """Every scenario in scenarios/ is valid."""
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        assert load(path).options, path


def test_file_named_in_messages() -> None:
    """`loads(text, file=...)` names the file in every issue; the default is <string>."""
    broken = MINIMAL.replace("veto: troops_inside", "veto: troops_insde")
    with pytest.raises(ScenarioError) as named:
        loads(broken, file="mine.yaml")
    assert str(named.value).startswith("mine.yaml:17:15: unknown option or tag 'troops_insde'")
    with pytest.raises(ScenarioError) as unnamed:
        loads(broken)
    assert unnamed.value.issues[0].file == "<string>"


# ------------------------------------------------------------------ placing helpers


@pytest.mark.parametrize(
    ("loc", "part", "place", "field", "node"),
    [
        ((), (), "the scenario", "the scenario", "the scenario"),
        (("title",), (), "'title'", "'title'", "'title'"),
        (("options", "a"), ("options", "a"), "option 'a'", "option 'a'", "option 'a'"),
        (
            ("options", "a", "tags", 1),
            ("options", "a"),
            "option 'a'",
            "'tags' of option 'a'",
            "item 2 of 'tags' in option 'a'",
        ),
        (
            ("actors", "x", "constraints", 0, "limit", "deterrence", "min"),
            ("actors", "x", "constraints", 0),
            "actor 'x', constraint 1",
            "'limit' of actor 'x', constraint 1",
            "the min of the limit on 'deterrence' in actor 'x', constraint 1",
        ),
        (
            ("actors", "x", "priorities", 2),
            ("actors", "x", "priorities", 2),
            "actor 'x', priority 3",
            "actor 'x', priority 3",
            "actor 'x', priority 3",
        ),
        (("rules", 1, "requires", "a"), ("rules", 1), "rule 2", "'requires' of rule 2", None),
        (("sources", "s"), (), "'sources'", "'sources'", "source 's'"),
        (("tradeoff", "risk"), (), "'tradeoff'", "'tradeoff'", "'risk' in 'tradeoff'"),
    ],
)
def test_places_are_named_in_the_files_words(
    loc: tuple[str | int, ...], part: tuple[str | int, ...], place: str, field: str, node: str
) -> None:
    """part_of, where, in_field and subject on typical paths."""
    assert part_of(loc) == part
    assert where(loc) == place
    assert in_field(loc) == field
    if node is not None:
        assert subject(loc) == node


@pytest.mark.parametrize(
    ("written", "suggested"),
    [("Ground-Force", "ground_force"), ("land forces", "land_forces"), ("ok", ""), ("1x", "")],
)
def test_a_valid_name_is_suggested(written: str, suggested: str) -> None:
    """The near miss offered for an invalid name."""
    assert suggest_name(written) == suggested


def test_an_unreadable_file_is_a_scenario_error(tmp_path: Path) -> None:
    """A missing file is reported like any other problem, at 1:1, with the reason."""
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path / "absent.yaml", display="absent.yaml")
    assert str(caught.value) == "absent.yaml:1:1: cannot read file: No such file or directory"


def test_without_the_text_a_multiline_expression_is_placed_on_its_first_line() -> None:
    """load_document without the source text still reports, at the start of the string."""
    text = MINIMAL.replace("- veto: troops_inside", "- condition: >\n          a or\n          b")
    with pytest.raises(ScenarioError) as with_text:
        loads(text)
    with pytest.raises(ScenarioError) as without:
        load_document(parse_document(text, file="<string>"))
    assert [(i.line, i.col) for i in with_text.value.issues] == [(18, 11), (19, 11)]
    assert [(i.line, i.col) for i in without.value.issues] == [(18, 11), (18, 16)]
