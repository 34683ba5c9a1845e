"""Failures of the fuzzer's oracle, and how they are classed: by stage, exception type and
the innermost frame in model/ or cli/ (or by the property that broke), so that the same fault
found twice is one class; and the deadline that turns a hang into a failure."""

from __future__ import annotations

import re
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import guarantees.cli
import guarantees.model

_DIGITS = re.compile(r"\d+")
_PARENTHESES = re.compile(r"\([^)]*\)")
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
        said = _DIGITS.sub("N", _PARENTHESES.sub("(...)", str(error)))
        name += f" '{said[:60]}'"
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
