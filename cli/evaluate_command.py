"""`guarantees evaluate`: every report for each file, as a table, Markdown or one JSON document.

Each file is loaded and evaluated on its own: an invalid (or too large) file has its
problems printed on stderr and the others still run; the exit status says whether all went
through. Tables and Markdown appear file by file; JSON is one document written at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from guarantees.cli import render_json
from guarantees.cli.draws import NO_DRAWS, Draws, summary_of
from guarantees.cli.errors import print_file_error, print_issues
from guarantees.cli.files import load_file
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink, write_report
from guarantees.cli.progress import evaluate_with_progress
from guarantees.model.errors import GuaranteesError, Issue, TooLargeError
from guarantees.model.exact.enumerate import MAX_OPTIONS
from guarantees.model.exact.results import Evaluation
from guarantees.model.format.schema import Scenario
from guarantees.model.optimise.results import OptimisedEvaluation
from guarantees.model.robustness.results import Summary

#: How many entries of each list the table and Markdown views show without --top.
DEFAULT_TOP = 5
#: How many best packages the optimisation engine ranks for JSON without --top.
DEFAULT_BEST = 10
#: What to ask instead when every package cannot be listed.
ASK_INSTEAD = (
    "listing every acceptable package is out of reach at this size; ask the optimisation "
    "engine (--engine optimise, chosen by default above {limit} options) for the best k "
    "packages (--top K), the frontier and the smallest concession"
)


@dataclass(frozen=True)
class Outcome:
    """One file: its evaluation, or the problems that stopped it."""

    file: str
    scenario: Scenario | None = None
    result: Evaluation | OptimisedEvaluation | None = None
    issues: tuple[Issue, ...] = ()
    message: str | None = None  # an error with no position (too large)
    summary: Summary | None = None  # the robustness section, when it was computed
    summary_note: str | None = None  # why it was not, when the scenario has uncertain values


def choose_engine(scenario: Scenario, engine: str) -> str:
    """`enumerate` up to the enumeration limit, `optimise` above it, unless one is forced."""
    if engine != "auto":
        return engine
    return "enumerate" if len(scenario.options) <= MAX_OPTIONS else "optimise"


def evaluate_file(
    file: str,
    jobs: int | None = None,
    *,
    engine: str = "auto",
    best: int = DEFAULT_BEST,
    draws: Draws = NO_DRAWS,
) -> Outcome:
    """Load and evaluate one file, printing its problems on stderr instead of stopping."""
    loaded = load_file(file)
    if loaded.scenario is None:
        print_issues(loaded.issues)
        return Outcome(file, issues=loaded.issues)
    scenario = loaded.scenario
    result: Evaluation | OptimisedEvaluation
    try:
        if choose_engine(scenario, engine) == "optimise":
            from guarantees.model.optimise.evaluate import optimise

            result = optimise(scenario, best=best, points=best, concessions=best)
        else:
            result = evaluate_with_progress(file, scenario, jobs)
    except TooLargeError as error:
        message = f"{error}: {ASK_INSTEAD.format(limit=MAX_OPTIONS)}"
        print_file_error(file, message)
        return Outcome(file, scenario, message=message)
    except GuaranteesError as error:
        print_file_error(file, str(error))
        return Outcome(file, scenario, message=str(error))
    summary, note = summary_of(scenario, Draws(draws.samples, draws.seed, jobs))
    return Outcome(file, scenario, result, summary=summary, summary_note=note)


def run_evaluate(
    files: list[str],
    fmt: Format,
    *,
    top: int | None,
    output: Path | None,
    force: bool,
    jobs: int | None = None,
    quiet: bool = False,
    draws: Draws = NO_DRAWS,
    engine: str = "auto",
) -> bool:
    """Evaluate every file and write the chosen view; True when every file went through."""
    sink = Sink(output, force=force, quiet=quiet)
    entries: list[dict[str, Any]] = []
    shown = failed = 0
    best = (DEFAULT_BEST if fmt is Format.json else DEFAULT_TOP) if top is None else top
    for file in files:
        outcome = evaluate_file(file, jobs, engine=engine, best=best, draws=draws)
        failed += outcome.result is None
        if fmt is Format.json:
            entries.append(_json_entry(outcome, top))
        elif outcome.result is not None:
            _emit_view(sink, outcome, fmt, top=DEFAULT_TOP if top is None else top, first=not shown)
            shown += 1
    if fmt is Format.json:
        render_json.write_evaluate_document(entries, sink.text)
    sink.close()
    return not failed


def _summary_json(outcome: Outcome) -> dict[str, Any] | None:
    """The robustness section of a file's entry (`null` when it was not computed)."""
    return None if outcome.summary is None else outcome.summary.to_json()


def _json_entry(outcome: Outcome, top: int | None) -> dict[str, Any]:
    """One file of the JSON document: its result (and the engine that answered), or its errors."""
    if isinstance(outcome.result, OptimisedEvaluation):
        result = outcome.result.to_json(top=top)
        return {
            "file": outcome.file,
            "ok": True,
            "engine": "optimise",
            "result": result,
            "robustness": _summary_json(outcome),
        }
    if outcome.result is not None:
        entry = render_json.ok_entry(outcome.file, outcome.result, top=top)
        return {
            "file": entry["file"],
            "ok": True,
            "engine": "enumerate",
            "result": entry["result"],
            "robustness": _summary_json(outcome),
        }
    errors = [render_json.issue_json(i) for i in outcome.issues]
    if outcome.message is not None:
        errors.append(render_json.error_json(outcome.file, outcome.message))
    return render_json.failed_entry(outcome.file, errors)


def _emit_view(sink: Sink, outcome: Outcome, fmt: Format, *, top: int, first: bool) -> None:
    """One file's table or Markdown report, after a blank line unless it comes first."""
    assert outcome.result is not None
    assert outcome.scenario is not None
    from guarantees.cli.report import with_section
    from guarantees.cli.report_robustness import summary_section
    from guarantees.cli.report_stability import stability_summary

    if isinstance(outcome.result, OptimisedEvaluation):
        from guarantees.cli.report_optimise import optimised_report

        report = optimised_report(outcome.file, outcome.scenario, outcome.result, top)
        if outcome.summary is not None or outcome.summary_note is not None:
            report = with_section(report, summary_section(outcome.summary, outcome.summary_note))
    else:
        from guarantees.cli.report_evaluate import evaluation_report

        report = evaluation_report(
            outcome.file,
            outcome.scenario,
            outcome.result,
            top,
            summary=outcome.summary,
            summary_note=outcome.summary_note,
        )
        engine = "Answered by the enumeration engine: every package was checked."
        report = replace(report, facts=(*report.facts, engine))
    report = with_section(report, stability_summary(outcome.scenario, top))
    write_report(sink, report, fmt, first=first)
