"""One child process measured alone: its wall time, its own peak memory, how it ended.

os.wait4 gives that child's own resource usage (RUSAGE_CHILDREN would mix in every earlier
child), also for a child killed at the timeout.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """Wall and CPU seconds, peak resident MB, exit status (None: killed at the timeout), output.

    CPU time (user and system, every thread) depends less than wall time on other work
    sharing the machine.
    """

    wall: float
    cpu: float
    peak_mb: float
    status: int | None
    stdout: str
    stderr: str


def measure(command: list[str], timeout: float) -> Outcome:
    """Run command to its end, or kill it past timeout seconds; stdout and stderr to files."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        killed = False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if not killed and time.perf_counter() - start > timeout:
                child.kill()
                killed = True
            time.sleep(0.005)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        code = None if killed else child.returncode
        cpu = usage.ru_utime + usage.ru_stime
        return Outcome(wall, cpu, usage.ru_maxrss / 1024, code, out.read(), err.read())
