"""The robustness layer of the trade-off picture: how often each deal holds, where it sits.

Every package acceptable in some draw is ringed at its best-guess point, the ring's area
growing with its share of draws; the most robust package gets the largest ring, and the
legend says what share that is. A
ring is an outline in the Okabe-Ito blue, so it reads in greyscale and over any status
marker. No matplotlib import here: the layer draws on the axes it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guarantees.model.robustness.points import ChancePoints

if TYPE_CHECKING:
    from matplotlib.axes import Axes

RING_COLOUR = "#0072B2"
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
