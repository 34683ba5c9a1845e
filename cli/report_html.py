"""`guarantees report`: one self-contained HTML handout for a scenario.

The page needs no network to be viewed: styles are inline (cli/templates/report.html), the
trade-off picture is embedded as an SVG data URI (vector, so it prints sharp; an <img>, so
nothing in it can run). It holds the scenario's summary, the picture, the results of
`evaluate` (the same sections as the terminal view, without their command-line hints: a
handout is read on paper), the scenario itself (options, interactions, rules, actors and their
constraints, each note on a full-width row below its entry, citing its source by id) and the
sources. Sections from later analyses (robustness, stability) are passed in as `extra` and
appear after the results. Printed at the default `--top`, every shipped scenario's handout
fits four A4 or Letter pages, the summary and the picture on page 1 (tests/e2e/test_cli_report.py
prints them in Chromium).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from guarantees.cli.draws import NO_DRAWS, Draws, robustness_of
from guarantees.cli.figures import require_matplotlib
from guarantees.cli.output import announce, refuse_overwrite, write_new
from guarantees.cli.plot_robustness import robustness_layers
from guarantees.cli.progress import evaluate_with_progress, progress_bar, shows_progress
from guarantees.cli.render_html import anchor, section_html, text
from guarantees.cli.report import Section, metric_header, plural
from guarantees.cli.report_robustness import summary_section
from guarantees.model.exact.results import ConstraintRef, Evaluation
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario

if TYPE_CHECKING:
    from guarantees.cli.plot import Layer

#: Entries shown per list of results (acceptable packages, frontier points, ...): as many as
#: `evaluate` shows, so that the handout prints in four pages (each list says how many more).
DEFAULT_TOP = 5


def run_report(
    file: str,
    output: Path,
    *,
    top: int | None,
    force: bool,
    jobs: int | None = None,
    quiet: bool = False,
    draws: Draws = NO_DRAWS,
) -> None:
    """Evaluate and draw one file and write its HTML handout to a new file (with the
    robustness layer and section when its uncertain values are sampled)."""
    require_matplotlib("report")
    refuse_overwrite(output, force=force)
    scenario = load(file, display=file)
    result = evaluate_with_progress(file, scenario, jobs)
    found, note = robustness_of(scenario, draws)
    layers = robustness_layers(scenario, found)
    svg, held_back = picture(scenario, result, progress=shows_progress(scenario), layers=layers)
    top = DEFAULT_TOP if top is None else top
    from guarantees.cli.report_stability import stability_summary

    extra: list[Section] = []
    if found is not None or note is not None:
        extra.append(summary_section(None if found is None else found.summary(), note))
    stability = stability_summary(scenario, top)
    extra += [] if stability is None else [stability]
    page = report_page(file, scenario, result, svg, top=top, held_back=held_back, extra=extra)
    write_new(output, page, force=force)
    announce(output, quiet=quiet)


def picture_svg(
    scenario: Scenario, result: Evaluation, *, progress: bool = False, layers: Sequence[Layer] = ()
) -> bytes:
    """The trade-off picture as SVG, with any extra layers (robustness, once it exists)."""
    return picture(scenario, result, progress=progress, layers=layers)[0]


def picture(
    scenario: Scenario, result: Evaluation, *, progress: bool = False, layers: Sequence[Layer] = ()
) -> tuple[bytes, int]:
    """The picture as SVG, and how many packages it draws as held back by limits (exact)."""
    from guarantees.cli.plot import figure_bytes, frontier_figure
    from guarantees.model.exact.points import HELD_BACK, limit_lines, package_points

    with progress_bar("Plotting", enabled=progress) as advance:
        points = package_points(scenario, progress=advance)
    figure = frontier_figure(scenario, result, points, limit_lines(scenario), layers=layers)
    return figure_bytes(figure, "svg"), points.counts[HELD_BACK]


def report_page(
    file: str,
    scenario: Scenario,
    result: Evaluation,
    svg: bytes,
    *,
    top: int,
    extra: Sequence[Section] = (),
    held_back: int | None = None,
) -> str:
    """The whole page: header, picture, results, any extra sections, scenario, sources;
    `held_back`, the picture's count of packages held back by limits, for its caption."""
    from guarantees.cli.report_evaluate import evaluation_report

    report = evaluation_report(file, scenario, result, top)
    body = [
        _header(scenario, report.facts),
        _figure(scenario, result, svg, held_back),
        '<h2 id="results">Results</h2>',
        *(section_html(handout_section(s), level=3) for s in report.sections),
        *(section_html(handout_section(s)) for s in extra),
        '<h2 id="scenario">The scenario</h2>',
        *scenario_html(scenario),
        _footer(file, result),
    ]
    template = Template(
        files("guarantees.cli").joinpath("templates/report.html").read_text("utf-8")
    )
    return template.substitute(
        title=text(scenario.title), generator=_generator(), body="\n".join(body)
    )


