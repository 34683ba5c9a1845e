"""The fuzzer's oracle: run one scenario file through the API and the command line, and judge.

`check(raw, plan)` raises `Failure` when any of these does not hold, and returns otherwise:

* the model raises only its typed errors (`GuaranteesError`: ScenarioError when loading,
  TooLargeError when evaluating), and no warning (every warning is an error here);
* every report serialises as strict JSON (`to_json()`, no NaN or infinity);
* `evaluate` and `explain` agree: explain says every actor accepts a package exactly when it
  is in the acceptable list; frontier packages are feasible, with the flag explain gives;
  a trade-off fails exactly its listed (limit) constraints, a concession's package exactly its
  constraints; both give a package the same metric values;
* with at most REFERENCE_MAX_OPTIONS options, every report equals tests/reference.py's
  brute-force reference, and explain gives the reference's verdicts;
* each command-line run (in-process, typer's CliRunner) exits 0 or 2 as the API predicts,
  never 1, never with a traceback; on exit 2 every line of standard error is
  `file:line:col: message`, `file: message` or `error: message`; JSON output parses strictly;
  no control character other than newline and tab reaches standard output or error;
* the whole check ends within its deadline (a `Hang` raised by a timer, so a hang is found
  where it spins).

A failure's `kind` names its class (stage, exception type and the innermost frame in model/
or cli/, or the property that broke), stable across runs, so that findings can be counted
and deduplicated; its `detail` says what was seen.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from reference import (
    explanation_details,
    explanation_verdicts,
    reference_details,
    reference_evaluate,
    reference_verdicts,
    solver_view,
)

from fuzz.failures import Failure, Hang, crash, guarded, time_limit
from fuzz.oracle_cli import check_cli
from guarantees.model.errors import ScenarioError, TooLargeError
from guarantees.model.exact.evaluate import evaluate, explain
from guarantees.model.exact.results import Evaluation, Explanation, Package, PackageList
from guarantees.model.format.load import load
from guarantees.model.format.schema import Scenario

REPO = Path(__file__).resolve().parents[2]
#: What `diff` compares a case with when no seed text is given.
DEFAULT_SEED = REPO / "tests" / "data" / "format-example.yaml"
#: Scenarios this small are also checked against the brute-force reference.
REFERENCE_MAX_OPTIONS = 10
#: Scenarios larger than this are not evaluated (nor run through commands that evaluate).
EVALUATE_MAX_OPTIONS = 20
COMMANDS = ("validate", "evaluate", "explain", "frontier", "diff", "report")
FORMATS = ("table", "json", "markdown")


@dataclass(frozen=True)
class Plan:
    """What to run on a case: packages to explain (bit patterns over the options, in file
    order, taken modulo 2^n) and command-line runs as (command, format)."""

    picks: tuple[int, ...] = (0,)
    commands: tuple[tuple[str, str], ...] = tuple((c, "table") for c in COMMANDS)


# ----------------------------------------------------------------------------- API


def load_case(path: Path) -> Scenario | None:
    """The scenario in the file, or None when the model refuses it with a ScenarioError."""
    try:
        return load(path, display=path.name)
    except ScenarioError:
        return None


def evaluate_case(scenario: Scenario) -> Evaluation | None:
    """The evaluation, or None when the model refuses it as too large to enumerate."""
    try:
        result = evaluate(scenario)
    except TooLargeError:
        return None
    json.dumps(result.to_json(), allow_nan=False)
    return result


def package_of(scenario: Scenario, bits: int) -> tuple[str, ...]:
    """The options whose file position is set in bits (taken modulo 2^n)."""
    return tuple(o for i, o in enumerate(scenario.options) if bits >> i & 1)


def mask_of(scenario: Scenario, options: tuple[str, ...]) -> int:
    """The bit pattern of a package over the options in file order."""
    return sum(1 << i for i, o in enumerate(scenario.options) if o in options)


def failing(explanation: Explanation) -> set[str]:
    """Labels of the constraints an explained package fails (rules left out)."""
    return {f.constraint.label for v in explanation.verdicts for f in v.failures}


def _explained(scenario: Scenario, package: tuple[str, ...]) -> Explanation:
    """explain() of a package, checked to serialise as strict JSON."""
    explanation = explain(scenario, list(package))
    json.dumps(explanation.to_json(), allow_nan=False)
    return explanation


def _masks(scenario: Scenario, packages: Sequence[Package]) -> set[int]:
    """The bit patterns of a list of packages (read from a PackageList's arrays)."""
    if isinstance(packages, PackageList):
        return set(np.asarray(packages.masks).tolist())
    return {mask_of(scenario, p.options) for p in packages}


def _disagree(what: str, package: tuple[str, ...], detail: str) -> Failure:
    return Failure(f"evaluate and explain disagree: {what}", f"package {list(package)}: {detail}")


def check_agreement(scenario: Scenario, result: Evaluation, plan: Plan) -> None:
    """Explain the planned packages and those evaluate lists; the two must agree."""
    acceptable = _masks(scenario, result.acceptable)
    listed: dict[tuple[str, ...], Callable[[Explanation], None]] = {}
    for point in result.frontier[:3]:
        for package, ok in list(zip(point.packages, point.acceptable, strict=True))[:3]:
            listed[package.options] = _frontier_check(package.options, ok, package.metrics)
    for tradeoff in result.tradeoffs[:3]:
        labels = {f.constraint.label for f in tradeoff.failures}
        listed[tradeoff.package.options] = _failing_check("trade-off", labels)
    for concession in result.concessions[:3]:
        labels = {c.label for c in concession.constraints}
        listed[concession.package.options] = _failing_check("concession", labels)
    for package in result.acceptable[:3]:
        listed.setdefault(package.options, _metrics_check(package.metrics))
    for bits in plan.picks:
        listed.setdefault(package_of(scenario, bits), lambda e: None)
    for package, extra in listed.items():
        explanation = guarded("explain", lambda p=package: _explained(scenario, p))
        if explanation.acceptable != (mask_of(scenario, package) in acceptable):
            raise _disagree("acceptable", package, f"explain says {explanation.acceptable}")
        extra(explanation)


def _frontier_check(
    package: tuple[str, ...], ok: bool, metrics: dict[str, float]
) -> Callable[[Explanation], None]:
    def check(explanation: Explanation) -> None:
        if not explanation.feasible or explanation.acceptable != ok:
            raise _disagree("frontier flag", package, f"frontier says acceptable={ok}")
        _metrics_check(metrics)(explanation)

    return check


def _failing_check(what: str, labels: set[str]) -> Callable[[Explanation], None]:
    def check(explanation: Explanation) -> None:
        found = failing(explanation)
        if not explanation.feasible or found != labels:
            package = explanation.package.options
            raise _disagree(what, package, f"evaluate lists {labels}, explain fails {found}")

    return check


def _metrics_check(metrics: dict[str, float]) -> Callable[[Explanation], None]:
    def check(explanation: Explanation) -> None:
        if explanation.package.metrics != metrics:
            package = explanation.package.options
            detail = f"evaluate {metrics}, explain {explanation.package.metrics}"
            raise _disagree("metric values", package, detail)

    return check


def check_reference(scenario: Scenario, result: Evaluation, plan: Plan) -> None:
    """Every report and the planned verdicts equal the brute-force reference's."""
    expected = guarded("reference", lambda: reference_evaluate(scenario))
    got = guarded("reference view", lambda: solver_view(result))
    for report, value in expected.items():
        if got[report] != value:
            detail = f"solver:    {got[report]!r:.600}\nreference: {value!r:.600}"
            raise Failure(f"solver and reference differ: {report}", detail)
    for bits in plan.picks:
        _check_verdicts(scenario, package_of(scenario, bits))


def _check_verdicts(scenario: Scenario, package: tuple[str, ...]) -> None:
    """explain's verdicts and misses on one package equal the reference's."""
    explanation = explain(scenario, list(package))
    chosen = frozenset(package)
    verdicts = guarded("reference", lambda: reference_verdicts(scenario, chosen))
    details = guarded("reference", lambda: reference_details(scenario, chosen))
    if explanation_verdicts(explanation) != verdicts:
        raise Failure("explain and reference differ: verdicts", f"package {list(package)}")
    if explanation_details(explanation) != details:
        raise Failure("explain and reference differ: misses", f"package {list(package)}")


def check_api(path: Path, plan: Plan) -> tuple[Scenario | None, bool | None]:
    """Load, evaluate, explain and compare: (the scenario or None, whether it evaluates, or
    None when it has more than EVALUATE_MAX_OPTIONS options and was not tried)."""
    scenario = guarded("load", lambda: load_case(path))
    if scenario is None:
        return None, False
    if len(scenario.options) > EVALUATE_MAX_OPTIONS:
        return scenario, None
    result = guarded("evaluate", lambda: evaluate_case(scenario))
    if result is None:
        return scenario, False
    check_agreement(scenario, result, plan)
    if len(scenario.options) <= REFERENCE_MAX_OPTIONS:
        check_reference(scenario, result, plan)
    return scenario, True


# ---------------------------------------------------------------------------- check


def check(raw: bytes, plan: Plan, *, seed_text: str = "", deadline: float = 60) -> None:
    """Judge one scenario file's bytes (raises Failure); `seed_text` is diffed against it."""
    with tempfile.TemporaryDirectory() as folder:
        case, seed = Path(folder, "case.yaml"), Path(folder, "seed.yaml")
        case.write_bytes(raw)
        seed.write_text(seed_text or DEFAULT_SEED.read_text(encoding="utf-8"), encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                with time_limit(deadline):
                    _check_file(case, seed, plan)
            except Hang as error:
                raise crash("check", error) from None


def _check_file(case: Path, seed: Path, plan: Plan) -> None:
    """The API checks, then the command line's, on one file."""
    scenario, ok = check_api(case, plan)
    package = ",".join(package_of(scenario, plan.picks[0])) if scenario else ""
    loaded = scenario is not None
    check_cli((seed, case), plan.commands, package=package, loaded=loaded, evaluates=ok)
