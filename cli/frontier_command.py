"""`guarantees frontier`: the frontier and trade-offs of one file, and the picture on request.

Without `--plot`, it prints the frontier (every point unless `--top`; in a table, at most TIED
of the packages tied at a point) and the trade-offs, as a table, Markdown or JSON, with the
same renderers as `evaluate`. With `--plot PATH.png` (or
`.svg`) it also draws every feasible package (cli/plot.py). Everything that could stop the
command (the picture's format, matplotlib missing, an existing file) is checked first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantees.cli.draws import NO_DRAWS, Draws, robustness_of
from guarantees.cli.figures import image_format, require_matplotlib
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink, announce, refuse_overwrite, write_new
from guarantees.cli.progress import evaluate_with_progress, progress_bar, shows_progress
from guarantees.cli.render_json import write
from guarantees.cli.report import Report
from guarantees.model.exact.results import Evaluation
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario

if TYPE_CHECKING:
    from guarantees.cli.plot import Layer
    from guarantees.model.robustness.results import Robustness

FRONTIER_SCHEMA = "guarantees.frontier/1"
#: The sections of the evaluate report that this command shows.
SECTIONS = ("Frontier", "Trade-offs")
#: Without --top, the table and Markdown views show at most this many of the packages tied
#: at each frontier point, and this many trade-offs per point.
TIED = 10


def run_frontier(
    file: str,
    fmt: Format,
    *,
    top: int | None,
    plot: Path | None,
    force: bool,
    jobs: int | None = None,
    quiet: bool = False,
    draws: Draws = NO_DRAWS,
) -> None:
    """Load and evaluate one file, print its frontier, and draw it if asked (with the
    robustness layer when its uncertain values are sampled)."""
    if plot is not None:
        image_format(plot)
        require_matplotlib("--plot")
        refuse_overwrite(plot, force=force)
    scenario = load(file, display=file)
    result = evaluate_with_progress(file, scenario, jobs)
    _print(file, scenario, result, fmt, top)
    if plot is not None:
        layers = chance_layers(scenario, Draws(draws.samples, draws.seed, jobs))
        progress = shows_progress(scenario)
        write_plot(plot, scenario, result, force=force, progress=progress, layers=layers)
        announce(plot, quiet=quiet)


def chance_layers(scenario: Scenario, draws: Draws) -> list[Layer]:
    """The robustness layer of the picture, when the scenario's values are sampled."""
    found, _ = robustness_of(scenario, draws)
    return layers_of(scenario, found)


def layers_of(scenario: Scenario, found: Robustness | None) -> list[Layer]:
    """The robustness layer of the picture for a robustness result (none without one)."""
    if found is None:
        return []
    from guarantees.cli.plot_robustness import ChanceLayer
    from guarantees.model.robustness.points import chance_points

    return [ChanceLayer(chance_points(scenario, found))]


def _print(file: str, scenario: Scenario, result: Evaluation, fmt: Format, top: int | None) -> None:
    """The frontier and the trade-offs in the chosen format, on standard output."""
    sink = Sink()
    if fmt is Format.json:
        write_frontier_document(file, result, top=top, emit=sink.text)
        return
    report = frontier_report(file, scenario, result, top)
    if fmt is Format.markdown:
        from guarantees.cli.render_markdown import report_markdown

        sink.text(report_markdown(report))
    else:
        from guarantees.cli.render_table import report_renderables

        sink.rich(report_renderables(report))


def frontier_report(file: str, scenario: Scenario, result: Evaluation, top: int | None) -> Report:
    """The evaluate report cut to its frontier and trade-off sections: by default every point
    with at most TIED of its tied packages, and at most TIED trade-offs per point."""
    from guarantees.cli.report_evaluate import evaluation_report

    if top is None:
        every = max(len(result.frontier), 1) * TIED
        full = evaluation_report(file, scenario, result, every, tied=TIED)
    else:
        full = evaluation_report(file, scenario, result, top)
    sections = tuple(s for s in full.sections if s.title in SECTIONS)
    return Report(full.title, full.facts, sections)


def write_frontier_document(
    file: str, result: Evaluation, *, top: int | None, emit: Callable[[str], None]
) -> None:
    """Write the `guarantees.frontier/1` JSON document: the evaluate result's frontier parts."""
    whole = result.json_stream(top=top)
    keys = ("scenario", "tradeoff", "counts", "frontier", "tradeoffs", "truncated")
    document: dict[str, Any] = {"schema": FRONTIER_SCHEMA, "file": file}
    document.update({key: whole[key] for key in keys})
    write(document, emit)


def write_plot(
    path: Path,
    scenario: Scenario,
    result: Evaluation,
    *,
    force: bool,
    progress: bool = False,
    layers: Sequence[Layer] = (),
) -> None:
    """Draw every feasible package, the frontier, the limits and any extra layers (robustness
    bands, once that analysis exists), and write the picture."""
    from guarantees.cli.plot import figure_bytes, frontier_figure
    from guarantees.model.exact.points import limit_lines, package_points

    with progress_bar(f"Plotting {path}", enabled=progress) as advance:
        points = package_points(scenario, progress=advance)
    figure = frontier_figure(scenario, result, points, limit_lines(scenario), layers=layers)
    write_new(path, figure_bytes(figure, image_format(path)), force=force)
