"""`guarantees diff OLD NEW`: what changed between two variants of a scenario.

Both files are loaded first: if either is invalid, every problem of both is printed and
nothing else is done (exit status 2). Then both are evaluated, and if either is refused (too
large to enumerate), both refusals are printed (exit status 2); else they are compared
(model/comparison/diff.py), and the comparison is written as a table, Markdown or a
`guarantees.diff/1` JSON document.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from guarantees.cli.draws import NO_DRAWS, Draws, robustness_of
from guarantees.cli.errors import EXIT_INVALID, print_file_error, print_issues
from guarantees.cli.files import load_file
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink
from guarantees.cli.progress import evaluate_with_progress
from guarantees.cli.render_json import dumps
from guarantees.model.comparison.diff import DIFF_SCHEMA, ScenarioDiff, diff
from guarantees.model.errors import GuaranteesError
from guarantees.model.exact.results import Evaluation
from guarantees.model.format.schema import Scenario

if TYPE_CHECKING:
    from rich.console import RenderableType

    from guarantees.model.comparison.chances import ChancesDiff

#: How many packages of each list the table and Markdown views show without --top.
DEFAULT_TOP = 5


class InvalidInputError(Exception):
    """One of the two files is invalid (its problems are already printed)."""

    status = EXIT_INVALID


def run_diff(
    old: str,
    new: str,
    fmt: Format,
    *,
    top: int | None,
    output: Path | None,
    force: bool,
    jobs: int | None = None,
    quiet: bool = False,
    draws: Draws = NO_DRAWS,
) -> None:
    """Load, evaluate and compare two files (and their chances of a deal), and write it."""
    sink = Sink(output, force=force, quiet=quiet)
    scenarios = _load(old, new)
    results = _evaluate((old, new), scenarios, jobs)
    result = diff(scenarios[0], scenarios[1], results[0], results[1])
    chances = _chances(scenarios, Draws(draws.samples, draws.seed, jobs))
    if fmt is Format.json:
        sink.text(diff_document((old, new), result, top=top, chances=chances))
    else:
        shown = DEFAULT_TOP if top is None else top
        view = _view((old, new), scenarios, result, fmt, shown, chances=chances)
        if isinstance(view, str):
            sink.text(view)
        else:
            sink.rich(view)
    sink.close()


def _load(old: str, new: str) -> tuple[Scenario, Scenario]:
    """Both scenarios, or every problem of both printed and InvalidInputError."""
    loaded = (load_file(old), load_file(new))
    for file in loaded:
        print_issues(file.issues)
    if loaded[0].scenario is None or loaded[1].scenario is None:
        raise InvalidInputError
    return loaded[0].scenario, loaded[1].scenario


def _evaluate(
    files: tuple[str, str], scenarios: tuple[Scenario, Scenario], jobs: int | None
) -> tuple[Evaluation, Evaluation]:
    """Both evaluations, or the refusal of each file that is refused and InvalidInputError."""
    results: list[Evaluation] = []
    for file, scenario in zip(files, scenarios, strict=True):
        try:
            results.append(evaluate_with_progress(file, scenario, jobs))
        except GuaranteesError as error:
            print_file_error(file, str(error))
    if len(results) < len(files):
        raise InvalidInputError
    return results[0], results[1]


def _chances(scenarios: tuple[Scenario, Scenario], draws: Draws) -> ChancesDiff | None:
    """Both variants across the same draws, when both have uncertain values to sample."""
    old, _ = robustness_of(scenarios[0], draws)
    new, _ = robustness_of(scenarios[1], draws)
    if old is None or new is None:
        return None
    from guarantees.model.comparison.chances import compare_chances

    return compare_chances(old, new)


def diff_document(
    files: tuple[str, str],
    result: ScenarioDiff,
    *,
    top: int | None,
    chances: ChancesDiff | None = None,
) -> str:
    """The `guarantees.diff/1` JSON document."""
    body = result.to_json(top=top)
    body["old"] = {"file": files[0], **body["old"]}
    body["new"] = {"file": files[1], **body["new"]}
    body["robustness"] = None if chances is None else chances.to_json(top=top)
    return dumps({"schema": DIFF_SCHEMA, **body})


def _view(
    files: tuple[str, str],
    scenarios: tuple[Scenario, Scenario],
    result: ScenarioDiff,
    fmt: Format,
    top: int,
    *,
    chances: ChancesDiff | None = None,
) -> str | list[RenderableType]:
    """The Markdown text, or the table view as rich renderables."""
    from guarantees.cli.report import with_section
    from guarantees.cli.report_diff import diff_report
    from guarantees.cli.report_robustness import chances_section

    report = diff_report(files, scenarios, result, top)
    if chances is not None:
        report = with_section(report, chances_section(chances, top))
    if fmt is Format.markdown:
        from guarantees.cli.render_markdown import report_markdown

        return report_markdown(report)
    from guarantees.cli.render_table import report_renderables

    return report_renderables(report)
