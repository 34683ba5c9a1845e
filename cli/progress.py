"""A progress bar for long evaluations: on a terminal only, and only when it is worth it.

The model reports progress through a plain callback `(done, total)`; this module turns that
into a rich bar on stderr, so that piped or redirected output stays clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from guarantees.cli.escape import one_line
from guarantees.model.exact.enumerate import Progress

if TYPE_CHECKING:
    from guarantees.model.exact.results import Evaluation
    from guarantees.model.format.schema import Scenario

#: More packages than this and a bar is shown (below, evaluation takes well under a second).
LARGE = 2**18
#: `--jobs` by default: the CPUs this process may use, at most this many.
MAX_DEFAULT_JOBS = 8


def default_jobs() -> int:
    """Worker processes for the exact pass when `--jobs` is not given: the usable CPUs."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_DEFAULT_JOBS))


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal (a person watching), not a pipe or a file."""
    return sys.stderr.isatty()


def wants_progress(options: int, *, terminal: bool) -> bool:
    """Show a bar for a scenario with more than LARGE packages, on a terminal only."""
    return terminal and 2**options > LARGE


@contextmanager
def progress_bar(description: str, *, enabled: bool) -> Iterator[Progress | None]:
    """A callback that advances a transient bar on stderr, or None when not enabled.

    The bar is redrawn on each update, not by a thread of its own: the exact pass forks
    worker processes, and forking while another thread holds a lock is unsafe.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(
        "{task.description}",
        *columns,
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task(escape(one_line(description)), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, refresh=True)

        yield advance


def shows_progress(scenario: Scenario) -> bool:
    """Whether to show a bar for this scenario here: large, and stderr a terminal."""
    return wants_progress(len(scenario.options), terminal=stderr_is_terminal())


def evaluate_with_progress(file: str, scenario: Scenario, jobs: int | None = None) -> Evaluation:
    """`evaluate` in `jobs` processes (default: `default_jobs()`), with a bar on stderr when
    `shows_progress` says so."""
    from guarantees.model.exact.evaluate import evaluate

    jobs = default_jobs() if jobs is None else jobs
    with progress_bar(f"Evaluating {file}", enabled=shows_progress(scenario)) as progress:
        return evaluate(scenario, progress=progress, jobs=jobs)
