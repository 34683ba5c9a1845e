"""Shares of a piece of work run in forked worker processes, their results gathered in order.

Used by the enumeration pass to walk its chunks on every core. Workers are forked (Linux
only: the parent's compiled scenario is there already, nothing is pickled on the way in);
each sends a tick per unit done, then its result or the exception that stopped it. The
parent re-raises a worker's exception, and on any error or interrupt stops every worker,
so a command never hangs on a dead or stuck one. Workers ignore Ctrl-C: the parent gets it;
a worker whose parent was killed outright stops at its next tick.

Forking is safe while no other thread of the parent holds a lock: the command line starts
none (its progress bar redraws on updates, not from a thread of its own). NumPy's OpenBLAS
keeps an idle thread pool, which Python 3.12+ warns about at fork(); the workers make no BLAS
call, so they never wait on a lock of that pool.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from ..errors import GuaranteesError

Share = TypeVar("Share")
Result = TypeVar("Result")
Tick = Callable[[], None]
Progress = Callable[[int, int], None]

_TICK, _DONE, _FAILED = "tick", "done", "failed"


class WorkerError(GuaranteesError):
    """A worker process ended without a result (killed, e.g. by the system out of memory)."""


def can_fork() -> bool:
    """Whether workers can be forked here: on Linux, and not from a daemonic process (which
    may have no children). Elsewhere the work stays in one process."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


class _Run(Generic[Share, Result]):
    """The workers of one run: started, listened to, and stopped whatever happens."""

    def __init__(self, work: Callable[[Share, Tick], Result], shares: Sequence[Share]) -> None:
        context = multiprocessing.get_context("fork")
        self.pipes: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(work, share, send), daemon=True)
            self.pipes.append(receive)
            self.processes.append(process)
            process.start()
            send.close()  # the worker holds the other end: its exit closes the pipe

    def gather(self, progress: Progress | None, total: int) -> list[Result]:
        """Every worker's result, in the order of the shares; ticks go to `progress`."""
        results: dict[int, Result] = {}
        waiting = dict(zip(self.pipes, range(len(self.pipes)), strict=True))
        done = 0
        while waiting:
            for pipe in wait(list(waiting)):
                assert isinstance(pipe, Connection)
                kind, payload = self._receive(pipe, waiting[pipe])
                if kind == _TICK:
                    done += 1
                    if progress is not None:
                        progress(done, total)
                    continue
                if kind == _FAILED:
                    raise payload
                results[waiting.pop(pipe)] = payload
        return [results[i] for i in range(len(self.pipes))]

    def _receive(self, pipe: Connection, worker: int) -> tuple[str, Any]:
        """The next message of a worker; WorkerError if it ended without sending its result."""
        try:
            message: tuple[str, Any] = pipe.recv()
        except EOFError:
            self.processes[worker].join()
            status = self.processes[worker].exitcode or 0
            how = f"was killed (signal {-status})" if status < 0 else f"exited ({status})"
            raise WorkerError(
                f"a worker process of the enumeration {how} before it finished, perhaps "
                "for want of memory: try fewer jobs (--jobs 1)"
            ) from None
        return message

    def stop(self, *, kill: bool) -> None:
        """Wait for every worker to end (ending them first when `kill`), and close the pipes."""
        for process in self.processes:
            if kill and process.is_alive():
                process.terminate()
            process.join()
        for pipe in self.pipes:
            pipe.close()


def run_shares(
    work: Callable[[Share, Tick], Result],
    shares: Sequence[Share],
    *,
    progress: Progress | None = None,
    total: int = 0,
) -> list[Result]:
    """`work(share, tick)` for each share, each in its own forked process, results in order.

    `tick()` marks one of `total` units done; the parent reports the sum to `progress`.
    A worker's exception is raised here; every worker is stopped before this returns.
    """
    run: _Run[Share, Result] = _Run(work, shares)
    try:
        results = run.gather(progress, total)
    except BaseException:
        run.stop(kill=True)
        raise
    run.stop(kill=False)
    return results


def _child(work: Callable[[Any, Tick], Any], share: Any, pipe: Connection) -> None:
    """In the worker: do the work, sending ticks, then the result or the error (never print)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def tick() -> None:
        # A parent killed outright (SIGKILL, a benchmark's timeout) cannot stop its workers,
        # and a pipe that another worker also holds open never breaks: stop at the next tick.
        if os.getppid() != parent:
            os._exit(1)
        pipe.send((_TICK, None))

    try:
        result = work(share, tick)
        message: tuple[str, Any] = (_DONE, result)
    except BaseException as error:  # every failure goes to the parent, which raises it
        message = (_FAILED, error)
    try:
        pipe.send(message)
    except Exception as error:  # e.g. a result that cannot be pickled, or the parent gone
        with contextlib.suppress(Exception):
            failed = WorkerError(f"a worker process could not send its result: {error}")
            pipe.send((_FAILED, failed))
    finally:
        pipe.close()
