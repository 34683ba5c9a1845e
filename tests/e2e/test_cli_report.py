"""`guarantees report`: one self-contained HTML handout, checked as text and in a real browser.

The browser test opens the page in headless Chromium (Debian's `chromium`, which .ci/run
installs when it is missing), takes a screenshot and checks that it is the size asked for
and not blank, and that the embedded picture was drawn; the page's text is read back from
the browser's DOM for the key figures. Every shipped scenario's handout is printed to PDF on
A4 and on Letter and its pages counted (at most four; the page cut after the picture prints
on one, so page 1 holds the summary and the picture). Without Chromium the browser tests are
skipped, unless GUARANTEES_REQUIRE_CHROMIUM is set (as .ci/run sets it), when they fail.
"""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import INVALID_ISSUES, SCENARIOS, Run, chromium
from matplotlib.image import imread
from typer.testing import CliRunner

from guarantees.cli.app import app
from guarantees.cli.report import Section, miss_text
from guarantees.cli.report_html import report_page
from guarantees.model import load, loads
from guarantees.model.exact.evaluate import evaluate

BASELINE = SCENARIOS / "coalition-baseline.yaml"
WINDOW = (1200, 1600)

HOSTILE = """\
format: guarantees/1
id: hostile
title: "Tags <script>alert('title')</script> & friends"
summary: "A summary with <b>markup</b> & an ampersand."
sources:
  memo: "Memo <i>internal</i> & co"
options:
  a:
    label: "Option <img src=x onerror=alert(1)>"
    deterrence: 0.5
    escalation: 0.2
    source: memo
    note: "A note with </td></tr></table> in it."
actors:
  x:
    name: "X <u>"
    constraints:
      - {limit: {escalation: {max: 0.1}}, note: "<script>alert('note')</script>", source: memo}
"""


def _facts() -> str:
    """The counts line of the baseline, as every view writes it."""
    c = evaluate(load(BASELINE)).counts
    return (
        f"{c.options} options, {c.actors} actors: {c.packages} packages, "
        f"{c.feasible} feasible, {c.acceptable} acceptable"
    )


def _concession() -> str:
    """The smallest concession of the baseline, as the report writes its first failure."""
    scenario = load(BASELINE)
    failure = evaluate(scenario).concessions[0].failures[0]
    head = f"{failure.constraint.label} ({failure.constraint.kind})"
    return f"{head}: {miss_text(scenario, failure.misses[0])}" if failure.misses else head


