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
import re
import signal
import tempfile
import threading
import traceback
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np
from reference import (
    explanation_details,
    explanation_verdicts,
    reference_details,
    reference_evaluate,
    reference_verdicts,
    solver_view,
)
from typer.testing import CliRunner

import guarantees.cli
import guarantees.model
from guarantees.cli.app import app
from guarantees.model.errors import ScenarioError, TooLargeError
from guarantees.model.evaluate import evaluate, explain
from guarantees.model.load import load
from guarantees.model.results import Evaluation, Explanation, Package, PackageList
from guarantees.model.schema import Scenario

REPO = Path(__file__).resolve().parents[2]
#: What `diff` compares a case with when no seed text is given.
DEFAULT_SEED = REPO / "tests" / "data" / "format-example.yaml"
#: Scenarios this small are also checked against the brute-force reference.
REFERENCE_MAX_OPTIONS = 10
#: Scenarios larger than this are loaded and checked through the CLI's validate only.
EVALUATE_MAX_OPTIONS = 20
COMMANDS = ("validate", "evaluate", "explain", "frontier", "diff", "report")
FORMATS = ("table", "json", "markdown")
#: The console the command line sees: 100 columns, no colour (as tests/e2e/conftest.py).
ENV: dict[str, str | None] = {
    "COLUMNS": "100",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}
_DIGITS = re.compile(r"\d+")
#: Where the code under test lives: a crash is placed at its innermost frame there.
PACKAGE_ROOTS = tuple(Path(m.__file__).resolve().parent for m in (guarantees.model, guarantees.cli))
T = TypeVar("T")


class Failure(AssertionError):
    """A property of the oracle that broke: `kind` is its class, `detail` what was seen."""

    def __init__(self, kind: str, detail: str, *, command: tuple[str, str] | None = None) -> None:
        super().__init__(f"{kind}\n{detail}")
        self.kind = kind
        self.detail = detail
        self.command = command  # the command-line run that failed, if it was one


class Hang(BaseException):
    """The check ran past its deadline (a BaseException, so that no handler swallows it)."""


@dataclass(frozen=True)
class Plan:
    """What to run on a case: packages to explain (bit patterns over the options, in file
    order, taken modulo 2^n) and command-line runs as (command, format)."""

    picks: tuple[int, ...] = (0,)
    commands: tuple[tuple[str, str], ...] = tuple((c, "table") for c in COMMANDS)


# ------------------------------------------------------------------- classification


def _where(filename: str) -> str | None:
    """`model/x.py` for a file of the installed model or cli package, else None."""
    path = Path(filename).resolve()
    for root in PACKAGE_ROOTS:
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return None


def _frame(tb: TracebackType | None) -> str:
    """`model/x.py:function` of the innermost frame in model/ or cli/ (else the innermost)."""
    frames = traceback.extract_tb(tb)
    ours = [(where, f) for f in frames if (where := _where(f.filename)) is not None]
    if ours:
        return f"{ours[-1][0]}:{ours[-1][1].name}"
    if frames:
        return f"{Path(frames[-1].filename).name}:{frames[-1].name}"
    return "?"


def crash(stage: str, error: BaseException) -> Failure:
    """A Failure for an unexpected exception, classed by stage, type and frame."""
    name = type(error).__name__
    if isinstance(error, Warning):  # warning types are broad: the message tells them apart
        name += f" '{_DIGITS.sub('N', str(error))[:60]}'"
    if isinstance(error, Hang):
        return Failure(f"hang in {stage} at {_frame(error.__traceback__)}", str(error))
    detail = "".join(traceback.format_exception(error)[-12:])
    return Failure(f"{stage}: {name} at {_frame(error.__traceback__)}", detail)


def guarded(stage: str, call: Callable[[], T]) -> T:
    """call(), with any exception but a Failure turned into a classed Failure."""
    try:
        return call()
    except Failure:
        raise
    except (Exception, Hang) as error:
        raise crash(stage, error) from None


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang where the code is after `seconds` (main thread with SIGALRM only)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------- API


def load_case(path: Path) -> Scenario | None:
    """The scenario in the file, or None when the model refuses it with a ScenarioError."""
    try:
        return load(path, display=path.name)
    except ScenarioError:
        return None


def evaluate_case(scenario: Scenario) -> Evaluation | None:
    """The evaluation, or None when the scenario is too large to evaluate (here or at all)."""
    if len(scenario.options) > EVALUATE_MAX_OPTIONS:
        return None
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


