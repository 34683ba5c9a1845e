"""Uncertain numbers: a plain number, a range, or a named distribution, with a best guess.

Point evaluation uses the best guess (the number, the range's midpoint, the triangular mode,
the beta or normal mean); the robustness analysis samples the distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Kind = Literal["point", "range", "triangular", "beta", "normal"]
_ARITY: dict[str, int] = {"triangular": 3, "beta": 2, "normal": 2}
_FORMS = (
    "a number, a range [low, high], or {triangular: [low, mode, high]}, {beta: [a, b]}, "
    "{normal: [mean, sd]}"
)


@dataclass(frozen=True, slots=True)
class Uncertain:
    """An uncertain value: its form and parameters, as written in the scenario."""

    kind: Kind
    params: tuple[float, ...]

    @property
    def best(self) -> float:
        """The best guess, used wherever a single number is needed."""
        p = self.params
        match self.kind:
            case "point":
                return p[0]
            case "range":
                return (p[0] + p[1]) / 2
            case "triangular":
                return p[1]
            case "beta":
                return p[0] / (p[0] + p[1])
            case "normal":
                return p[0]

    @property
    def is_uncertain(self) -> bool:
        """Whether sampling can give anything but the best guess."""
        return self.kind != "point"

    @property
    def support(self) -> tuple[float, float]:
        """The interval the value can take (before clipping to a metric's domain)."""
        p = self.params
        match self.kind:
            case "point":
                return (p[0], p[0])
            case "range":
                return (p[0], p[1])
            case "triangular":
                return (p[0], p[2])
            case "beta":
                return (0.0, 1.0)
            case "normal":
                return (-math.inf, math.inf)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw `size` values; the caller clips to the metric's domain."""
        p = self.params
        match self.kind:
            case "point":
                return np.full(size, p[0])
            case "range":
                return rng.uniform(p[0], p[1], size)
            case "triangular":
                if p[0] == p[2]:
                    return np.full(size, p[1])
                return rng.triangular(p[0], p[1], p[2], size)
            case "beta":
                return rng.beta(p[0], p[1], size)
            case "normal":
                return rng.normal(p[0], p[1], size)

    def to_data(self) -> float | list[float] | dict[str, list[float]]:
        """The YAML form this value was written in."""
        match self.kind:
            case "point":
                return self.params[0]
            case "range":
                return list(self.params)
            case _:
                return {self.kind: list(self.params)}

    def __str__(self) -> str:
        if self.kind == "point":
            return f"{self.params[0]:g}"
        if self.kind == "range":
            return f"[{self.params[0]:g}, {self.params[1]:g}]"
        return f"{self.kind}({', '.join(f'{v:g}' for v in self.params)})"


def point(value: float) -> Uncertain:
    """A plain, certain number."""
    return Uncertain("point", (float(value),))


def _number(value: Any, what: str) -> float:
    """A finite real number from YAML, refusing booleans and strings."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number (got {describe(value)})")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite (got {value})")
    return float(value)


def _numbers(values: Any, n: int, form: str) -> tuple[float, ...]:
    """Exactly `n` numbers in a list, or a clear error naming the form."""
    if not isinstance(values, list) or len(values) != n:
        raise ValueError(f"{form} needs a list of {n} numbers (got {describe(values)})")
    return tuple(_number(v, f"each {form} parameter") for v in values)


def parse_uncertain(value: Any) -> Uncertain:
    """Read an uncertain value from its YAML form, or raise ValueError saying what was expected."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return point(_number(value, "a value"))
    if isinstance(value, list):
        low, high = _numbers(value, 2, "a range")
        if low > high:
            raise ValueError(
                f"range is written backwards: [{low:g}, {high:g}] (low must come first)"
            )
        return Uncertain("range", (low, high))
    if isinstance(value, dict) and len(value) == 1:
        ((form, params),) = value.items()
        if form in _ARITY:
            return _distribution(form, _numbers(params, _ARITY[form], str(form)))
    raise ValueError(f"expected {_FORMS} (got {describe(value)})")


def _distribution(form: str, p: tuple[float, ...]) -> Uncertain:
    """Check a named distribution's parameters."""
    if form == "triangular" and not p[0] <= p[1] <= p[2]:
        raise ValueError(f"triangular needs low <= mode <= high (got {list(p)})")
    if form == "beta" and not (p[0] > 0 and p[1] > 0):
        raise ValueError(f"beta needs two positive shape parameters (got {list(p)})")
    if form == "normal" and not p[1] > 0:
        raise ValueError(f"normal needs a positive standard deviation (got {p[1]:g})")
    return Uncertain(form, p)  # type: ignore[arg-type]


def describe(value: Any) -> str:
    """Name a YAML value for an error message: `'high' (a string)`, `a list of 3 items`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"'{value}' (a string)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:3])
        return f"a mapping with keys {keys}" if value else "an empty mapping"
    return type(value).__name__
