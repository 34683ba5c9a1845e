"""The robustness layers of the trade-off picture: how often each deal holds, where it sits,
and how the frontier moves.

Every package acceptable in some draw is ringed at its best-guess point, the ring's area
growing with its share of draws; the most robust package gets the largest ring, and the
legend says what share that is. A ring is an outline in the Okabe-Ito blue, so it reads in
greyscale and over any status marker. Under everything, the exact frontier of each of the
first draws is a cloud of small grey dots: where it is dense the frontier lies in most draws,
and the black best-guess line shows where it lies at the best guesses. No matplotlib import
here: the layers draw on the axes they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.points import ChancePoints, chance_points
from guarantees.model.robustness.results import FrontierMovement, Robustness

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from guarantees.cli.plot import Layer

RING_COLOUR = "#0072B2"
CLOUD_COLOUR = "#555555"
#: Ring area (points^2) for a share near 0, and added for the largest share shown.
AREA_BASE, AREA_SPAN = 20.0, 380.0


@dataclass(frozen=True)
class ChanceLayer:
    """The packages acceptable in some draw, ringed by their share of draws."""

    points: ChancePoints

    @property
    def top(self) -> float:
        """The largest share of draws of any package shown."""
        return float(self.points.chance.max()) if self.points.count else 0.0

    @property
    def label(self) -> str:
        n, draws = self.points.count, self.points.draws
        noun = "package" if n == 1 else "packages"
        return (
            f"acceptable in some of {draws:,} draws ({n:,} {noun});\n"
            f"ring area: share of draws (largest {100 * self.top:.0f}%)"
        )

    def draw(self, axes: Axes) -> None:
        if self.points.count == 0:
            return
        collection = axes.scatter(
            self.points.benefit,
            self.points.risk,
            s=AREA_BASE + AREA_SPAN * self.points.chance / self.top,
            facecolors="none",
            edgecolors=RING_COLOUR,
            linewidths=1.2,
            label=self.label,
            zorder=7,
        )
        collection.set_gid("robustness")


@dataclass(frozen=True)
class FrontierCloud:
    """The exact frontier of each of the first draws, as a cloud of points under the rest."""

    movement: FrontierMovement

    @property
    def label(self) -> str:
        return f"frontier in each of the first {self.movement.draws:,} draws (cloud)"

    def draw(self, axes: Axes) -> None:
        if not self.movement.points:
            return
        _, benefit, risk = zip(*self.movement.points, strict=True)
        collection = axes.scatter(
            benefit,
            risk,
            s=7.0,
            c=CLOUD_COLOUR,
            marker=".",
            alpha=min(0.5, max(0.1, 30.0 / self.movement.draws)),
            linewidths=0,
            label=self.label,
            zorder=1,
        )
        collection.set_gid("frontier-cloud")


def robustness_layers(scenario: Scenario, found: Robustness | None) -> list[Layer]:
    """The picture's layers from a robustness run: the frontier cloud, then the rings."""
    if found is None:
        return []
    cloud: list[Layer] = [] if found.frontier is None else [FrontierCloud(found.frontier)]
    return [*cloud, ChanceLayer(chance_points(scenario, found))]
