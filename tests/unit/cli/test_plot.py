"""The trade-off picture: what is drawn (points by status, colours, markers, the frontier, the
limits, the notes, the legend) checked on the figure itself, and the image read back."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.lines import Line2D

from guarantees.cli.plot import STYLES, figure_bytes, frontier_figure
from guarantees.model import load, loads
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.points import (
    ACCEPTABLE,
    BLOCKED,
    HELD_BACK,
    limit_lines,
    package_points,
)
from guarantees.model.format.schema import Scenario

SMALL = """\
format: guarantees/1
id: small
title: "Small: a $5 package and a $6 one <b>"
metrics:
  deterrence: {combine: noisy_or, better: higher}
  escalation: {combine: noisy_or, better: lower}
  troops: {combine: sum, better: lower, unit: thousand}
options:
  monitors: {label: Monitors, deterrence: 0.1, escalation: 0.02}
  jets: {label: Jets, tags: [air_power], deterrence: 0.3, escalation: 0.1}
  force: {label: Force, tags: [troops_inside], deterrence: 0.4, escalation: 0.3, troops: 20}
  backstop: {label: Backstop, deterrence: 0.3, escalation: 0.15}
rules:
  - requires: {backstop: [jets]}
actors:
  kyiv:
    name: Kyiv
    constraints:
      - {id: enough, limit: {deterrence: {min: 0.35}}}
  moscow:
    name: Moscow
    constraints:
      - {id: no_troops, veto: troops_inside}
      - limit: {escalation: {max: [0.25, 0.35]}}
  london:
    name: London
    constraints:
      - limit: {troops: {max: 10}}
