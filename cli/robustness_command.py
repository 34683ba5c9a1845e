"""`guarantees robustness`: each file's answers across its own uncertain values.

Files are loaded and analysed one by one; an invalid or too large file has its problems
printed on stderr while the others run, and the exit status says whether all went through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guarantees.cli import render_json
from guarantees.cli.errors import print_file_error, print_issues
from guarantees.cli.files import load_file
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink, write_report
from guarantees.cli.progress import default_jobs, progress_bar, stderr_is_terminal
from guarantees.model.errors import GuaranteesError
from guarantees.model.robustness.results import ROBUSTNESS_SCHEMA, Robustness

DEFAULT_TOP = 5


@dataclass(frozen=True)
class Settings:
    """How every file is sampled."""

    samples: int
    seed: int
    threshold: float
    jobs: int | None = None


def analyse_file(file: str, settings: Settings) -> Robustness | list[dict[str, Any]]:
    """Load and analyse one file, or its errors (printed on stderr as well)."""
    from guarantees.model.robustness.analyse import robustness

    loaded = load_file(file)
    if loaded.scenario is None:
        print_issues(loaded.issues)
        return [render_json.issue_json(i) for i in loaded.issues]
    try:
        with progress_bar(f"robustness {file}", enabled=stderr_is_terminal()) as tick:
            return robustness(
                loaded.scenario,
                samples=settings.samples,
                seed=settings.seed,
                threshold=settings.threshold,
                jobs=default_jobs() if settings.jobs is None else settings.jobs,
                progress=tick,
            )
    except GuaranteesError as error:
        print_file_error(file, str(error))
        return [render_json.error_json(file, str(error))]


def run_robustness(
    files: list[str],
    fmt: Format,
    settings: Settings,
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
        result = analyse_file(file, settings)
        if not isinstance(result, Robustness):
            failed += 1
            entries.append(render_json.failed_entry(file, result))
            continue
        if fmt is Format.json:
            entries.append({"file": file, "ok": True, "result": result.to_json(top=top)})
            continue
        from guarantees.cli.report_robustness import robustness_report

        report = robustness_report(file, result, DEFAULT_TOP if top is None else top)
        write_report(sink, report, fmt, first=not shown)
        shown += 1
    if fmt is Format.json:
        sink.text(render_json.dumps({"schema": ROBUSTNESS_SCHEMA, "files": entries}))
    sink.close()
    return not failed
