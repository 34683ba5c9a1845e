"""The trade-off picture: every feasible package on (benefit, risk), the frontier and the limits.

The only module that imports matplotlib (ruff's banned-api rules keep it here), and it is
imported only when a picture is asked for. It draws on a `Figure` with the Agg canvas, never
through pyplot, so nothing global changes and it runs headless.

Status is shown twice, by colour (the Okabe-Ito palette, safe for colour-blind readers) and by
marker shape (readable in greyscale): acceptable packages are green circles, packages held
back by limits (failing only metric limits) orange triangles, blocked ones vermilion crosses.
The trade-offs (the packages held back by limits that are on the frontier, as `evaluate`
lists them) are ringed. Every concession tied for smallest is marked and named, so that the
picture never implies which side should give way when the scenario does not. An uncertain
limit's range is shaded with its actor's own hatching and named in the legend, so that two
actors' ranges can be told apart, in greyscale too.
Markers shrink and fade as points grow in number, so 10 points and 5,000 both stay legible.

Extra layers (robustness bands or clouds, once that analysis exists) are objects with a
`label` and a `draw(axes)` method, drawn after the rest.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any, Literal, Protocol

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import NDArray

from guarantees.cli.report import metric_header, package_text, smallest_concessions, tied_groups
from guarantees.model.exact.points import ACCEPTABLE, BLOCKED, HELD_BACK, LimitLine, PackagePoints
from guarantees.model.exact.results import Concession, Evaluation, Package
from guarantees.model.format.schema import Scenario

#: Okabe-Ito colours and a marker per status; the legend text of each.
STYLES: dict[int, tuple[str, str, str]] = {
    ACCEPTABLE: ("#009E73", "o", "acceptable"),
    HELD_BACK: ("#E69F00", "^", "held back by limits: fails only metric limits"),
    BLOCKED: ("#D55E00", "x", "blocked: a veto, demand or condition"),
}
#: Drawn first to last, so that the rarer, more interesting points stay on top.
DRAW_ORDER = (BLOCKED, HELD_BACK, ACCEPTABLE)
LIMIT_COLOUR = "#444444"
FRONTIER_COLOUR = "#000000"
SIZE = (8.0, 6.5)
DPI = 150
WRAP = 40
#: Hatching of each actor's uncertain limits, in the order the actors come.
HATCHES = ("////", "\\\\\\\\", "||||", "----", "xxxx", "....", "++++", "oo")
#: Trade-offs ringed at most (the legend counts them all).
RING_LIMIT = 2000


class Layer(Protocol):
    """Something more to draw on the axes (for example robustness bands or clouds)."""

    @property
    def label(self) -> str: ...

    def draw(self, axes: Axes) -> None: ...


def frontier_figure(
    scenario: Scenario,
    result: Evaluation,
    points: PackagePoints,
    limits: Sequence[LimitLine],
    *,
    layers: Sequence[Layer] = (),
) -> Figure:
    """The picture: points by status, the frontier, the limits and the key packages."""
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _points(axes, points)
    if not points.feasible:
        text = "No package keeps every rule: there is nothing to draw."
        axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", gid="empty")
    _frontier(axes, result)
    _tradeoffs(axes, result)
    _limits(axes, limits)
    _key_packages(axes, scenario, result)
    for layer in layers:
        layer.draw(axes)
    _labels(figure, axes, scenario, result, points)
    return figure


def _marker_style(shown: int, count: int) -> tuple[float, float]:
    """Marker area and opacity: large and solid for a few points, small and faint for many."""
    size = min(40.0, max(6.0, 900.0 / max(shown, 1) ** 0.5))
    alpha = min(0.9, max(0.2, 0.9 * (150.0 / max(count, 1)) ** 0.5))
    return size, alpha


def _points(axes: Axes, points: PackagePoints) -> None:
    """One scatter per status, with its full count in the legend."""
    for code in DRAW_ORDER:
        colour, marker, name = STYLES[code]
        chosen = points.status == code
        shown = int(chosen.sum())
        size, alpha = _marker_style(int(points.status.size), shown)
        collection = axes.scatter(
            points.benefit[chosen],
            points.risk[chosen],
            s=size,
            c=colour,
            marker=marker,
            alpha=alpha,
            linewidths=1.0,
            label=f"{name} ({points.counts[code]:,})",
            zorder=2 + DRAW_ORDER.index(code),
        )
        collection.set_gid(f"status-{code}")


def _frontier(axes: Axes, result: Evaluation) -> None:
    """The frontier as a line through its points, best benefit first."""
    xs = [p.benefit for p in result.frontier]
    ys = [p.risk for p in result.frontier]
    axes.plot(
        xs,
        ys,
        color=FRONTIER_COLOUR,
        linewidth=1.3,
        label=f"frontier: {len(xs):,} points ({len(result.frontier.packages):,} packages), exact",
        zorder=1.5,
        gid="frontier",
    )


def _limits(axes: Axes, limits: Sequence[LimitLine]) -> None:
    """Each bound on an axis as a dashed line, labelled with actors; an uncertain bound's
    range hatched and outlined in its actor's own pattern, named in the legend."""
    grouped: dict[tuple[Literal["benefit", "risk"], float], list[LimitLine]] = {}
    for line in limits:
        grouped.setdefault((line.axis, line.value), []).append(line)
    actors = list(dict.fromkeys(line.actor for line in limits))
    for (axis, value), lines in grouped.items():
        draw_line = axes.axvline if axis == "benefit" else axes.axhline
        draw_line(value, color=LIMIT_COLOUR, linestyle="--", linewidth=1.0, zorder=1)
        _limit_label(axes, axis, value, lines)
    for line in limits:
        if line.high > line.low:
            span = axes.axvspan if line.axis == "benefit" else axes.axhspan
            hatch = HATCHES[actors.index(line.actor) % len(HATCHES)]
            span(
                line.low,
                line.high,
                facecolor="none",
                edgecolor=LIMIT_COLOUR,
                hatch=hatch,
                alpha=0.35,
                linewidth=0.8,
                zorder=0,
                label=_range_label(line),
                gid="limit-range",
            )
    if limits:
        axes.plot([], [], color=LIMIT_COLOUR, linestyle="--", label="an actor's limit")