@pytest.fixture(scope="module")
def baseline_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the baseline scenario, written once through the command line."""
    path = tmp_path_factory.mktemp("report") / "baseline.html"
    result = CliRunner().invoke(app, ["report", str(BASELINE), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_the_page_holds_summary_results_picture_scenario_and_sources(baseline_page: Path) -> None:
    page = baseline_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Coalition of the willing after a ceasefire (baseline)</title>" in page
    assert "The menu of guarantees discussed in August 2025" in page  # the summary
    assert _facts() in page
    for heading in ("Acceptable packages", "Frontier", "Trade-offs", "Blocks", "Concessions"):
        assert f"<h3>{heading}</h3>" in page, heading
    assert "Most often the only actor in the way: ukraine." in page
    assert _concession() in page
    # the scenario itself, each constraint with its source, and the sources
    assert "<h3>Options</h3>" in page
    assert "<h3>Actors and their constraints</h3>" in page
    assert "veto: nato_country_forces" in page
    # each note cites its source by id, linked to the list of sources that describes it
    assert '[<a href="#source-bbc-aug-2025">bbc-aug-2025</a>]' in page
    described = html.escape(load(BASELINE).sources["bbc-aug-2025"], quote=False)
    assert f'<dt id="source-bbc-aug-2025">bbc-aug-2025</dt><dd>{described}</dd>' in page
    assert '<dt id="source-northwood-mar-2025">northwood-mar-2025</dt>' in page


def test_the_appendix_gives_each_note_the_full_width(baseline_page: Path) -> None:
    """Each table of the scenario puts an entry's cells on one row and its note on a row
    across every column below it; an actor's name heads its first constraint's rows."""
    page = baseline_page.read_text(encoding="utf-8")
    tables = re.findall(r'<table class="appendix">(.*?)</table>', page, re.S)
    assert len(tables) == 4  # options, interactions, rules, actors
    for table in tables:
        width = len(re.findall(r"<th>", table.split("</thead>")[0]))
        spans = re.findall(r'<tr class="note"><td colspan="(\d+)">', table)
        assert spans
        assert set(spans) == {str(width)}
    actors = tables[-1]
    scenario = load(BASELINE)
    for actor_id, actor in scenario.actors.items():
        first = actor.constraints[0].id
        assert re.search(
            rf'<tbody class="group"><tr><th colspan="2">{re.escape(actor.name)} \({actor_id}\)'
            rf"</th></tr><tr><td>{actor_id}\.{first}</td>",
            actors,
        ), actor_id


def test_the_page_needs_no_network(baseline_page: Path) -> None:
    page = baseline_page.read_text(encoding="utf-8")
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page)
    assert any(link.startswith("data:") for link in links)  # the picture
    # every other link is to a place in the page (a note's source in the list of sources)
    for link in (link for link in links if not link.startswith("data:")):
        assert link.startswith("#"), link
        assert f'id="{link[1:]}"' in page, link
    assert "<link" not in page
    assert "<script" not in page
    assert "@import" not in page
    assert "<style>" in page  # styles inline
    assert "@media print" in page


def test_the_picture_is_an_embedded_svg(baseline_page: Path) -> None:
    page = baseline_page.read_text(encoding="utf-8")
    (data,) = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    svg = base64.b64decode(data).decode("utf-8")
    assert "<svg" in svg
    assert 'id="frontier"' in svg


def test_scenario_text_is_escaped(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "hostile.html"
    assert run("report", source, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "<b>markup" not in page
    assert "</td></tr></table> in it" not in page
    assert "Tags &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; friends" in page
    assert "Option &lt;img src=x onerror=alert(1)&gt;" in page
    assert "Memo &lt;i&gt;internal&lt;/i&gt; &amp; co" in page


def test_refuses_to_overwrite_unless_forced(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    out.write_text("mine", encoding="utf-8")
    result = run("report", small, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("report", small, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_is_required(run: Run, small: Path) -> None:
    result = run("report", small)
    assert result.exit_code == 2
    assert "--output" in result.output


def test_top_cuts_the_lists(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert run("report", small, "-o", out, "--top", "1").exit_code == 0
    assert "Showing 1 of 3 acceptable packages" in out.read_text(encoding="utf-8")


def test_invalid_file_writes_nothing(run: Run, invalid: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = run("report", invalid, "-o", out)
    assert result.exit_code == 2
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in result.stderr
    assert not out.exists()


def test_without_matplotlib_says_how_to_install_it(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("report", small, "-o", tmp_path / "page.html")
    assert result.exit_code == 2
    assert "pip install 'guarantees[plot]'" in result.stderr
    assert not (tmp_path / "page.html").exists()


def test_extra_sections_come_after_the_results() -> None:
    scenario = loads(HOSTILE)
    extra = (Section("Robustness", ("Acceptable in 80% of draws <b>.",)),)
    page = report_page("h.yaml", scenario, evaluate(scenario), b"<svg/>", top=5, extra=extra)
    assert page.index("<h3>Concessions</h3>") < page.index("<h2>Robustness</h2>")
    assert page.index("<h2>Robustness</h2>") < page.index('<h2 id="scenario">')
    assert "Acceptable in 80% of draws &lt;b&gt;." in page


# --- in a real browser ------------------------------------------------------------------


def _command(page: Path, profile: Path, *action: str) -> list[str]:
    """Headless Chromium on the page, offline and with its own fresh profile."""
    return [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *action,
        page.resolve().as_uri(),
    ]


def _browse(page: Path, tmp_path: Path, *action: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on the page, offline and with a fresh profile."""
    command = _command(page, tmp_path / "profile", *action)
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=180)


