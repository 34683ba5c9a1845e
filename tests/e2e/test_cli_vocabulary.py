"""One word, one set: each term counts the same set the same way in every output.

For the shipped baseline (and, for `diff`, the backstop-in-doubt variant): the frontier in
points with its packages in brackets, the trade-offs (frontier packages held back only by
limits), the packages held back by limits (any feasible package failing only limits, a
superset of the trade-offs), and each actor alone in rejecting some packages, in `evaluate`,
`frontier`, `diff`, the picture's legend, the HTML report and the JSON. The expected counts
come from the model, never from this file.
"""

from __future__ import annotations

import json
import re

import pytest
from cli_helpers import SCENARIOS, Run

from guarantees.cli.plot import frontier_figure
from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.points import HELD_BACK, limit_lines, package_points
from guarantees.model.exact.results import Evaluation

BASELINE, IN_DOUBT = SCENARIOS / "coalition-baseline.yaml", SCENARIOS / "backstop-in-doubt.yaml"


def flat(text: str) -> str:
    """Text on one line, runs of white space as one space (tables wrap at any width)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def results() -> tuple[Evaluation, Evaluation]:
    return evaluate(load(BASELINE)), evaluate(load(IN_DOUBT))


@pytest.fixture(scope="module")
def legend() -> list[str]:
    scenario = load(BASELINE)
    figure = frontier_figure(
        scenario, evaluate(scenario), package_points(scenario), limit_lines(scenario)
    )
    (axes,) = figure.axes
    found = axes.get_legend()
    assert found is not None
    return [t.get_text() for t in found.get_texts()]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    from typer.testing import CliRunner

    from guarantees.cli.app import app

    path = tmp_path_factory.mktemp("vocabulary") / "baseline.html"
    result = CliRunner().invoke(app, ["report", str(BASELINE), "-o", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return flat(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def outputs(run: Run) -> dict[str, str]:
    """The table views of evaluate, frontier and diff, flattened."""
    return {
        "evaluate": flat(run("evaluate", BASELINE).stdout),
        "frontier": flat(run("frontier", BASELINE).stdout),
        "diff": flat(run("diff", BASELINE, IN_DOUBT).stdout),
    }


def test_the_frontier_is_counted_in_points_with_packages_in_brackets(
    run: Run, results: tuple[Evaluation, Evaluation], legend: list[str], page: str
) -> None:
    old, new = results
    points, packages = len(old.frontier), len(old.frontier.packages)
    phrase = f"{points} points ({packages} packages)"
    seen = outputs(run)
    assert phrase + " where no feasible package" in seen["evaluate"]
    assert phrase + " where no feasible package" in seen["frontier"]
    after = f"{len(new.frontier)} points ({len(new.frontier.packages)} packages)"
    assert f"The frontier: {phrase} before, {after} now." in seen["diff"]
    assert f"frontier: {phrase}, exact" in legend
    assert phrase + " where no feasible package" in page
    assert f"The black line is the frontier: {phrase}." in page
    document = json.loads(run("evaluate", BASELINE, "--format", "json").stdout)
    frontier = document["files"][0]["result"]["frontier"]
    assert (len(frontier), sum(len(p["packages"]) for p in frontier)) == (points, packages)
    changes = json.loads(run("diff", BASELINE, IN_DOUBT, "--format", "json").stdout)
    assert changes["outcomes"]["frontier"]["old_count"] == packages  # packages, as documented


def test_trade_offs_are_the_same_set_everywhere(
    run: Run, results: tuple[Evaluation, Evaluation], legend: list[str], page: str
) -> None:
    old, new = results
    count = len(old.tradeoffs)
    seen = outputs(run)
    assert (
        f"{count} trade-offs: frontier packages held back only by metric limits"
        in (seen["evaluate"])
    )
    assert f"{count} trade-offs: frontier packages" in seen["frontier"]
    assert f"({count} before, {len(new.tradeoffs)} now)" in seen["diff"]
    assert f"trade-off: held back by limits, on the frontier ({count})" in legend
    assert f"{count} trade-offs: frontier packages held back only by metric limits" in page
    assert f"the {count} trade-offs listed below" in page
    document = json.loads(run("evaluate", BASELINE, "--format", "json").stdout)
    assert len(document["files"][0]["result"]["tradeoffs"]) == count


def test_held_back_by_limits_is_named_apart_and_holds_the_trade_offs(
    run: Run, results: tuple[Evaluation, Evaluation], legend: list[str], page: str
) -> None:
    scenario = load(BASELINE)
    points = package_points(scenario)
    assert not points.sampled  # every package is drawn: the set is there whole
    held = points.counts[HELD_BACK]
    assert held == results[0].counts.held_back  # the picture's pass and evaluate's agree
    assert f"held back by limits: fails only metric limits ({held})" in legend
    assert f"held back by limits, failing only metric limits ({held} packages)" in page
    sentence = f"{held} packages held back by limits in all (failing only metric limits"
    assert sentence in outputs(run)["evaluate"]
    assert sentence in page
    document = json.loads(run("evaluate", BASELINE, "--format", "json").stdout)
    assert document["files"][0]["result"]["counts"]["held_back"] == held
    order = list(scenario.options)
    masks = set(points.masks[points.status == HELD_BACK].tolist())
    tradeoffs = results[0].tradeoffs
    keys = {sum(1 << order.index(o) for o in t.package.options) for t in tradeoffs}
    assert keys <= masks
    assert held > len(tradeoffs)  # two sets, two names: the larger is not "trade-offs"
    assert not any(f"trade-off: fails only limits ({held})" in text for text in legend)


def test_every_actor_alone_in_rejecting_is_named_with_the_same_count(
    run: Run, results: tuple[Evaluation, Evaluation], page: str
) -> None:
    old, new = results
    alone = [b for b in old.blocks if b.sole]
    assert len(alone) > 1  # the case the issue is about: more than one actor
    seen = outputs(run)
    for b in alone:
        assert f"{b.actor} ({b.sole})" in seen["evaluate"]
        assert f"{b.actor} ({b.sole})" in page
        after = next(a for a in new.blocks if a.actor == b.actor)
        assert re.search(rf"{b.actor} \d+ -> \d+ \d+ -> \d+ {b.sole} -> {after.sole}", seen["diff"])
    most = " and ".join(old.sole_blockers)
    assert f"Most often the only actor in the way: {most}." in seen["evaluate"]
    assert f"Most often the only actor in the way: {most}." in page
    assert "Sole blocker" not in seen["evaluate"] + page + seen["diff"]
    document = json.loads(run("evaluate", BASELINE, "--format", "json").stdout)
    result = document["files"][0]["result"]
    assert {b["actor"]: b["sole"] for b in result["blocks"] if b["sole"]} == {
        b.actor: b.sole for b in alone
    }
    assert result["sole_blockers"] == list(old.sole_blockers)


def test_the_help_gives_each_top_default_and_why(run: Run) -> None:
    """--top defaults differ by command, and each help says so and why."""
    texts = {cmd: flat(run(cmd, "--help").stdout) for cmd in ("evaluate", "diff", "frontier")}
    texts["report"] = flat(run("report", "--help").stdout)
    assert "5 by default, a summary that fits a screen" in texts["evaluate"]
    assert "5 by default, as evaluate" in texts["diff"]
    assert "default: all, the frontier being what this command is for" in texts["frontier"]
    assert "default: 5, as evaluate: the handout prints in four pages" in texts["report"]


def test_help_shows_metavars_not_types(run: Run) -> None:
    for cmd in ("evaluate", "frontier", "diff", "report", "explain", "schema", "new"):
        text = run(cmd, "--help").stdout
        for shown in ("<bool>", "<list[", "<int range>"):
            assert shown not in text, (cmd, shown)
        assert "{" not in text.splitlines()[0], cmd  # no `{FILES}` in the usage line
    assert "--top N" in run("evaluate", "--help").stdout
    assert "Usage: guarantees evaluate [OPTIONS] FILES..." in run("evaluate", "--help").stdout


def test_shell_completion_is_offered(run: Run) -> None:
    assert "--install-completion" in run("--help").stdout
    result = run("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_GUARANTEES_COMPLETE" in result.stdout or "complete" in result.stdout
