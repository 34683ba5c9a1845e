"""guarantees.model: load scenarios, evaluate them, and get result objects. It never prints.

`evaluate` and `explain` live in `guarantees.model.exact.evaluate` (not re-exported here, so that
the module and the function of the same name never shadow each other).
"""

from typing import TYPE_CHECKING, Any

from .errors import (
    GuaranteesError,
    Issue,
    PackageError,
    ScenarioError,
    TooLargeError,
)
from .format.load import load, loads
from .format.schema import Scenario

if TYPE_CHECKING:
    from .exact.results import Evaluation, Explanation

__all__ = [
    "Evaluation",
    "Explanation",
    "GuaranteesError",
    "Issue",
    "PackageError",
    "Scenario",
    "ScenarioError",
    "TooLargeError",
    "load",
    "loads",
]


def __getattr__(name: str) -> Any:
    """The result types, imported on first use: they need numpy, which loading does not."""
    if name in ("Evaluation", "Explanation"):
        from .exact import results

        return getattr(results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