def _generator() -> str:
    from importlib.metadata import version

    return f"guarantees {version('guarantees')}"


def _header(scenario: Scenario, facts: tuple[str, ...]) -> str:
    """Title, summary and the counts."""
    parts = ["<header>", f"<h1>{text(scenario.title)}</h1>"]
    if scenario.summary:
        parts.append(f'<p class="summary">{text(scenario.summary.strip())}</p>')
    parts.append('<ul class="facts">')
    parts += [f"<li>{text(fact)}</li>" for fact in facts]
    parts += ["</ul>", "</header>"]
    return "\n".join(parts)


def _figure(scenario: Scenario, result: Evaluation, svg: bytes, held_back: int | None) -> str:
    """The picture, embedded, with a caption that says how to read it and what it counts,
    in the words and units of the results below."""
    data = base64.b64encode(svg).decode("ascii")
    benefit, risk = result.benefit, result.risk
    counted = "" if held_back is None else f" ({plural(held_back, 'package')})"
    points = len(result.frontier)
    caption = (
        f"Every feasible package by {metric_header(scenario, benefit)} (across) and "
        f"{metric_header(scenario, risk)} (up). Green circles: acceptable to every actor "
        f"({plural(result.counts.acceptable, 'package')}); orange triangles: held back by "
        f"limits, failing only metric limits{counted}, ringed when on the frontier (the "
        f"{plural(len(result.tradeoffs), 'trade-off')} listed below); vermilion crosses: "
        "blocked by a veto, demand or condition. The black line is the frontier: "
        f"{plural(points, 'point')} ({plural(len(result.frontier.packages), 'package')}). "
        "Dashed lines are actors' limits, each actor's uncertain range hatched in its own "
        "pattern (see the legend)."
    )
    alt = f"Trade-off plot of {benefit} against {risk} for {scenario.title}"
    return (
        '<section id="picture">\n<h2>The trade-off at a glance</h2>\n<figure>\n'
        f'<img alt="{escape(alt, quote=True)}" src="data:image/svg+xml;base64,{data}">\n'
        f"<figcaption>{text(caption)}</figcaption>\n</figure>\n</section>"
    )


@cache
def _command_syntax() -> re.Pattern[str]:
    """Command-line syntax in the results' words: an option (`--top`) or a command line
    (`guarantees stability`), by the commands this program has."""
    from typer.main import get_group

    from guarantees.cli.app import app

    names = "|".join(sorted(map(re.escape, get_group(app).commands)))
    return re.compile(rf"(?<![\w-])--[a-z]|\bguarantees (?:{names})\b")


def without_hints(line: str) -> str:
    """A line of results without its command-line hints: a parenthesis that holds one is
    cut, so is a clause after a colon; a sentence still holding one is dropped. A handout
    is read on paper, away from a terminal."""
    command = _command_syntax()
    line = re.sub(r"\s*\([^()]*\)", lambda m: "" if command.search(m[0]) else m[0], line)
    sentences = re.split(r"(?<=[.!?])\s+", line)
    kept = []
    for sentence in sentences:
        head, colon, tail = sentence.partition(": ")
        if colon and command.search(tail) and not command.search(head):
            sentence = head + "."
        if not command.search(sentence):
            kept.append(sentence)
    return " ".join(kept)


