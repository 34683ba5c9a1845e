"""`guarantees compare FILE...`: many variants of a scenario side by side, one row each.

Every file is loaded first and every problem of every file printed (file:line:col, all at
once); the valid files are then evaluated, their chance of a deal drawn (`--samples`, the
same seed for each, so the variants are compared across the same draws) and their stable
deals counted, and compared with the first file (model/comparison/variants.py). A file that
could not be compared is named under the table; the exit status is then 2, as `evaluate`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guarantees.cli import render_json
from guarantees.cli.draws import NO_DRAWS, Draws, summary_of
from guarantees.cli.errors import print_file_error, print_issues
from guarantees.cli.files import load_file
from guarantees.cli.formats import CompareFormat, Format
from guarantees.cli.output import Sink, write_report
from guarantees.cli.progress import evaluate_with_progress
from guarantees.model.comparison.variants import (
    COMPARE_SCHEMA,
    Inputs,
    Variant,
    compare,
    held_deals,
)
from guarantees.model.errors import GuaranteesError
from guarantees.model.format.schema import Scenario
from guarantees.model.stability.build import moves_at_most

#: Why a variant has no chance of a deal, or no count of stable deals.
NOT_DRAWN = "not drawn (--samples 0)"
CERTAIN = "no uncertain value"
NO_PREFERENCES = "no preferences"


@dataclass(frozen=True)
class Outcome:
    """One file: what it adds to the comparison, or every error that kept it out."""

    file: str
    inputs: Inputs | None
    notes: tuple[str, str] = ("", "")
    errors: tuple[dict[str, Any], ...] = ()


def run_compare(
    files: list[str],
    fmt: CompareFormat,
    *,
    output: Path | None,
    force: bool,
    quiet: bool = False,
    jobs: int | None = None,
    draws: Draws = NO_DRAWS,
) -> bool:
    """Compare every valid file with the first and write the chosen view; True when every
    file went through."""
    sink = Sink(output, force=force, quiet=quiet)
    outcomes = _outcomes(files, Draws(draws.samples, draws.seed, jobs))
    good = [o.inputs for o in outcomes if o.inputs is not None]
    rows = compare(good)
    if fmt is CompareFormat.json:
        sink.text(_document(outcomes, rows, draws))
    elif fmt is CompareFormat.csv:
        sink.text(_csv(rows))
    elif rows:
        _write_view(sink, outcomes, rows, draws, fmt)
    sink.close()
    return all(o.inputs is not None for o in outcomes)


def _outcomes(files: list[str], draws: Draws) -> list[Outcome]:
    """Every file loaded (all problems printed at once), then each valid one analysed."""
    loaded = [load_file(file) for file in files]
    for file in loaded:
        print_issues(file.issues)
    return [
        _analysed(f.file, f.scenario, draws)
        if f.scenario is not None
        else Outcome(f.file, None, errors=tuple(render_json.issue_json(i) for i in f.issues))
        for f in loaded
    ]


def _analysed(file: str, scenario: Scenario, draws: Draws) -> Outcome:
    """Evaluate one scenario, draw its chance of a deal and count its stable deals."""
    try:
        result = evaluate_with_progress(file, scenario, draws.jobs)
        summary, note = summary_of(scenario, draws)
        held, held_note = _held(scenario)
    except GuaranteesError as error:
        print_file_error(file, str(error))
        return Outcome(file, None, errors=(render_json.error_json(file, str(error)),))
    deal = None if summary is None else summary.deal
    why = note or (NOT_DRAWN if draws.samples == 0 else CERTAIN)
    return Outcome(file, Inputs(file, scenario, result, deal, held), (why, held_note))


def _held(scenario: Scenario) -> tuple[dict[str, int] | None, str]:
    """The stable deals per concept, or why they are not counted."""
    from guarantees.cli.report_stability import SUMMARY_MOVES

    if moves_at_most(scenario) > SUMMARY_MOVES:
        return None, "not analysed (large): guarantees stability"
    held = held_deals(scenario)
    return held, NO_PREFERENCES


def _draws_fact(draws: Draws) -> str:
    if draws.samples == 0:
        return "No draws of the uncertain values (--samples 0)."
    return (
        f"Chance of a deal: {draws.samples} draws of each variant's uncertain values (seed "
        f"{draws.seed}), the same for every variant."
    )


def _write_view(
    sink: Sink, outcomes: list[Outcome], rows: Sequence[Variant], draws: Draws, fmt: CompareFormat
) -> None:
    """The table or Markdown view."""
    from guarantees.cli.report_compare import compare_report

    notes = {o.file: o.notes for o in outcomes if o.inputs is not None}
    failed = [o.file for o in outcomes if o.inputs is None]
    base = rows[0].file if rows else ""
    report = compare_report(base, rows, draws=_draws_fact(draws), notes=notes, failed=failed)
    view = Format.markdown if fmt is CompareFormat.markdown else Format.table
    write_report(sink, report, view, first=True)


def _csv(rows: Sequence[Variant]) -> str:
    """The rows as CSV (RFC 4180, as Python's csv module writes it), a header first."""
    from guarantees.cli.report_compare import CSV_HEADER, csv_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(rows))
    return buffer.getvalue()


def _document(outcomes: list[Outcome], rows: Sequence[Variant], draws: Draws) -> str:
    """The `guarantees.compare/1` JSON document: every file in comparison order, then the
    files that could not be compared, with their errors."""
    entries = [r.to_json() for r in rows]
    entries += [
        render_json.failed_entry(o.file, list(o.errors)) for o in outcomes if o.inputs is None
    ]
    document = {
        "schema": COMPARE_SCHEMA,
        "base": rows[0].file if rows else None,
        "samples": draws.samples,
        "seed": draws.seed,
        "files": entries,
    }
    return render_json.dumps(document)
