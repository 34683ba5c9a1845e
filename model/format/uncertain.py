"""Uncertain numbers: a plain number, a range, or a named distribution, with a best guess.

Point evaluation uses the best guess: the value stated with `best:`, else the distribution's
median, for every form alike (the value as likely to be exceeded as not). With one uncertain
value behind a test, a package then passes at the best guess exactly when it passes in at
least half of the robustness analysis's draws. The robustness analysis samples the
distribution.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .numbers import number_text

if TYPE_CHECKING:  # numpy loads only when values are sampled: `validate` never needs it
    import numpy as np
    from numpy.typing import NDArray

Kind = Literal["point", "range", "triangular", "beta", "normal"]
_ARITY: dict[str, int] = {"triangular": 3, "beta": 2, "normal": 2}
_SHAPES: dict[str, str] = {
    "triangular": "{triangular: [low, mode, high]}",
    "beta": "{beta: [a, b]}",
    "normal": "{normal: [mean, sd]}",
}
_FORMS = "a number, a range [low, high], " + ", ".join(_SHAPES.values())
#: The mapping forms: a named distribution, or a range, each optionally with `best: x`.
_MAPPED: dict[str, int] = {"range": 2, **_ARITY}
_UNIFORM_HINT = "; a uniform value is written as a range [low, high]"
#: Longest string quoted whole in a message; longer ones are cut.
_SHOWN = 40
#: The largest magnitude of any number in a scenario. Values are compared on a grid of 1e-9
#: held in 64-bit integers (values.py), which holds 9.2e18 steps: 1e9 leaves room for sums
#: and differences of values, exactly. Larger quantities are written in a larger unit.
_DIGITS = 9
LARGEST = 10**_DIGITS
RANGE_RULE = (
    f"numbers in a scenario lie between -1e{_DIGITS} and 1e{_DIGITS}: "
    "write large quantities in a larger unit (thousands, millions)"
)


@dataclass(frozen=True, slots=True)
class Uncertain:
    """An uncertain value: its form and parameters, as written in the scenario."""

    kind: Kind
    params: tuple[float, ...]
    stated: float | None = None  # a best guess written with `best:`

    @property
    def best(self) -> float:
        """The best guess, used wherever a single number is needed: stated, else the median."""
        return self.median if self.stated is None else self.stated

    @property
    def median(self) -> float:
        """The distribution's median (for a beta, from SciPy unless it has a closed form)."""
        p = self.params
        match self.kind:
            case "point":
                return p[0]
            case "range" | "normal":
                return p[0] if self.kind == "normal" else (p[0] + p[1]) / 2
            case "triangular":
                return _triangular_median(*p)
            case "beta":
                return _beta_median(*p)

    @property
    def is_uncertain(self) -> bool:
        """Whether sampling can give anything but the best guess."""
        low, high = self.support
        return low < high

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
        import numpy as np

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

    def to_data(self) -> float | list[float] | dict[str, float | list[float]]:
        """The YAML form this value was written in."""
        if self.stated is not None:
            return {self.kind: list(self.params), "best": self.stated}
        match self.kind:
            case "point":
                return self.params[0]
            case "range":
                return list(self.params)
            case _:
                return {self.kind: list(self.params)}

    def __str__(self) -> str:
        """As the file writes it, every digit kept: `0.3`, `[0.2, 0.4]`, `beta(2, 5)`."""
        if self.kind == "point":
            return number_text(self.params[0])
        if self.kind == "range" and self.stated is None:
            return f"[{number_text(self.params[0])}, {number_text(self.params[1])}]"
        shown = f"{self.kind}({', '.join(number_text(v) for v in self.params)})"
        return shown if self.stated is None else f"{shown}, best {number_text(self.stated)}"


def _triangular_median(low: float, mode: float, high: float) -> float:
    """The median of a triangular distribution (the mode itself when it is symmetric)."""
    if low == high or 2 * mode == low + high:
        return mode
    if 2 * mode > low + high:
        return low + math.sqrt((high - low) * (mode - low) / 2)
    return high - math.sqrt((high - low) * (high - mode) / 2)


def _beta_median(a: float, b: float) -> float:
    """The median of a beta distribution: closed forms where they exist, else SciPy's."""
    if a == b:
        return 0.5
    if a == 1:
        return 1 - math.pow(0.5, 1 / b)
    if b == 1:
        return math.pow(0.5, 1 / a)
    from scipy.special import betaincinv  # only here: loading a scenario needs no SciPy

    return float(betaincinv(a, b, 0.5))


def point(value: float) -> Uncertain:
    """A plain, certain number."""
    return Uncertain("point", (float(value),))


