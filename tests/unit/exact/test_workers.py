"""Worker processes (model/exact/workers.py): results in order, progress summed, and every failure
of a worker (an exception, a crash, an interrupt of the parent) raised without hanging."""

from __future__ import annotations

import functools
import importlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from generated import labels_only

from guarantees.cli.progress import MAX_DEFAULT_JOBS, default_jobs
from guarantees.model.errors import TooLargeError
from guarantees.model.exact.compile import compile_scenario
from guarantees.model.exact.enumerate import Enumerator
from guarantees.model.exact.workers import WorkerError, can_fork, run_shares
from guarantees.model.format.load import loads

solver = importlib.import_module("guarantees.model.exact.evaluate")  # the module, not the function

Tick = Callable[[], None]


@pytest.fixture(autouse=True)
def _no_worker_left() -> Iterator[None]:
    """Every test ends with every worker it started gone."""
    yield
    assert multiprocessing.active_children() == []


def squares(share: list[int], tick: Tick) -> list[int]:
    out = []
    for value in share:
        out.append(value * value)
        tick()
    return out


def test_results_come_in_the_order_of_the_shares_and_ticks_add_up() -> None:
    seen: list[tuple[int, int]] = []
    shares = [[1, 2], [3], [4, 5, 6]]
    results = run_shares(squares, shares, progress=lambda d, t: seen.append((d, t)), total=6)
    assert results == [[1, 4], [9], [16, 25, 36]]
    assert seen == [(done, 6) for done in range(1, 7)]


@pytest.mark.parametrize("error", [TooLargeError, MemoryError])
def test_an_exception_in_a_worker_is_raised_in_the_parent(error: type[BaseException]) -> None:
    def work(share: int, tick: Tick) -> int:
        if share == 1:
            raise error("in the worker")
        return share

    with pytest.raises(error, match="in the worker"):
        run_shares(work, [0, 1, 2])


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def work(share: int, tick: Tick) -> int:
        if share == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
        return share

    with pytest.raises(WorkerError, match=r"was killed \(signal 9\) before it finished.*--jobs 1"):
        run_shares(work, [0, 1])


def test_an_interrupt_of_the_parent_stops_every_worker() -> None:
    def forever(share: int, tick: Tick) -> int:
        while True:
            time.sleep(0.01)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_shares(forever, [0, 1])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_result_that_cannot_be_sent_is_an_error() -> None:
    def work(share: int, tick: Tick) -> Callable[[], None]:
        return lambda: None  # a lambda cannot be pickled

    with pytest.raises(WorkerError, match="could not send its result"):
        run_shares(work, [0])


@pytest.mark.parametrize(("options", "expected"), [(20, 1), (21, 3)])
def test_the_pass_goes_to_workers_from_2_to_the_21_packages(options: int, expected: int) -> None:
    walker = Enumerator(compile_scenario(loads(labels_only(options), file="big.yaml")))
    assert solver.workers_for(walker, 3) == expected
    assert solver.workers_for(walker, 1) == 1


def test_workers_never_outnumber_the_chunks() -> None:
    walker = Enumerator(compile_scenario(loads(labels_only(21), file="big.yaml")), low_bits=18)
    assert solver.workers_for(walker, 64) == walker.chunks == 8


def test_progress_counts_every_chunk_once_across_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solver, "PARALLEL_FROM", 0)
    monkeypatch.setattr(solver, "Enumerator", functools.partial(Enumerator, low_bits=2))
    seen: list[tuple[int, int]] = []
    solver.evaluate(
        loads(labels_only(6), file="s.yaml"), jobs=3, progress=lambda *p: seen.append(p)
    )
    assert seen == [(done, 16) for done in range(1, 17)]


@pytest.mark.parametrize(("usable", "expected"), [(1, 1), (2, 2), (64, MAX_DEFAULT_JOBS)])
def test_default_jobs_are_the_usable_cpus_capped(
    monkeypatch: pytest.MonkeyPatch, usable: int, expected: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(usable)), raising=False)
    assert default_jobs() == expected


def test_a_worker_does_not_fork_workers_of_its_own() -> None:
    """Workers are daemonic, and a daemonic process may have no children: it stays alone."""
    assert can_fork()
    assert run_shares(lambda share, tick: can_fork(), [0]) == [False]


def test_a_worker_that_exits_early_is_an_error() -> None:
    def work(share: int, tick: Tick) -> int:
        os._exit(3)

    with pytest.raises(WorkerError, match=r"exited \(3\) before it finished"):
        run_shares(work, [0])


KILLED_PARENT = """
import os, sys, time
from pathlib import Path
from guarantees.model.exact.workers import run_shares

def work(share, tick):
    Path(sys.argv[1], str(os.getpid())).touch()
    for _ in range(400):  # 20 s unless stopped
        time.sleep(0.05)
        tick()
    return share

run_shares(work, [1, 2])
"""


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_workers_of_a_parent_killed_outright_stop(tmp_path: Path) -> None:
    """SIGKILL gives the parent no chance to stop its workers: they stop by themselves."""
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(tmp_path)])
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in pids)
