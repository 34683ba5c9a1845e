"""guarantees.model: load scenarios, evaluate them, and get result objects. It never prints."""

from guarantees.model.errors import (
    GuaranteesError,
    Issue,
    PackageError,
    ScenarioError,
    TooLargeError,
)
from guarantees.model.load import load, loads
from guarantees.model.schema import Scenario

__all__ = [
    "GuaranteesError",
    "Issue",
    "PackageError",
    "Scenario",
    "ScenarioError",
    "TooLargeError",
    "load",
    "loads",
]