class UncertainValueError(ValueError):
    """A value that is not an uncertain number.

    Either its shape is wrong (`expected` says what was expected, `found` what was written,
    `path` leads from the value to the part at fault, such as (1,) for a range's high) or its
    shape is right and its parameters are not (`expected` is None; the message says why).
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        found: str = "",
        path: tuple[str | int, ...] = (),
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.found = found
        self.path = path


def _shape_error(
    expected: str, value: Any, hint: str = "", path: tuple[str | int, ...] = ()
) -> UncertainValueError:
    """The value (or the part of it at `path`) does not have the shape expected."""
    found = f"{describe(value)}{hint}"
    return UncertainValueError(
        f"expected {expected} (got {found})", expected=expected, found=found, path=path
    )


def _quoted_number_hint(value: Any) -> str:
    """Say so when a string holds a number that would be valid: quotes make YAML read it as
    text."""
    if isinstance(value, str) and len(value) <= _SHOWN:
        try:
            number = float(value)
        except ValueError:
            return ""
        return "; remove the quotes to write a number" if in_range(number) else ""
    return ""


def in_range(value: float) -> bool:
    """Whether a number is finite and within LARGEST (what the grid holds exactly)."""
    return math.isfinite(value) and abs(value) <= LARGEST


def out_of_range(value: float) -> str:
    """The message for a number outside the range: what was written, and the rule."""
    return f"number {describe_number(value)} is out of range: {RANGE_RULE}"


def number(value: Any, path: tuple[str | int, ...] = ()) -> float:
    """A finite real number within LARGEST from YAML, refusing booleans and strings."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _shape_error("a number", value, _quoted_number_hint(value), path)
    if isinstance(value, float) and math.isnan(value):
        raise _shape_error("a finite number", value, "", path)
    if (isinstance(value, int) and abs(value) > LARGEST) or not in_range(float(value)):
        raise UncertainValueError(out_of_range(value), path=path)
    return float(value)


def _numbers(values: Any, n: int, form: str, path: tuple[str, ...] = ()) -> tuple[float, ...]:
    """Exactly `n` numbers in a list, or a clear error naming the form."""
    if not isinstance(values, list) or len(values) != n:
        raise _shape_error(f"{form} with {n} numbers", values)
    return tuple(number(v, (*path, i)) for i, v in enumerate(values))


def parse_uncertain(value: Any) -> Uncertain:
    """Read an uncertain value from its YAML form, or raise UncertainValueError (a ValueError)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return point(number(value))
    if isinstance(value, list):
        return _range(*_numbers(value, 2, "a range [low, high]"))
    if isinstance(value, dict) and len(value) == 2 and "best" in value:
        form = next(key for key in value if key != "best")
        if form not in _MAPPED:
            hint = _UNIFORM_HINT if form == "uniform" else _near_hint(str(form), _MAPPED)
            raise _shape_error(_FORMS, value, hint)
        return _with_best(_mapped(form, value[form]), number(value["best"], ("best",)))
    if isinstance(value, dict) and len(value) == 1:
        ((form, params),) = value.items()
        if form in _MAPPED:
            return _mapped(form, params)
        hint = _UNIFORM_HINT if form == "uniform" else _near_hint(str(form), _ARITY)
        raise _shape_error(_FORMS, value, hint)
    raise _shape_error(_FORMS, value, _quoted_number_hint(value))


def _range(low: float, high: float) -> Uncertain:
    """A uniform range, low first."""
    if low > high:
        raise UncertainValueError(
            f"range is written backwards: [{number_text(low)}, {number_text(high)}] "
            f"(low comes first: did you mean [{number_text(high)}, {number_text(low)}]?)"
        )
    return Uncertain("range", (low, high))


def _mapped(form: str, params: Any) -> Uncertain:
    """A mapping form's distribution: `range: [low, high]` or a named distribution."""
    if form == "range":
        return _range(*_numbers(params, 2, "a range [low, high]", (form,)))
    return _distribution(form, _numbers(params, _ARITY[form], _SHAPES[form], (form,)))


def _with_best(value: Uncertain, best: float) -> Uncertain:
    """A distribution with a stated best guess, which must be a value it can take."""
    low, high = value.support
    if not low <= best <= high:
        raise UncertainValueError(
            f"best guess {number_text(best)} lies outside {value}, which takes values from "
            f"{number_text(low)} to {number_text(high)}",
            path=("best",),
        )
    return Uncertain(value.kind, value.params, best)


def _distribution(form: str, p: tuple[float, ...]) -> Uncertain:
    """Check a named distribution's parameters."""
    shown = ", ".join(number_text(v) for v in p)
    if form == "triangular" and not p[0] <= p[1] <= p[2]:
        raise UncertainValueError(
            f"triangular needs low <= mode <= high (got [{shown}]: {_disorder(p)})"
        )
    if form == "beta" and not (p[0] > 0 and p[1] > 0):
        raise UncertainValueError(f"beta needs two positive shape parameters (got [{shown}])")
    if form == "normal" and not p[1] > 0:
        raise UncertainValueError(
            f"normal needs a positive standard deviation (got {number_text(p[1])})"
        )
    return Uncertain(form, p)  # type: ignore[arg-type]


def _disorder(p: tuple[float, ...]) -> str:
    """Which pair of a triangular's [low, mode, high] is out of order."""
    if p[0] > p[2]:
        return "low is above high"
    return "mode is below low" if p[1] < p[0] else "mode is above high"


def _near_hint(word: str, choices: Any) -> str:
    """'; did you mean 'x'?' for the nearest choice, or '' when none is near."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def describe_number(value: float) -> str:
    """A number as written, or its size when it has too many digits to show."""
    if isinstance(value, int) and abs(value) >= 10**_SHOWN:
        size = abs(value)
        digits = len(str(size)) if size.bit_length() < 14_000 else math.floor(math.log10(size)) + 1
        return f"with {digits} digits"
    return number_text(value)


def describe(value: Any) -> str:
    """Name a YAML value for an error message: `'high' (a string)`, `a list of 3 items`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        shown = value if len(value) <= _SHOWN else value[: _SHOWN - 3].rstrip() + "..."
        return f"'{shown}' (a string)"
    if isinstance(value, int | float):
        return f"{describe_number(value)} (a number)"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:3])
        more = ", ..." if len(value) > 3 else ""
        return f"a mapping with keys {keys}{more}" if value else "an empty mapping"
    return type(value).__name__
