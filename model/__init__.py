"""guarantees.model: load scenarios, evaluate them, and get result objects. It never prints.

`evaluate` and `explain` live in `guarantees.model.evaluate` (not re-exported here, so that
the module and the function of the same name never shadow each other).
"""

from guarantees.model.errors import (
    GuaranteesError,
    Issue,
    PackageError,
    ScenarioError,
    TooLargeError,
)
from guarantees.model.load import load, loads
from guarantees.model.results import Evaluation, Explanation
from guarantees.model.schema import Scenario

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