def handout_section(section: Section) -> Section:
    """The section as the handout shows it: every line without command-line hints, and
    lines left empty dropped."""

    def lines(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(t for t in map(without_hints, texts) if t)

    return Section(section.title, lines(section.text), section.table, lines(section.notes))


@dataclass(frozen=True)
class _Entry:
    """One item of the appendix: its cells (text), then its note (HTML, with its source) in
    full width below them."""

    cells: tuple[str, ...]
    note: str = ""


def scenario_html(scenario: Scenario) -> list[str]:
    """The scenario as compact tables: options, interactions, rules, actors' constraints,
    each entry's note and source in a full-width row below it; then the sources."""
    parts = [_options(scenario)]
    if scenario.interactions:
        parts.append(_interactions(scenario))
    if scenario.rules:
        parts.append(_rules(scenario))
    parts += [_actors(scenario), _sources(scenario)]
    return parts


def _options(scenario: Scenario) -> str:
    """Each option with its values as written (ranges and distributions kept), tags, note."""
    entries = [
        _Entry(
            (
                option_id,
                option.label,
                "; ".join(
                    f"{metric_header(scenario, m)}: {_unbroken(v)}"
                    for m, v in option.values.items()
                ),
                ", ".join(option.tags),
            ),
            _cited(scenario, option.source, option.note),
        )
        for option_id, option in scenario.options.items()
    ]
    return _appendix(
        "Options",
        "Values as the scenario gives them: a range [low, high] or a distribution is uncertain.",
        ("option", "label", "values", "tags"),
        [("", entries)],
    )


def _interactions(scenario: Scenario) -> str:
    """Terms added to packages holding all of some options."""
    entries = [
        _Entry(
            (", ".join(i.all_of), "; ".join(f"{m} {v}" for m, v in i.values.items())),
            _cited(scenario, i.source, i.note),
        )
        for i in scenario.interactions
    ]
    return _appendix("Interactions", "", ("when a package holds all of", "adds"), [("", entries)])


def _rules(scenario: Scenario) -> str:
    """Scenario-level feasibility: a package that breaks one is not on the table."""
    from guarantees.cli.report_explain import constraint_text

    entries = [
        _Entry(
            (ConstraintRef(None, i, rule.kind, rule.id).label, constraint_text(rule)),
            _cited(scenario, rule.source, rule.note),
        )
        for i, rule in enumerate(scenario.rules)
    ]
    text_ = "A package that breaks a rule is not on the table."
    return _appendix("Rules", text_, ("rule", "says"), [("", entries)])


def _actors(scenario: Scenario) -> str:
    """Every actor's constraints, in file order, under the actor's name."""
    from guarantees.cli.report_explain import constraint_text

    groups = [
        (
            f"{actor.name} ({actor_id})",
            [
                _Entry(
                    (ConstraintRef(actor_id, i, c.kind, c.id).label, constraint_text(c)),
                    _cited(scenario, c.source, c.note),
                )
                for i, c in enumerate(actor.constraints)
            ],
        )
        for actor_id, actor in scenario.actors.items()
    ]
    return _appendix("Actors and their constraints", "", ("constraint", "says"), groups)


def _appendix(
    title: str, intro: str, headers: tuple[str, ...], groups: Sequence[tuple[str, list[_Entry]]]
) -> str:
    """A section of the appendix: one table, a heading row per named group, each entry's
    cells on one row and its note (already HTML) on a full-width row below, kept together."""
    width = len(headers)
    head = "".join(f"<th>{text(h)}</th>" for h in headers)
    parts = [f'<section id="{anchor(title)}">', f"<h3>{text(title)}</h3>"]
    parts += [f"<p>{text(intro)}</p>"] if intro else []
    parts += [f'<table class="appendix">\n<thead><tr>{head}</tr></thead>']
    for name, entries in groups:
        bodies = [_entry_rows(entry, width) for entry in entries]
        if name:  # the group's heading row stays with its first entry, on the same page
            heading = f'<tr><th colspan="{width}">{text(name)}</th></tr>'
            parts.append(f'<tbody class="group">{heading}{bodies.pop(0) if bodies else ""}</tbody>')
        parts += [f"<tbody>{rows}</tbody>" for rows in bodies]
    parts += ["</table>", "</section>"]
    return "\n".join(parts)


def _entry_rows(entry: _Entry, width: int) -> str:
    """An entry's cells on one row, and its note (already HTML) on a full-width row below."""
    cells = "".join(f"<td>{text(cell)}</td>" for cell in entry.cells)
    note = f'\n<tr class="note"><td colspan="{width}">{entry.note}</td></tr>' if entry.note else ""
    return f"<tr>{cells}</tr>{note}"


def _unbroken(value: object) -> str:
    """A value as written, kept on one line (`[0.1, 0.3]`, `triangular(10, 20, 30)`)."""
    return str(value).replace(", ", ",\u00a0")


def _cited(scenario: Scenario, source: str | None, note: str | None) -> str:
    """The note, then its source (as HTML): a source listed under `sources:` by its id,
    linked to the list at the end; any other source as written."""
    parts = [text(note.strip())] if note else []
    if source in scenario.sources:
        link = f'<a href="#{_source_anchor(source)}">{text(source)}</a>'
        parts.append(f'<span class="cite">[{link}]</span>')
    elif source:
        parts.append(f'<span class="cite">[{text(source)}]</span>')
    return " ".join(parts)


def _source_anchor(key: str) -> str:
    return f"source-{anchor(key)}"


def _sources(scenario: Scenario) -> str:
    """The scenario's sources, by id."""
    if not scenario.sources:
        return '<h3 id="sources">Sources</h3>\n<p>The scenario lists no sources.</p>'
    items = "\n".join(
        f'<dt id="{_source_anchor(key)}">{text(key)}</dt><dd>{text(value)}</dd>'
        for key, value in scenario.sources.items()
    )
    heading = '<section id="sources">\n<h3>Sources</h3>\n<dl class="sources">'
    return f"{heading}\n{items}\n</dl>\n</section>"


def _footer(file: str, result: Evaluation) -> str:
    """Where the page came from: the file, the scenario's hash and the version."""
    line = (
        f"Made by {_generator()} from {file} "
        f"(scenario {result.scenario_id}, {result.scenario_hash})."
    )
    return f"<footer><p>{text(line)}</p></footer>"
