"""`guarantees explore`: the explorer page as a file, run as a user runs the command.

The page's answers are checked against `explain` in a real browser in
test_browser_explore.py; here: what is written, when nothing is, and the messages.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import INVALID_ISSUES, SCRIPT, Run

from guarantees.model.explore.table import MAX_OPTIONS

HOSTILE = """\
format: guarantees/1
id: hostile
title: "Tags <script>alert('title')</script> & friends"
summary: "A summary with <b>markup</b> & an ampersand."
sources:
  memo: "Memo </script><i>internal</i> & co"
options:
  a:
    label: "Option <img src=x onerror=alert(1)>"
    deterrence: 0.5
    escalation: 0.2
actors:
  x:
    name: "X </script><u>"
    constraints:
      - {limit: {escalation: {max: 0.1}}, note: "<script>alert('note')</script>", source: memo}
"""


def test_writes_the_page_and_says_so(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = run("explore", small, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Small test scenario: explorer</title>" in page
    for option in ("monitors", "jets", "force", "backstop"):
        assert f'value="{option}"' in page
    assert 'id="explore-data"' in page


def test_quiet_says_nothing(run: Run, small: Path, tmp_path: Path) -> None:
    result = run("explore", small, "-o", tmp_path / "page.html", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_the_page_needs_no_network(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert run("explore", small, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page)
    assert links  # the picture
    assert all(link.startswith("data:") for link in links)
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/json" id="explore-data">',
        "<script>",
    ]
    assert "<link" not in page
    assert "@import" not in page
    assert "fetch(" not in page
    assert "XMLHttpRequest" not in page


def test_scenario_text_is_escaped(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "hostile.html"
    assert run("explore", source, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<script") == 2  # the data and the page's own script
    assert page.count("</script>") == 2
    assert "<img src=x" not in page
    assert "<b>markup" not in page
    assert "Tags &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; friends" in page
    assert "Option &lt;img src=x onerror=alert(1)&gt;" in page
    assert "X \\u003c/script\\u003e\\u003cu\\u003e" in page  # in the data, as JSON escapes


def test_refuses_to_overwrite_unless_forced(run: Run, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    out.write_text("mine", encoding="utf-8")
    result = run("explore", small, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("explore", small, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_is_required(run: Run, small: Path) -> None:
    result = run("explore", small)
    assert result.exit_code == 2
    assert "--output" in result.output


def test_invalid_file_writes_nothing(run: Run, invalid: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = run("explore", invalid, "-o", out)
    assert result.exit_code == 2
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in result.stderr
    assert not out.exists()


def test_a_scenario_past_the_limit_is_refused_clearly(
    run: Run, make_big: Callable[[int], Path], tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    result = run("explore", make_big(MAX_OPTIONS + 1), "-o", out)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: the explorer page holds every package: at most {MAX_OPTIONS} options "
        f"(2^{MAX_OPTIONS} packages), and scenario 'big-{MAX_OPTIONS + 1}' has "
        f"{MAX_OPTIONS + 1}; use evaluate or explain, or fewer options\n"
    )
    assert not out.exists()


def test_a_scenario_at_the_limit_makes_a_page_of_a_few_megabytes(
    make_big: Callable[[int], Path], tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    done = subprocess.run(
        [SCRIPT, "explore", make_big(MAX_OPTIONS), "-o", out, "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert 100_000 < out.stat().st_size < 5_000_000


def test_without_matplotlib_says_how_to_install_it(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("explore", small, "-o", tmp_path / "page.html")
    assert result.exit_code == 2
    assert "pip install 'guarantees[plot]'" in result.stderr
    assert not (tmp_path / "page.html").exists()
