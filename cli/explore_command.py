"""`guarantees explore`: one self-contained page where a student ticks options and sees
every answer for the package ticked.

Every package of the scenario is judged when the page is written (model/explore), so the
page's script only looks answers up (cli/explore_data.py packs them; cli/explore_page.py
writes the page). The page holds every package: scenarios of more than
model.explore.table.MAX_OPTIONS options are refused before any work is done.
"""

from __future__ import annotations

from pathlib import Path

from guarantees.cli.draws import NO_DRAWS, Draws, acceptance_of
from guarantees.cli.explore_data import Extras, Held, Picture, page_data
from guarantees.cli.figures import require_matplotlib
from guarantees.cli.output import announce, refuse_overwrite, write_new
from guarantees.cli.progress import evaluate_with_progress
from guarantees.model.exact.results import Evaluation
from guarantees.model.exact.values import SCALE
from guarantees.model.explore.table import ExploreTable, check_size, explore_table
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.results import Robustness


def run_explore(
    file: str,
    output: Path,
    *,
    force: bool,
    jobs: int | None = None,
    quiet: bool = False,
    draws: Draws = NO_DRAWS,
) -> None:
    """Judge every package of one file and write the explorer page to a new file."""
    require_matplotlib("explore")
    refuse_overwrite(output, force=force)
    scenario = load(file, display=file)
    check_size(scenario)
    evaluation = evaluate_with_progress(file, scenario, jobs)
    table = explore_table(scenario, evaluation)
    chances, chance_note = acceptance_of(scenario, Draws(draws.samples, draws.seed, jobs))
    held, stability_note = _equilibria(scenario)
    extras = Extras(chances, chance_note, held, stability_note)
    picture = _picture(scenario, evaluation, table, None if chances is None else chances.result)
    from guarantees.cli.explore_page import explore_page

    data = page_data(
        file, scenario, evaluation=evaluation, table=table, picture=picture, extras=extras
    )
    write_new(output, explore_page(scenario, data, picture.svg), force=force)
    announce(output, quiet=quiet)


def _equilibria(scenario: Scenario) -> tuple[Held | None, str | None]:
    """Per concept, the packages that are equilibria; or the sentence that says why not."""
    from guarantees.cli.report_stability import summary_gate
    from guarantees.model.explore.extras import equilibria

    found = summary_gate(scenario, equilibria)
    if isinstance(found, str):
        return None, found
    return found, None


def _picture(
    scenario: Scenario, evaluation: Evaluation, table: ExploreTable, found: Robustness | None
) -> Picture:
    """The trade-off picture of `frontier --plot` and `report` (with its robustness layer),
    and where every package sits on it."""
    from guarantees.cli.plot import figure_bytes, frontier_figure, svg_places
    from guarantees.cli.plot_robustness import robustness_layers
    from guarantees.model.exact.points import limit_lines, package_points

    layers = robustness_layers(scenario, found)
    figure = frontier_figure(
        scenario, evaluation, package_points(scenario), limit_lines(scenario), layers=layers
    )
    svg = figure_bytes(figure, "svg")
    c = table.compiled
    benefit, risk = table.grid[:, c.benefit] / SCALE, table.grid[:, c.risk] / SCALE
    size, places = svg_places(figure, benefit, risk)
    return Picture(svg, size, places)
