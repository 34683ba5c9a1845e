"""`guarantees frontier`: the frontier as a table, Markdown or JSON, and the picture with --plot."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import EXAMPLE, INVALID_ISSUES, SCENARIOS, Run
from matplotlib.image import imread

from guarantees.model import load
from guarantees.model.exact.evaluate import evaluate

BASELINE = SCENARIOS / "coalition-baseline.yaml"


def test_table_shows_the_frontier_and_trade_offs_only(run: Run, small: Path) -> None:
    result = run("frontier", small)
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[:3] == [
        "Small test scenario",
        f"small ({small})",
        "4 options, 3 actors: 16 packages, 12 feasible, 3 acceptable",
    ]
    assert "10 points (10 packages) where no feasible package does better on both" in out
    assert "Trade-offs" in out
    for absent in ("Acceptable packages", "Blocks", "Concessions", "Showing"):
        assert absent not in out  # every point by default, other sections left out


def test_top_cuts_the_frontier(run: Run, small: Path) -> None:
    out = run("frontier", small, "--top", "2").stdout
    assert "Showing 2 of 10 points (--top N to show more)." in out


def test_json_is_the_frontier_part_of_evaluate(run: Run) -> None:
    result = run("frontier", BASELINE, "--format", "json")
    document = json.loads(result.stdout)
    assert document["schema"] == "guarantees.frontier/1"
    assert document["file"] == str(BASELINE)
    whole = evaluate(load(BASELINE)).to_json()
    for key in ("scenario", "tradeoff", "counts", "frontier", "tradeoffs"):
        assert document[key] == whole[key], key
    assert document["truncated"] is False
    assert len(document["frontier"]) > 10


def test_markdown(run: Run, small: Path) -> None:
    out = run("frontier", small, "-f", "markdown").stdout
    assert out.startswith("# Small test scenario\n")
    assert "## Frontier" in out
    assert "## Trade-offs" in out


def test_plot_png_is_written_and_holds_a_picture(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "baseline.png"
    result = run("frontier", BASELINE, "--plot", path)
    assert result.exit_code == 0, result.output
    assert "Frontier" in result.stdout  # the table still goes to standard output
    pixels = imread(io.BytesIO(path.read_bytes()), format="png")
    assert pixels.shape == (975, 1200, 4)
    assert pixels[..., :3].std() > 0.05
    # orange trade-off triangles and vermilion blocked crosses are in the picture
    for colour in ((0.902, 0.624, 0.0), (0.835, 0.369, 0.0)):
        assert (np.abs(pixels[..., :3] - colour).max(axis=-1) < 0.08).sum() > 50


def test_plot_svg(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "baseline.svg"
    assert run("frontier", BASELINE, "--plot", path, "-f", "json").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml")
    assert "<svg" in text
    assert 'id="frontier"' in text


def test_plot_refuses_to_overwrite_unless_forced(run: Run, small: Path, tmp_path: Path) -> None:
    path = tmp_path / "plot.png"
    path.write_bytes(b"mine")
    result = run("frontier", small, "--plot", path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {path} already exists; use --force to overwrite it\n"
    assert result.stdout == ""  # refused before any work
    assert path.read_bytes() == b"mine"
    assert run("frontier", small, "--plot", path, "--force").exit_code == 0
    assert path.read_bytes().startswith(b"\x89PNG")


def test_plot_format_comes_from_the_name(run: Run, small: Path, tmp_path: Path) -> None:
    result = run("frontier", small, "--plot", tmp_path / "plot.jpg")
    assert result.exit_code == 2
    assert "name it .png or .svg" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "plot.jpg").exists()


def test_plot_without_matplotlib_says_how_to_install_it(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    result = run("frontier", small, "--plot", tmp_path / "plot.png")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --plot needs matplotlib, which is not installed: pip install 'guarantees[plot]'\n"
    )


def test_invalid_file_is_reported_like_a_compiler(run: Run, invalid: Path) -> None:
    result = run("frontier", invalid, "--plot", invalid.with_suffix(".png"))
    assert result.exit_code == 2
    for issue in INVALID_ISSUES:
        assert f"{invalid}{issue}" in result.stderr
    assert not invalid.with_suffix(".png").exists()


def test_the_example_with_no_acceptable_package_plots(run: Run, tmp_path: Path) -> None:
    assert run("frontier", EXAMPLE, "--plot", tmp_path / "x.png").exit_code == 0


def test_matplotlib_is_loaded_only_for_a_picture(small: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from guarantees.cli.app import app\n"
        f"for args in (['frontier', {str(small)!r}], ['evaluate', {str(small)!r}]):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "False\n"