def check_api(path: Path, plan: Plan) -> tuple[Scenario | None, bool]:
    """Load, evaluate, explain and compare; (the scenario or None, whether it evaluates)."""
    scenario = guarded("load", lambda: load_case(path))
    if scenario is None:
        return None, False
    result = guarded("evaluate", lambda: evaluate_case(scenario))
    if result is None:
        return scenario, False
    check_agreement(scenario, result, plan)
    if len(scenario.options) <= REFERENCE_MAX_OPTIONS:
        check_reference(scenario, result, plan)
    return scenario, True


# --------------------------------------------------------------------- command line


def _controls(text: str) -> set[str]:
    """Control characters in text other than newline and tab."""
    return {c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"}


def _arguments(
    command: str, fmt: str, files: tuple[Path, Path], package: str, out: Path
) -> list[str]:
    seed, case = (str(f) for f in files)
    return {
        "validate": ["validate", case],
        "evaluate": ["evaluate", case, "-f", fmt],
        "explain": ["explain", case, "-p", package, "-f", fmt],
        "frontier": ["frontier", case, "-f", fmt],
        "diff": ["diff", seed, case, "-f", fmt],
        "report": ["report", case, "-o", str(out), "--force"],
    }[command]


def _expected_status(command: str, loaded: bool, evaluates: bool) -> int:
    if command in ("validate", "explain"):
        return 0 if loaded else 2
    return 0 if evaluates else 2


def check_run(
    command: tuple[str, str], arguments: list[str], expected: int, files: tuple[Path, Path]
) -> None:
    """One command-line run, judged: status, traceback, stderr lines, JSON, control chars."""
    name, fmt = command
    stage = f"cli {name}"
    result = CliRunner().invoke(app, arguments, env=ENV)
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        failure = crash(stage, error)
        raise Failure(failure.kind, failure.detail, command=command)
    said = f"$ guarantees {' '.join(arguments)}\nexit {result.exit_code}\n{result.stderr[:2000]}"
    if result.exit_code != expected:
        kind = f"{stage}: exit {result.exit_code}, the API predicts {expected}"
        raise Failure(kind, said, command=command)
    json_out = fmt == "json" and name not in ("validate", "report")
    _check_controls(result.stderr, "" if json_out else result.stdout, said, command)
    if expected == 2:
        _check_stderr(result.stderr, files, said, command)
    elif result.stderr:
        raise Failure(f"{stage}: stderr output with exit 0", said, command=command)
    elif json_out:
        try:
            json.loads(result.stdout, parse_constant=_no_constant)
        except ValueError as error:
            raise Failure(f"{stage}: invalid JSON", f"{error}\n{said}", command=command) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_controls(stderr: str, stdout: str, said: str, command: tuple[str, str]) -> None:
    """No control character but newline and tab in messages or in text output."""
    name, fmt = command
    if _controls(stderr):
        kind = "cli: control character in a message on stderr"
        raise Failure(kind, f"{_controls(stderr)!r}\n{said}", command=command)
    if _controls(stdout):
        shown = name if name in ("validate", "report") else f"{name} -f {fmt}"
        kind = f"cli {shown}: control character in standard output"
        raise Failure(kind, f"{_controls(stdout)!r}\n{said}\n{stdout[:2000]}", command=command)


def _check_stderr(
    stderr: str, files: tuple[Path, Path], said: str, command: tuple[str, str]
) -> None:
    names = "|".join(re.escape(str(f)) for f in files)
    line = re.compile(rf"(?:(?:{names}):\d+:\d+: |(?:{names}): |error: )\S.*")
    lines = stderr.splitlines()
    wrong = [text for text in lines if not line.fullmatch(text)]
    if not lines or wrong:
        kind = "cli: stderr line not `file:line:col: message`, `file: ...` or `error: ...`"
        raise Failure(kind, f"{wrong[:3]!r}\n{said}", command=command)


def check_cli(files: tuple[Path, Path], plan: Plan, scenario: Scenario | None, ok: bool) -> None:
    """Run the planned commands on the case file (`diff` from the seed) and judge each."""
    package = ",".join(package_of(scenario, plan.picks[0])) if scenario else ""
    out = files[1].with_suffix(".html")
    for name, fmt in plan.commands:
        arguments = _arguments(name, fmt, files, package, out)
        expected = _expected_status(name, scenario is not None, ok)
        check_run((name, fmt), arguments, expected, files)


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
                    scenario, ok = check_api(case, plan)
                    check_cli((seed, case), plan, scenario, ok)
            except Hang as error:
                raise crash("check", error) from None
