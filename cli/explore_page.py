"""The explorer page: a form of options, the answers for the package ticked, the picture.

The page is one file with everything inline (cli/templates/explore.html: style and
script), so it opens from a USB stick with no network. Python writes the static parts (title,
the options as labelled checkboxes, the empty sections, the trade-off picture as an SVG data
URI) and embeds the data of cli/explore_data.py as JSON; the script reads the ticked boxes,
looks the package up and fills the sections with the texts it finds, as text (never markup).
"""

from __future__ import annotations

import base64
import json
from html import escape
from importlib.resources import files
from string import Template
from typing import Any

from guarantees.cli.render_html import text
from guarantees.model.format.schema import Scenario

#: Sections the script fills, in order: (id, heading).
SECTIONS = (
    ("rules", "Rules"),
    ("nearest", "Nearest acceptable package"),
    ("concession", "What would open it"),
    ("verdicts", "Verdicts"),
    ("metrics", "Metrics"),
    ("robustness", "Robustness"),
    ("stability", "Stability"),
)


def explore_page(scenario: Scenario, data: dict[str, Any], svg: bytes) -> str:
    """The whole page for the scenario, with its data embedded."""
    template = Template(
        files("guarantees.cli").joinpath("templates/explore.html").read_text("utf-8")
    )
    return template.substitute(
        title=text(f"{scenario.title}: explorer"),
        generator=_generator(),
        body=_body(scenario, data, svg),
        data=embedded_json(data),
    )


def embedded_json(data: dict[str, Any]) -> str:
    """JSON that can sit inside a <script> element: `<`, `>` and `&` written as escapes."""
    raw = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _generator() -> str:
    from importlib.metadata import version

    return f"guarantees {version('guarantees')}"


def _body(scenario: Scenario, data: dict[str, Any], svg: bytes) -> str:
    """Header, the options form, the answers' sections and the picture."""
    counts = data["counts"]
    facts = (
        f"{scenario.id} ({data['file']}): {counts['options']} options, "
        f"{counts['packages']:,} packages, {counts['feasible']:,} feasible, "
        f"{counts['acceptable']:,} acceptable to every actor."
    )
    parts = [
        "<header>",
        f"<h1>{text(scenario.title)}</h1>",
        f'<p class="summary">{text(scenario.summary.strip())}</p>' if scenario.summary else "",
        f'<p class="facts">{text(facts)}</p>',
        '<p class="meta">Tick options (Tab to move, Space to tick): every answer below is for '
        "the package ticked, as the solver computed it when this page was written.</p>",
        "<noscript><p><strong>This page needs JavaScript to show its answers.</strong></p>"
        "</noscript>",
        "</header>",
        '<div class="layout">',
        _form(scenario),
        '<main id="answers">',
        '<section id="package" aria-live="polite"><h2>Package</h2>'
        '<p id="package-text"></p><p id="status-text"></p><p id="summary-text"></p></section>',
        *(
            f'<section id="{key}"><h2>{text(heading)}</h2><div class="body"></div></section>'
            for key, heading in SECTIONS
        ),
        _figure(scenario, data, svg),
        "</main>",
        "</div>",
        f"<footer><p>{text(_footer(data))}</p></footer>",
    ]
    return "\n".join(part for part in parts if part)


def _form(scenario: Scenario) -> str:
    """The options as labelled checkboxes, in file order (bit i: option i)."""
    rows = []
    for i, (option_id, option) in enumerate(scenario.options.items()):
        rows.append(
            f'<div class="option"><input type="checkbox" id="option-{i}" '
            f'data-bit="{i}" value="{escape(option_id, quote=True)}">'
            f'<label for="option-{i}"><code>{text(option_id)}</code> '
            f"{text(option.label)}</label></div>"
        )
    buttons = (
        '<div class="buttons"><button type="button" id="clear">Untick all</button>'
        '<button type="button" id="go-nearest">Tick the nearest acceptable package</button>'
        "</div>"
    )
    return (
        '<form id="options" onsubmit="return false"><fieldset><legend>Options</legend>'
        + "\n".join(rows)
        + f"</fieldset>{buttons}</form>"
    )


def _figure(scenario: Scenario, data: dict[str, Any], svg: bytes) -> str:
    """The picture of `frontier --plot`, with a layer on top where the script marks the
    package ticked and its nearest acceptable package."""
    picture = data["picture"]
    width, height = picture["width"], picture["height"]
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    alt = f"Trade-off plot of {scenario.tradeoff.benefit} against {scenario.tradeoff.risk}"
    return (
        '<section id="picture"><h2>On the trade-off picture</h2><figure>'
        f'<div class="plot"><img alt="{escape(alt, quote=True)}" src="{uri}">'
        f'<svg id="marks" viewBox="0 0 {width:g} {height:g}" aria-hidden="true">'
        '<g id="mark-nearest" class="mark" visibility="hidden">'
        '<path d="M0,-11 L11,0 L0,11 L-11,0 Z"></path></g>'
        '<g id="mark-package" class="mark" visibility="hidden">'
        '<circle r="9"></circle><path d="M-15,0 H-5 M5,0 H15 M0,-15 V-5 M0,5 V15"></path></g>'
        "</svg></div>"
        '<p id="picture-note" class="note"></p>'
        '<figcaption id="picture-caption">The package ticked is the ringed cross-hair; its '
        "nearest acceptable package the diamond. The rest of the picture is the one "
        "<code>guarantees frontier --plot</code> draws: every feasible package, the frontier "
        "and each actor's limits (see its legend).</figcaption>"
        "</figure></section>"
    )


def _footer(data: dict[str, Any]) -> str:
    return (
        f"Made by {_generator()} from {data['file']} (scenario {data['scenario']}, "
        f"{data['hash']}). Every answer was computed when the page was written."
    )