def test_chromium_renders_the_page_with_its_picture(baseline_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _browse(baseline_page, tmp_path, f"--screenshot={shot}")
    assert shot.exists(), done.stderr
    pixels = imread(io.BytesIO(shot.read_bytes()), format="png")[..., :3]
    assert pixels.shape[:2] == (WINDOW[1], WINDOW[0])
    assert pixels.std() > 0.05  # not blank
    assert (pixels.min(axis=-1) < 0.5).mean() > 0.01  # dark text and lines
    # the embedded picture was drawn: its orange and vermilion markers are on screen
    for colour in ((0.902, 0.624, 0.0), (0.835, 0.369, 0.0)):
        assert (np.abs(pixels - colour).max(axis=-1) < 0.1).sum() > 30, colour


def test_chromium_reads_the_key_figures(baseline_page: Path, tmp_path: Path) -> None:
    done = _browse(baseline_page, tmp_path, "--dump-dom")
    assert done.returncode == 0, done.stderr
    dom = done.stdout
    result = evaluate(load(BASELINE))
    assert _facts() in dom
    points, packages = len(result.frontier), len(result.frontier.packages)
    assert f"{points} points ({packages} packages) where no feasible package does" in dom
    assert _concession() in dom  # the smallest concession, with its shortfall
    assert "Most often the only actor in the way: ukraine." in dom


#: The handout's length, on either paper (points, as a PDF's MediaBox gives them).
HANDOUT_PAGES = 4
PAPERS = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}
SHIPPED = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """A shipped scenario's report at the default --top, written once through the command
    line (with its robustness and stability sections, as a user gets it)."""
    folder = tmp_path_factory.mktemp("handouts")
    made: dict[str, str] = {}

    def page(name: str) -> str:
        if name not in made:
            path = folder / f"{name}.html"
            done = CliRunner().invoke(
                app, ["report", str(SCENARIOS / f"{name}.yaml"), "-o", str(path)]
            )
            assert done.exit_code == 0, done.output
            made[name] = path.read_text(encoding="utf-8")
        return made[name]

    return page


def _command_lines(page: str) -> list[str]:
    """Command-line syntax in the page's text: an option (`--top`) or a command of this
    program (`guarantees stability`)."""
    from typer.main import get_group

    commands = "|".join(get_group(app).commands)
    words = html.unescape(re.sub(r"<[^>]*>", " ", page.split("</head>", 1)[1]))
    return re.findall(rf"(?<![\w-])--[a-z][\w-]*|\bguarantees (?:{commands})\b", words)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_handout_gives_no_command_lines(handout: Callable[[str], str], name: str) -> None:
    page = handout(name)
    assert _command_lines(page) == []
    # a list cut to --top still says how many entries it has
    assert re.search(r"Showing 5 of \d+ [a-z-]+\.<", page), name


def _on_paper(page: str, paper: str) -> str:
    """The page as a browser prints it on this paper (as if the printer used it: the page
    leaves the size to the printer)."""
    assert not re.search(r"@page\s*\{[^}]*\bsize\s*:", page)  # it sets no paper size
    return page.replace("</head>", f"<style>@page {{ size: {paper}; }}</style>\n</head>", 1)


def _first_page(page: str) -> str:
    """The page cut after the picture: the header (title, summary, counts) and the picture.
    What the page prints first it prints the same with or without what follows, so when this
    prints on one page, page 1 of the whole handout holds the summary and the picture."""
    end = page.index("</section>", page.index('<section id="picture">')) + len("</section>")
    assert page.index('<p class="summary">') < end
    return page[:end] + "\n</body>\n</html>\n"


def _print_all(pages: dict[str, str], tmp_path: Path) -> dict[str, bytes]:
    """Print each page to PDF in Chromium, all at once (a browser that prints mostly waits),
    each with its own profile; the PDFs by the pages' names."""
    running = {}
    for name, page in pages.items():
        source, pdf = tmp_path / f"{name}.html", tmp_path / f"{name}.pdf"
        source.write_text(page, encoding="utf-8")
        print_ = (f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        command = _command(source, tmp_path / f"profile-{name}", *print_)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        running[name] = (pdf, process)
    printed = {}
    for name, (pdf, process) in running.items():
        _, errors = process.communicate(timeout=180)
        assert pdf.exists(), errors.decode(errors="replace")
        printed[name] = pdf.read_bytes()
    return printed


def _pages(pdf: bytes, paper: str) -> int:
    """A PDF's number of pages, each checked to be of this paper's size."""
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    for box in boxes:
        assert tuple(float(x) for x in box) == pytest.approx(PAPERS[paper], abs=1.5), paper
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages == len(boxes) > 0
    return pages


@pytest.mark.parametrize("name", SHIPPED)
def test_the_handout_prints_in_four_pages_with_summary_and_picture_on_page_1(
    handout: Callable[[str], str], name: str, tmp_path: Path
) -> None:
    """On A4 and on Letter: at most four pages in all, and the page cut after the picture
    prints on one (so page 1 holds the summary and the picture)."""
    page = handout(name)
    pages = {
        f"{part}-{paper}": _on_paper(text, paper)
        for paper in PAPERS
        for part, text in (("whole", page), ("first", _first_page(page)))
    }
    printed = _print_all(pages, tmp_path)
    for paper in PAPERS:
        assert _pages(printed[f"whole-{paper}"], paper) <= HANDOUT_PAGES, paper
        assert _pages(printed[f"first-{paper}"], paper) == 1, paper