def _range_label(line: LimitLine) -> str:
    """`ukraine's min deterrence: 0.55 to 0.75` (the legend entry of a hatched range)."""
    return f"{line.actor}'s {line.side} {line.metric}: {line.low:.3g} to {line.high:.3g}"


def _limit_label(
    axes: Axes, axis: Literal["benefit", "risk"], value: float, lines: list[LimitLine]
) -> None:
    """`russia max 0.35` by the line (actors sharing a bound on one line)."""
    text = ", ".join(dict.fromkeys(f"{line.actor} {line.side}" for line in lines))
    text = f"{text} {value:.3g}"
    style: dict[str, Any] = {
        "fontsize": 7.5,
        "color": LIMIT_COLOUR,
        "parse_math": False,
        "gid": "limit-label",
        "bbox": {"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
    }
    if axis == "benefit":
        transform = axes.get_xaxis_transform()
        axes.text(
            value, 0.99, text, transform=transform, rotation=90, ha="right", va="top", **style
        )
    else:
        transform = axes.get_yaxis_transform()
        axes.text(0.01, value, text, transform=transform, ha="left", va="bottom", **style)


def _tradeoffs(axes: Axes, result: Evaluation) -> None:
    """Ring the trade-offs: the frontier packages held back only by limits."""
    if not result.tradeoffs:
        return
    shown = result.tradeoffs[:RING_LIMIT]
    axes.scatter(
        [t.package.metrics[result.benefit] for t in shown],
        [t.package.metrics[result.risk] for t in shown],
        s=90,
        marker="o",
        facecolors="none",
        edgecolors="#E69F00",
        linewidths=1.2,
        label=f"trade-off: held back by limits, on the frontier ({len(result.tradeoffs):,})",
        zorder=7,
        gid="tradeoffs",
    )


def _key_packages(axes: Axes, scenario: Scenario, result: Evaluation) -> None:
    """Mark the best acceptable package (with the options it may hold or not to no effect)
    and the packages the smallest concessions open (every one tied for smallest, named in
    one note).

    Their notes sit in the two corners a trade-off picture leaves empty: top left (weak and
    risky) and bottom right (strong and safe, beyond the frontier).
    """
    if result.acceptable:
        best = result.acceptable[0]
        _mark(axes, result, best, marker="*", size=260, label="best acceptable package")
        (_, group), *_ = tied_groups(scenario, result.acceptable[:64])
        text = f"best acceptable: {group.text}"
        _note(axes, result, best, text, corner=(0.02, 0.98), gid="note-best")
    smallest = smallest_concessions(result.concessions)
    if not smallest:
        return
    many = len(smallest) > 1
    label = (
        f"opened by one of {len(smallest)} equally small concessions"
        if many
        else ("opened by the smallest concession")
    )
    for n, concession in enumerate(smallest):
        _mark(
            axes, result, concession.package, marker="o", size=170, label=label if n == 0 else None
        )
    text = "\n".join(_concession_lines(smallest))
    _note(axes, result, smallest[0].package, text, corner=(0.98, 0.02), gid="note-concession")


def _concession_lines(smallest: Sequence[Concession]) -> list[str]:
    """`smallest concession: relax X` / `opens P`; for a tie, every one, each with `or`."""
    if len(smallest) == 1:
        (concession,) = smallest
        labels = ", ".join(c.label for c in concession.constraints)
        return [
            f"smallest concession: relax {labels}",
            f"opens {package_text(concession.package.options)}",
        ]
    lines = [f"{len(smallest)} equally small concessions:"]
    for n, concession in enumerate(smallest):
        labels = ", ".join(c.label for c in concession.constraints)
        lines.append(f"{'or ' if n else ''}relax {labels}")
        lines.append(f"  opens {package_text(concession.package.options)}")
    return lines


def _mark(
    axes: Axes,
    result: Evaluation,
    package: Package,
    *,
    marker: str,
    size: float,
    label: str | None,
) -> None:
    """A large hollow marker around a package."""
    axes.scatter(
        [package.metrics[result.benefit]],
        [package.metrics[result.risk]],
        s=size,
        marker=marker,
        facecolors="none",
        edgecolors=FRONTIER_COLOUR,
        linewidths=1.5,
        label=label if label is not None else "_nolegend_",
        zorder=8,
    )


def _note(
    axes: Axes,
    result: Evaluation,
    package: Package,
    text: str,
    *,
    corner: tuple[float, float],
    gid: str,
) -> None:
    """A boxed note in a corner of the axes, with an arrow to the package."""
    lines = [
        textwrap.fill(
            part, WRAP, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
        for part in text.split("\n")
    ]
    left, top = corner[0] < 0.5, corner[1] > 0.5
    axes.annotate(
        "\n".join(lines),
        xy=(package.metrics[result.benefit], package.metrics[result.risk]),
        xytext=corner,
        textcoords="axes fraction",
        ha="left" if left else "right",
        va="top" if top else "bottom",
        multialignment="left",
        fontsize=7.5,
        parse_math=False,
        gid=gid,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#888888"},
        arrowprops={"arrowstyle": "->", "color": FRONTIER_COLOUR, "linewidth": 0.9},
        zorder=9,
    )


def _labels(
    figure: Figure, axes: Axes, scenario: Scenario, result: Evaluation, points: PackagePoints
) -> None:
    """Title, what is shown, axis labels with their direction, and the legend below."""
    figure.suptitle(textwrap.fill(result.title, 70), fontsize=11, parse_math=False)
    shown = int(points.status.size)
    note = f"{points.feasible:,} feasible packages of {result.counts.packages:,}"
    if points.sampled:
        note += f"; a fixed sample of {shown:,} shown (every status kept), frontier exact"
    axes.set_title(note, fontsize=8, color="#555555", parse_math=False)
    for metric, set_label in ((result.benefit, axes.set_xlabel), (result.risk, axes.set_ylabel)):
        better = scenario.metrics[metric].better
        set_label(f"{metric_header(scenario, metric)}, {better} is better", parse_math=False)
    axes.grid(True, color="#dddddd", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    handles, texts = axes.get_legend_handles_labels()
    order = sorted(range(len(handles)), key=lambda i: _legend_rank(handles[i].get_gid()))
    legend = axes.legend(
        [handles[i] for i in order],
        [texts[i] for i in order],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.11),
        ncol=2,
        frameon=False,
        fontsize=8,
    )
    for handle in legend.legend_handles:
        if handle is not None:
            handle.set_alpha(1.0)


def _legend_rank(gid: str | None) -> int:
    """Statuses first (acceptable, trade-off, blocked), then everything else as drawn."""
    statuses = [f"status-{code}" for code in STYLES]
    return statuses.index(gid) if gid in statuses else len(statuses)


def figure_bytes(figure: Figure, fmt: Literal["png", "svg"]) -> bytes:
    """The figure as PNG or SVG bytes, the same bytes for the same figure on every run."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    metadata: dict[str, str | None] = {"Software": None} if fmt == "png" else {"Date": None}
    with rc_context({"svg.hashsalt": "guarantees", "svg.fonttype": "path"}):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def svg_places(
    figure: Figure, benefit: NDArray[np.float64], risk: NDArray[np.float64]
) -> tuple[tuple[float, float], NDArray[np.float32]]:
    """The size of the figure's SVG (in points, its view box) and where points of (benefit,
    risk) data fall on it, so that a page can mark a package on the picture as drawn.

    Call it after the figure was saved (the layout is fixed then).
    """
    width, height = (float(v) * 72.0 for v in figure.get_size_inches())
    axes = figure.axes[0]
    pixels = axes.transData.transform(np.column_stack((benefit, risk)))
    points = pixels * (72.0 / figure.dpi)
    points[:, 1] = height - points[:, 1]
    places: NDArray[np.float32] = points.astype(np.float32)
    return (width, height), places
