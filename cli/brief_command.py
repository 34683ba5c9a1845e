"""`guarantees brief FILE -o DIR`: one briefing per actor, as Markdown and as HTML.

Each actor gets DIR/ACTOR.md and DIR/ACTOR.html (a self-contained, printable page laid out
as `report`'s, from cli/templates/brief.html). As every command that writes files, brief
never replaces a file unasked: if any briefing it would write exists, it stops before doing
any work (use --force); each file written is named on standard error unless --quiet.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from string import Template

from guarantees.cli.draws import NO_DRAWS, Draws, robustness_of
from guarantees.cli.errors import fail, os_reason
from guarantees.cli.output import announce, refuse_overwrite, write_new
from guarantees.cli.progress import evaluate_with_progress
from guarantees.cli.render_html import section_html, text
from guarantees.cli.render_markdown import report_markdown
from guarantees.cli.report import Report
from guarantees.cli.report_brief import DEFAULT_TOP, brief_report
from guarantees.model.briefing.brief import briefs, check_actors
from guarantees.model.exact.results import Evaluation
from guarantees.model.format.load import load


def run_brief(
    file: str,
    output: Path,
    actors: list[str],
    *,
    top: int | None = None,
    force: bool = False,
    quiet: bool = False,
    jobs: int | None = None,
    draws: Draws = NO_DRAWS,
) -> None:
    """Write the briefings of the named actors (every actor when none is named) into output."""
    scenario = load(file, display=file)
    check_actors(scenario, actors)
    wanted = list(dict.fromkeys(actors)) or list(scenario.actors)
    _refuse_existing(output, wanted, force=force)
    result = evaluate_with_progress(file, scenario, jobs)
    found, note = robustness_of(scenario, Draws(draws.samples, draws.seed, jobs))
    _make_folder(output)
    for brief in briefs(scenario, result, wanted):
        report = brief_report(
            file,
            scenario,
            result,
            brief,
            top=DEFAULT_TOP if top is None else top,
            robustness=found,
            robustness_note=note,
        )
        for path, page in (
            (output / f"{brief.actor}.md", report_markdown(report)),
            (output / f"{brief.actor}.html", brief_page(file, result, report)),
        ):
            write_new(path, page, force=force)
            announce(path, quiet=quiet)


def _refuse_existing(output: Path, actors: list[str], *, force: bool) -> None:
    """Stop (exit 2) before any work if output is a file, or a briefing exists unasked."""
    if output.exists() and not output.is_dir():
        fail(f"{output} is not a directory; give a folder to write the briefings in")
    for actor in actors:
        for suffix in (".md", ".html"):
            refuse_overwrite(output / f"{actor}{suffix}", force=force)


def _make_folder(output: Path) -> None:
    """Create the output folder (and its parents) if it does not exist."""
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot create {output}: {os_reason(error)}")


def _generator() -> str:
    from importlib.metadata import version

    return f"guarantees {version('guarantees')}"


def brief_page(file: str, result: Evaluation, report: Report) -> str:
    """One briefing as a self-contained HTML page: header, sections, where it came from."""
    header = [
        "<header>",
        f"<h1>{text(report.title)}</h1>",
        '<ul class="facts">',
        *(f"<li>{text(fact)}</li>" for fact in report.facts),
        "</ul>",
        "</header>",
    ]
    made = (
        f"Made by {_generator()} from {file} "
        f"(scenario {result.scenario_id}, {result.scenario_hash})."
    )
    body = [*header, *(section_html(s) for s in report.sections)]
    body.append(f"<footer><p>{text(made)}</p></footer>")
    template = Template(files("guarantees.cli").joinpath("templates/brief.html").read_text("utf-8"))
    return template.substitute(
        title=text(report.title), generator=_generator(), body="\n".join(body)
    )