"""


def _big(n: int) -> str:
    options = "".join(
        f"  o{i}: {{label: O{i}, deterrence: 0.0{i % 9 + 1}, escalation: 0.0{i * 5 % 9 + 1}}}\n"
        for i in range(n)
    )
    return (
        f"format: guarantees/1\nid: big\ntitle: Big\noptions:\n{options}actors:\n  a:\n"
        "    name: A\n    constraints:\n      - veto: o0\n      - limit: {escalation: {max: 0.2}}\n"
    )


def _draw(scenario: Scenario, **kwargs: Any) -> tuple[Figure, Axes]:
    figure = frontier_figure(
        scenario, evaluate(scenario), package_points(scenario), limit_lines(scenario), **kwargs
    )
    return figure, figure.axes[0]


def _status_collections(axes: Axes) -> dict[int, PathCollection]:
    found = {}
    for collection in axes.collections:
        gid = collection.get_gid()
        if isinstance(collection, PathCollection) and gid and gid.startswith("status-"):
            found[int(gid.removeprefix("status-"))] = collection
    return found


@pytest.fixture(scope="module")
def small() -> tuple[Scenario, Figure, Axes]:
    scenario = loads(SMALL)
    figure, axes = _draw(scenario)
    return scenario, figure, axes


def test_every_feasible_package_is_a_point_of_its_status(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    scenario, _, axes = small
    points = package_points(scenario)
    collections = _status_collections(axes)
    assert set(collections) == {ACCEPTABLE, HELD_BACK, BLOCKED}
    for code, collection in collections.items():
        chosen = points.status == code
        expected = np.column_stack((points.benefit[chosen], points.risk[chosen]))
        assert np.allclose(collection.get_offsets(), expected)
    assert [len(collections[c].get_offsets()) for c in (0, 1, 2)] == [3, 3, 6]


def test_statuses_differ_by_colour_and_by_marker_shape(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    _, _, axes = small
    collections = _status_collections(axes)
    for code, collection in collections.items():
        colour = STYLES[code][0]
        drawn = collection.get_facecolor() if code != BLOCKED else collection.get_edgecolor()
        assert np.allclose(drawn[0][:3], to_rgb(colour)), code
    # greyscale: the marker shapes themselves differ, pair by pair
    shapes = [collections[c].get_paths()[0].vertices for c in (ACCEPTABLE, HELD_BACK, BLOCKED)]
    for i in range(3):
        for j in range(i + 1, 3):
            a, b = shapes[i], shapes[j]
            assert a.shape != b.shape or not np.allclose(a, b)
    assert len({STYLES[c][0] for c in STYLES}) == 3
    assert len({STYLES[c][1] for c in STYLES}) == 3


def test_the_frontier_is_drawn_through_its_exact_points(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    scenario, _, axes = small
    result = evaluate(scenario)
    (line,) = [x for x in axes.get_lines() if x.get_gid() == "frontier"]
    assert list(line.get_xdata()) == [p.benefit for p in result.frontier]
    assert list(line.get_ydata()) == [p.risk for p in result.frontier]


def test_limits_are_labelled_lines_and_an_uncertain_one_a_band(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    _, _, axes = small
    labels = [t.get_text() for t in axes.texts if t.get_gid() == "limit-label"]
    assert labels == ["kyiv min 0.35", "moscow max 0.3"]
    dashed = [x for x in axes.get_lines() if x.get_linestyle() == "--" and len(x.get_xdata())]
    positions = [(tuple(x.get_xdata()), tuple(x.get_ydata())) for x in dashed]
    assert ((0.35, 0.35), (0, 1)) in positions  # vertical: a bound on deterrence
    assert ((0, 1), (0.3, 0.3)) in positions  # horizontal: a bound on escalation
    bands = [p for p in axes.patches if p.get_gid() == "limit-range"]
    assert len(bands) == 1  # moscow's uncertain ceiling, [0.25, 0.35]
    assert bands[0].get_hatch()  # hatched, so that it reads in greyscale
    assert bands[0].get_label() == "moscow's max escalation: 0.25 to 0.35"


def test_best_acceptable_and_smallest_concession_are_annotated(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    _, _, axes = small
    notes = {
        t.get_gid(): t.get_text().replace("\n  ", " ")  # long notes are wrapped
        for t in axes.texts
        if (t.get_gid() or "").startswith("note-")
    }
    assert notes["note-best"] == "best acceptable: monitors, jets, backstop"
    assert notes["note-concession"].startswith("smallest concession: relax kyiv.enough")
    assert "opens jets" in notes["note-concession"]


def test_legend_axes_and_title_say_what_is_shown(small: tuple[Scenario, Figure, Axes]) -> None:
    scenario, figure, axes = small
    legend = axes.get_legend()
    assert legend is not None
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:3] == [
        "acceptable (3)",
        "held back by limits: fails only metric limits (3)",
        "blocked: a veto, demand or condition (6)",
    ]
    assert "frontier: 10 points (10 packages), exact" in texts
    assert axes.get_xlabel() == "deterrence, higher is better"
    assert axes.get_ylabel() == "escalation, lower is better"
    assert figure.get_suptitle() == scenario.title  # shown as written: no maths from the $s
    assert axes.get_title() == "12 feasible packages of 16"


def test_the_png_is_written_and_readable_with_content(small: tuple[Scenario, Figure, Axes]) -> None:
    _, figure, _ = small
    data = figure_bytes(figure, "png")
    assert data.startswith(b"\x89PNG")
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape == (975, 1200, 4)
    rgb = pixels[..., :3]
    assert rgb.std() > 0.05  # not blank
    for colour in (STYLES[ACCEPTABLE][0], STYLES[HELD_BACK][0], STYLES[BLOCKED][0]):
        near = np.abs(rgb - np.array(to_rgb(colour))).max(axis=-1) < 0.08
        assert near.sum() > 20, colour  # each status colour really appears


def test_svg_is_the_same_on_every_run() -> None:
    scenario = loads(SMALL)
    figure, _ = _draw(scenario)
    again, _ = _draw(scenario)
    first, second = figure_bytes(figure, "svg"), figure_bytes(again, "svg")
    assert first == second
    assert b"<svg" in first


def test_many_points_stay_legible_smaller_and_fainter() -> None:
    _, few = _draw(loads(SMALL))
    many_fig, many = _draw(loads(_big(14)))
    few_c, many_c = _status_collections(few), _status_collections(many)
    total = sum(len(c.get_offsets()) for c in many_c.values())
    assert total == 5000  # 16,384 packages, a fixed sample shown
    assert "a fixed sample of 5,000 shown" in many.get_title()
    for code in (HELD_BACK, BLOCKED):
        assert many_c[code].get_sizes()[0] < few_c[code].get_sizes()[0]
        assert (many_c[code].get_alpha() or 1) < (few_c[code].get_alpha() or 1)
    legend = many.get_legend()
    assert legend is not None
    assert all(h.get_alpha() == 1.0 for h in legend.legend_handles if h is not None)
    pixels = imread(io.BytesIO(figure_bytes(many_fig, "png")), format="png")
    assert pixels[..., :3].std() > 0.05


def test_a_scenario_with_no_feasible_package_says_so() -> None:
    text = SMALL.replace("rules:\n", "rules:\n  - condition: 'false'\n")
    figure, axes = _draw(loads(text))
    assert [t.get_text() for t in axes.texts if t.get_gid() == "empty"] == [
        "No package keeps every rule: there is nothing to draw."
    ]
    assert imread(io.BytesIO(figure_bytes(figure, "png")), format="png").shape == (975, 1200, 4)


class _Cloud:
    """A stand-in for a robustness layer: the seam the picture offers."""

    label = "uncertainty cloud"

    def __init__(self) -> None:
        self.drawn = False

    def draw(self, axes: Axes) -> None:
        self.drawn = True
        axes.add_line(Line2D([0.1, 0.2], [0.1, 0.2], gid="cloud", label=self.label))


def test_extra_layers_are_drawn() -> None:
    layer = _Cloud()
    _, axes = _draw(loads(SMALL), layers=[layer])
    assert layer.drawn
    assert any(line.get_gid() == "cloud" for line in axes.get_lines())


TIED = Path(__file__).parents[2] / "data" / "tied-concessions.yaml"


def test_every_tied_smallest_concession_is_marked_and_named() -> None:
    """Two concessions equally small: both packages ringed, both named, no side put first."""
    _, axes = _draw(load(TIED))
    (note,) = [t.get_text() for t in axes.texts if t.get_gid() == "note-concession"]
    assert note.splitlines()[0] == "2 equally small concessions:"
    assert "relax moscow.guarantee_for_recognition" in note
    assert "or relax kyiv.no_recognition" in note
    rings = [
        c
        for c in axes.collections
        if isinstance(c, PathCollection) and c.get_sizes().tolist() == [170.0]
    ]
    assert len(rings) == 2
    legend = axes.get_legend()
    assert legend is not None
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts.count("opened by one of 2 equally small concessions") == 1


def test_the_trade_offs_are_ringed_and_counted_apart_from_held_back_packages(
    small: tuple[Scenario, Figure, Axes],
) -> None:
    scenario, _, axes = small
    result = evaluate(scenario)
    (rings,) = [c for c in axes.collections if c.get_gid() == "tradeoffs"]
    assert len(rings.get_offsets()) == len(result.tradeoffs)
    legend = axes.get_legend()
    assert legend is not None
    texts = [t.get_text() for t in legend.get_texts()]
    assert f"trade-off: held back by limits, on the frontier ({len(result.tradeoffs)})" in texts


def test_each_actors_uncertain_range_has_its_own_hatching() -> None:
    """The UK's 0.40-0.55 and Ukraine's 0.55-0.75 once read as one band."""
    text = SMALL.replace(
        "{id: enough, limit: {deterrence: {min: 0.35}}}",
        "{id: enough, limit: {deterrence: {min: [0.55, 0.75]}}}",
    ).replace(
        "- limit: {troops: {max: 10}}",
        "- limit: {troops: {max: 10}}\n      - limit: {deterrence: {min: [0.4, 0.55]}}",
    )
    _, axes = _draw(loads(text))
    bands = {p.get_label(): p.get_hatch() for p in axes.patches if p.get_gid() == "limit-range"}
    assert set(bands) == {
        "kyiv's min deterrence: 0.55 to 0.75",
        "london's min deterrence: 0.4 to 0.55",
        "moscow's max escalation: 0.25 to 0.35",
    }
    assert len(set(bands.values())) == 3  # three actors, three patterns
    legend = axes.get_legend()
    assert legend is not None
    assert set(bands) <= {t.get_text() for t in legend.get_texts()}


def test_the_best_acceptable_note_groups_an_option_to_no_effect() -> None:
    text = SMALL.replace("rules:\n", "  talks: {label: Talks}\nrules:\n")
    _, axes = _draw(loads(text))
    (note,) = [t.get_text() for t in axes.texts if t.get_gid() == "note-best"]
    assert " ".join(note.split()) == (
        "best acceptable: monitors, jets, backstop (with or without talks)"
    )
