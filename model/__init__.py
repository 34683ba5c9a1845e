"""guarantees.model: load scenarios, evaluate them, and get result objects. It never prints.

`evaluate` and `explain` live in `guarantees.model.evaluate` (not re-exported here, so that
the module and the function of the same name never shadow each other).
"""

from typing import TYPE_CHECKING, Any

from guarantees.model.errors import (
    GuaranteesError,
    Issue,
    PackageError,
    ScenarioError,
    TooLargeError,
)
from guarantees.model.load import load, loads
from guarantees.model.schema import Scenario

if TYPE_CHECKING:
    from guarantees.model.results import Evaluation, Explanation

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
        from guarantees.model import results

        return getattr(results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
