"""`guarantees stability`: who would walk away from which package, for each file.

Each file is loaded and analysed on its own: an invalid (or too large) file has its problems
printed on stderr and the others still run. Tables and Markdown appear file by file; JSON is
one `guarantees.stability/1` document written at the end (docs/reference/json.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guarantees.cli import render_json
from guarantees.cli.errors import print_file_error, print_issues
from guarantees.cli.files import load_file
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink, write_report
from guarantees.cli.report import Report
from guarantees.model.errors import GuaranteesError
from guarantees.model.format.schema import Scenario
from guarantees.model.stability.analysis import Stability, analyse

STABILITY_SCHEMA = "guarantees.stability/1"
DEFAULT_TOP = 10


def run_stability(
    files: list[str],
    fmt: Format,
    *,
    top: int | None,
    output: Path | None,
    force: bool,
    quiet: bool = False,
) -> bool:
    """Analyse every file and write the chosen view; True when every file went through."""
    sink = Sink(output, force=force, quiet=quiet)
    entries: list[dict[str, Any]] = []
    failed = shown = 0
    for file in files:
        entry, done = _one(file, top)
        failed += done is None
        if fmt is Format.json:
            entries.append(entry)
        elif done is not None:
            report = _report(file, *done, DEFAULT_TOP if top is None else top)
            write_report(sink, report, fmt, first=not shown)
            shown += 1
    if fmt is Format.json:
        render_json.write({"schema": STABILITY_SCHEMA, "files": entries}, sink.text)
    sink.close()
    return not failed


def _one(file: str, top: int | None) -> tuple[dict[str, Any], tuple[Scenario, Stability] | None]:
    """One file's JSON entry, and its analysis (None when it could not be analysed)."""
    loaded = load_file(file)
    if loaded.scenario is None:
        print_issues(loaded.issues)
        errors = [render_json.issue_json(i) for i in loaded.issues]
        return render_json.failed_entry(file, errors), None
    try:
        result = analyse(loaded.scenario)
    except GuaranteesError as error:
        print_file_error(file, str(error))
        return render_json.failed_entry(file, [render_json.error_json(file, str(error))]), None
    entry = {"file": file, "ok": True, "stability": result.json_stream(top)}
    return entry, (loaded.scenario, result)


def _report(file: str, scenario: Scenario, result: Stability, top: int) -> Report:
    from guarantees.cli.report_stability import stability_report

    return stability_report(file, scenario, result, top)
