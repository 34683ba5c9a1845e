"""The uncertain values of a scenario, and their joint draws.

Each uncertain value is a `Slot`: where it is written, its distribution and the interval it is
clipped to (a probability's [0, 1]; the number range elsewhere). Every slot draws from its own
stream, seeded by the run's seed and the slot's name, so that reordering options or actors in
the file leaves every draw unchanged.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..exact.values import Floats
from ..format.schema import Scenario
from ..format.uncertain import LARGEST, Uncertain

Where = Literal["option", "interaction", "bound"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One uncertain value of the scenario."""

    where: Where
    name: str  # `us_backstop.deterrence`, `interaction#1.escalation`, `russia.red_line.max`
    metric: str
    value: Uncertain
    low: float  # draws are clipped to [low, high]
    high: float
    #: the owner: an option id, an interaction's index, or (actor id, constraint index, side)
    owner: str | int | tuple[str, int, str]


def slots(scenario: Scenario) -> tuple[Slot, ...]:
    """Every uncertain value, in file order: options, interactions, then limits by actor."""
    return tuple(_slots(scenario))


#: The largest float below 1: a noisy-or term lies in [0, 1), as the format says.
_BELOW_ONE = float(np.nextafter(1.0, 0.0))


def _domain(scenario: Scenario, metric: str, *, bound: bool = False) -> tuple[float, float]:
    """Where a metric's numbers may lie, as the format says: a probability for noisy-or
    ([0, 1) for a term, [0, 1] for a bound), else the number range."""
    if scenario.metrics[metric].combine == "noisy_or":
        return (0.0, 1.0 if bound else _BELOW_ONE)
    return (-float(LARGEST), float(LARGEST))


def _slots(scenario: Scenario) -> Iterator[Slot]:
    for option_id, option in scenario.options.items():
        for metric, value in option.values.items():
            if value.is_uncertain:
                name = f"{option_id}.{metric}"
                yield Slot("option", name, metric, value, *_domain(scenario, metric), option_id)
    for index, inter in enumerate(scenario.interactions):
        label = inter.id or f"interaction#{index + 1}"
        for metric, value in inter.values.items():
            if value.is_uncertain:
                name = f"{label}.{metric}"
                yield Slot("interaction", name, metric, value, *_domain(scenario, metric), index)
    for actor_id, actor in scenario.actors.items():
        for index, constraint in enumerate(actor.constraints):
            label = f"{actor_id}.{constraint.id}" if constraint.id else f"{actor_id}#{index + 1}"
            for metric, bound in (constraint.limit or {}).items():
                for side in ("min", "max"):
                    value = getattr(bound, side)
                    if value is not None and value.is_uncertain:
                        low, high = _domain(scenario, metric, bound=True)
                        owner = (actor_id, index, side)
                        name = f"{label}.{metric}.{side}"
                        yield Slot("bound", name, metric, value, low, high, owner)


def draw(chosen: tuple[Slot, ...], samples: int, seed: int) -> Floats:
    """`samples` joint draws of every slot: an array of shape (samples, slots).

    Slots are independent; each has its own stream (the seed and a checksum of its name).
    """
    out = np.empty((samples, len(chosen)))
    for column, slot in enumerate(chosen):
        rng = np.random.default_rng([seed, zlib.crc32(slot.name.encode("utf-8"))])
        np.clip(slot.value.sample(rng, samples), slot.low, slot.high, out=out[:, column])
    return out
