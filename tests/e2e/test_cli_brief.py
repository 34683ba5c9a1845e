"""`guarantees brief`: one Markdown and one HTML briefing per actor, as a seminar uses them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cli_helpers import INVALID_ISSUES, SCENARIOS, Run, chromium

from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate

BASELINE = SCENARIOS / "coalition-baseline.yaml"
WALK_AWAY = SCENARIOS / "walk-away.yaml"


def test_every_actor_gets_a_markdown_and_an_html_page(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "briefs"
    result = run("brief", WALK_AWAY, "-o", out)
    assert result.exit_code == 0, result.output
    actors = list(load(WALK_AWAY).actors)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{a}{s}" for a in actors for s in (".md", ".html")
    )
    wrote = [f"wrote {out / a}{s}" for a in actors for s in (".md", ".html")]
    assert result.stderr.splitlines() == wrote
    assert result.stdout == ""


def test_a_briefing_says_position_constraints_blocks_concessions_preferences(
    run: Run, tmp_path: Path
) -> None:
    assert run("brief", BASELINE, "-o", tmp_path, "--actor", "russia", "-q").exit_code == 0
    page = (tmp_path / "russia.md").read_text(encoding="utf-8")
    blocks = next(b for b in evaluate(load(BASELINE)).blocks if b.actor == "russia")
    assert f"is alone in rejecting {blocks.sole}." in page
    assert "- Rejects any package with nato_membership." in page
    assert "escalation at most 0.35 (best guess; uncertain: triangular(0.25, 0.35, 0.45))" in page
    for heading in (
        "Position",
        "Constraints",
        "Packages it alone blocks",
        "Concessions asked of it",
        "Preferences",
        "Robustness",
        "Sources",
    ):
        assert f"\n## {heading}\n" in page
    assert "| russia.no_nato_troops | veto | veto: nato_country_forces | The Kremlin" in page
    assert f"source: {load(BASELINE).sources['bbc-aug-2025']}" in page
    assert f"{blocks.sole} feasible packages that every other actor accepts" in page
    assert "1. not nato_membership" in page
    assert re.search(r"russia rejects \d+% of the \(feasible package, draw\) pairs", page)
    assert {p.name for p in tmp_path.iterdir()} == {"russia.md", "russia.html"}


def test_the_html_page_is_self_contained_and_escaped(run: Run, tmp_path: Path) -> None:
    assert run("brief", BASELINE, "-o", tmp_path, "-a", "ukraine", "-q").exit_code == 0
    page = (tmp_path / "ukraine.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Briefing: Ukraine</h1>" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@media print" in page
    assert "deterrence &gt;= 0.65" in page  # a priority, escaped


def test_without_draws_there_is_no_robustness_section(run: Run, tmp_path: Path) -> None:
    assert run("brief", BASELINE, "-o", tmp_path, "-a", "ukraine", "-n", "0", "-q").exit_code == 0
    assert "## Robustness" not in (tmp_path / "ukraine.md").read_text(encoding="utf-8")


def test_same_seed_same_briefing(run: Run, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            run(
                "brief",
                BASELINE,
                "-o",
                tmp_path / name,
                "-a",
                "coalition",
                "-q",
                "-n",
                "200",
                "--seed",
                "7",
            ).exit_code
            == 0
        )
    first, second = ((tmp_path / n / "coalition.md").read_text("utf-8") for n in ("a", "b"))
    assert first == second


def test_an_unknown_actor_is_an_error_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "briefs"
    result = run("brief", BASELINE, "-o", out, "-a", "rusia", "-a", "ukraine")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown actor 'rusia' (did you mean 'russia'?)\n"
    assert not out.exists()


def test_refuses_to_overwrite_unless_forced(run: Run, tmp_path: Path) -> None:
    (tmp_path / "russia.html").write_text("mine", encoding="utf-8")
    result = run("brief", BASELINE, "-o", tmp_path, "-a", "ukraine", "-a", "russia")
    assert result.exit_code == 2
    message = f"error: {tmp_path / 'russia.html'} already exists; use --force to overwrite it\n"
    assert result.stderr == message
    assert not (tmp_path / "ukraine.md").exists()  # stopped before writing anything
    assert run("brief", BASELINE, "-o", tmp_path, "-a", "russia", "--force", "-q").exit_code == 0
    assert (tmp_path / "russia.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_output_must_be_a_folder(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "file.txt"
    out.write_text("x", encoding="utf-8")
    result = run("brief", BASELINE, "-o", out)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {out} is not a directory; give a folder to write the briefings in\n"
    )


def test_output_is_required(run: Run) -> None:
    result = run("brief", BASELINE)
    assert result.exit_code == 2
    assert "--output" in result.output


def test_invalid_file_is_reported_at_its_lines(run: Run, invalid: Path, tmp_path: Path) -> None:
    result = run("brief", invalid, "-o", tmp_path / "out")
    assert result.exit_code == 2
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_actor_without_constraints_or_blocks(run: Run, small: Path, tmp_path: Path) -> None:
    assert run("brief", small, "-o", tmp_path, "-q").exit_code == 0
    london = (tmp_path / "london.md").read_text(encoding="utf-8")
    assert "troops at most 10 thousand; troops: Troops deployed." in london
    assert "No preference declared" not in london
    assert "declares no preference" in london


def test_a_row_groups_only_packages_failing_alike(run: Run, tmp_path: Path) -> None:
    """Recognition changes no metric, but Ukraine vetoes it: the packages with it fail one
    constraint more, so they are rows of their own, not `(with or without ...)`."""
    assert run("brief", BASELINE, "-o", tmp_path, "-a", "ukraine", "-n", "0", "-q").exit_code == 0
    page = (tmp_path / "ukraine.md").read_text(encoding="utf-8")
    section = page.split("## Packages it alone blocks")[1].split("## ")[0]
    assert "with or without formal_recognition" not in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "|---" not in line]
    with_it = [r for r in rows[1:] if "formal_recognition |" in r]
    assert with_it
    assert all("ukraine.no_recognition (veto)" in r for r in with_it)
    assert all("ukraine.no_recognition" not in r for r in rows[1:] if r not in with_it)


def _print_to_pdf(page: Path, pdf: Path, profile: Path) -> None:
    """Print a page with headless Chromium, offline (skipped without it, as the report's
    browser tests are, unless GUARANTEES_REQUIRE_CHROMIUM is set)."""
    found = chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    command = [found, *flags, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
    command += ["--no-pdf-header-footer", page.resolve().as_uri()]
    subprocess.run(command, capture_output=True, check=False, timeout=180)


def test_chromium_prints_a_briefing_on_a_few_pages(run: Run, tmp_path: Path) -> None:
    """The page a group is handed prints whole, on at most four A4 pages (as the handout)."""
    assert run("brief", BASELINE, "-o", tmp_path, "-a", "russia", "-q").exit_code == 0
    pdf = tmp_path / "russia.pdf"
    _print_to_pdf(tmp_path / "russia.html", pdf, tmp_path / "profile")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert 1 <= len(re.findall(rb"/Type\s*/Page\b", data)) <= 4


def test_top_cuts_both_lists(run: Run, tmp_path: Path) -> None:
    attache = SCENARIOS / "attache-trade.yaml"
    result = run("brief", attache, "-o", tmp_path, "-a", "ukraine", "--top", "2", "-n", "0", "-q")
    assert result.exit_code == 0
    page = (tmp_path / "ukraine.md").read_text(encoding="utf-8")
    assert "Showing 2 of 31 packages (--top N to show more)." in page
    assert "Showing 2 of 4 concessions (--top N to show more)." in page
