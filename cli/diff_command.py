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
) -> None:
    """Load, evaluate and compare two files, and write the comparison."""
    sink = Sink(output, force=force, quiet=quiet)
    scenarios = _load(old, new)
    results = _evaluate((old, new), scenarios, jobs)
    result = diff(scenarios[0], scenarios[1], results[0], results[1])
    if fmt is Format.json:
        sink.text(diff_document((old, new), result, top=top))
    else:
        view = _view((old, new), scenarios, result, fmt, DEFAULT_TOP if top is None else top)
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


def diff_document(files: tuple[str, str], result: ScenarioDiff, *, top: int | None) -> str:
    """The `guarantees.diff/1` JSON document."""
    body = result.to_json(top=top)
    body["old"] = {"file": files[0], **body["old"]}
    body["new"] = {"file": files[1], **body["new"]}
    return dumps({"schema": DIFF_SCHEMA, **body})


def _view(
    files: tuple[str, str],
    scenarios: tuple[Scenario, Scenario],
    result: ScenarioDiff,
    fmt: Format,
    top: int,
) -> str | list[RenderableType]:
    """The Markdown text, or the table view as rich renderables."""
    from guarantees.cli.report_diff import diff_report

    report = diff_report(files, scenarios, result, top)
    if fmt is Format.markdown:
        from guarantees.cli.render_markdown import report_markdown

        return report_markdown(report)
    from guarantees.cli.render_table import report_renderables

    return report_renderables(report)
