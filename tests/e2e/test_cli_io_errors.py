"""When the system fails, not the scenario: names too long, unreadable places, full disks.

Every command reports such a failure as a message on standard error with exit status 2, never
a traceback, never exit status 0 with output cut short; a file it writes appears whole or not
at all, and a user's file replaced with --force stays as it was when the new one cannot be
written. Standard output on a full device is `/dev/full`; a full disk is a file size limit
(RLIMIT_FSIZE) set in the child process, with SIGXFSZ ignored so that writes fail with EFBIG.
"""

from __future__ import annotations

import errno
import os
import pathlib
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from cli_helpers import COLOUR_VARIABLES, EXAMPLE, SCRIPT, WIDTH, Run

FULL = "error: cannot write standard output: No space left on device\n"
#: A file name longer than any file system allows (255 bytes on Linux and macOS).
LONG = "a" * 300


def script(
    *args: str | Path,
    cwd: Path | None = None,
    stdout: int | IO[Any] = subprocess.PIPE,
    file_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the console script for real, optionally with a limit on the size of files written."""
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES} | WIDTH,
        check=False,
        timeout=120,
        preexec_fn=None if file_limit is None else _limited(file_limit),
    )


def _limited(size: int) -> Callable[[], None]:
    """In the child: files may grow to `size` bytes, then a write fails with EFBIG."""

    def apply() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("--help",),
        ("evaluate", "--help"),
        ("validate", EXAMPLE),
        ("evaluate", EXAMPLE),
        ("evaluate", EXAMPLE, "--format", "json"),
        ("evaluate", EXAMPLE, "--format", "markdown"),
        ("explain", EXAMPLE, "--package", ""),
        ("frontier", EXAMPLE),
        ("diff", EXAMPLE, EXAMPLE),
        ("schema",),
    ],
)
def test_a_full_standard_output_is_an_error(args: tuple[str | Path, ...]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = script(*args, stdout=full)
    assert (result.returncode, result.stderr) == (2, FULL)


def test_new_with_a_full_standard_output_writes_the_file_and_says_so_on_stderr(
    tmp_path: Path,
) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = script("new", "case", cwd=tmp_path, stdout=full)
    assert result.returncode == 0
    assert result.stderr.startswith("wrote case.yaml; check it with: guarantees validate case.yaml")
    assert script("validate", "case.yaml", cwd=tmp_path).returncode == 0


def test_a_full_standard_output_after_invalid_input_says_both(invalid: Path) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = script("validate", invalid, EXAMPLE, stdout=full)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{invalid}:7:5: unknown field or metric 'deterrance'")
    assert result.stderr.endswith(f"\n{FULL}")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory (relative names, nothing written elsewhere)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


READERS = [
    ("validate", "{}"),
    ("evaluate", "{}"),
    ("explain", "{}", "--package", ""),
    ("frontier", "{}"),
    ("diff", "{}", str(EXAMPLE)),
    ("report", "{}", "--output", "report.html"),
    ("explore", "{}", "--output", "explore.html"),
]


@pytest.mark.parametrize("args", READERS)
def test_a_file_name_too_long_is_reported_at_the_file(
    run: Run, in_tmp: Path, args: tuple[str, ...]
) -> None:
    name = f"{LONG}.yaml"
    result = run(*(a.format(name) for a in args))
    assert (result.exit_code, result.stderr) == (
        2,
        f"{name}:1:1: cannot read file: File name too long\n",
    )
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize("args", READERS)
def test_a_directory_given_as_a_file_is_reported_at_the_file(
    run: Run, in_tmp: Path, args: tuple[str, ...]
) -> None:
    (in_tmp / "folder.yaml").mkdir()
    result = run(*(a.format("folder.yaml") for a in args))
    assert (result.exit_code, result.stderr) == (
        2,
        "folder.yaml:1:1: cannot read file: Is a directory\n",
    )


@pytest.mark.parametrize("args", READERS)
def test_a_file_in_an_unreadable_directory_is_reported_at_the_file(
    run: Run, in_tmp: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """As for a directory without read and search permission (simulated: tests may run as root,
    whom permissions do not stop)."""
    locked = in_tmp / "locked"
    locked.mkdir()
    (locked / "case.yaml").write_bytes(EXAMPLE.read_bytes())
    real_stat, real_open = pathlib.Path.stat, pathlib.Path.open

    def deny(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: Path, *rest: Any, **options: Any) -> Any:
            if path.absolute().is_relative_to(locked):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *rest, **options)

        return call

    monkeypatch.setattr(pathlib.Path, "stat", deny(real_stat))
    monkeypatch.setattr(pathlib.Path, "open", deny(real_open))
    result = run(*(a.format("locked/case.yaml") for a in args))
    assert (result.exit_code, result.stderr) == (
        2,
        "locked/case.yaml:1:1: cannot read file: Permission denied\n",
    )


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("evaluate", EXAMPLE, "--output", f"{LONG}.txt"), f"{LONG}.txt"),
        (("diff", EXAMPLE, EXAMPLE, "--output", f"{LONG}.txt"), f"{LONG}.txt"),
        (("schema", "--output", f"{LONG}.json"), f"{LONG}.json"),
        (("frontier", EXAMPLE, "--plot", f"{LONG}.png"), f"{LONG}.png"),
        (("report", EXAMPLE, "--output", f"{LONG}.html"), f"{LONG}.html"),
        (("explore", EXAMPLE, "--output", f"{LONG}.html"), f"{LONG}.html"),
        (("new", LONG), f"{LONG}.yaml"),
        (("new", "case", "--output", f"{LONG}.yaml"), f"{LONG}.yaml"),
    ],
)
def test_an_output_name_too_long_is_an_error(
    run: Run, in_tmp: Path, args: tuple[str | Path, ...], name: str
) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: cannot write {name}: File name too long\n",
    )
    assert list(in_tmp.iterdir()) == []


WRITERS = [
    ("evaluate", EXAMPLE, "--output", "out.txt"),
    ("evaluate", EXAMPLE, "--format", "json", "--output", "out.json"),
    ("diff", EXAMPLE, EXAMPLE, "--output", "out.txt"),
    ("schema", "--output", "schema.json"),
    ("frontier", EXAMPLE, "--plot", "plot.png"),
    ("report", EXAMPLE, "--output", "report.html"),
    ("explore", EXAMPLE, "--output", "explore.html"),
]
#: Smaller than every output above, so that each write fails part way.
LIMIT = 500


@pytest.mark.parametrize("args", WRITERS)
def test_a_full_disk_leaves_no_file_behind(tmp_path: Path, args: tuple[str | Path, ...]) -> None:
    result = script(*args, cwd=tmp_path, file_limit=LIMIT)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"error: cannot write {args[-1]}: File too large"
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", WRITERS)
def test_a_full_disk_leaves_the_file_that_force_would_replace_as_it_was(
    tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    kept = tmp_path / str(args[-1])
    kept.write_text("keep me", encoding="utf-8")
    result = script(*args, "--force", cwd=tmp_path, file_limit=LIMIT)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"error: cannot write {args[-1]}: File too large"
    assert list(tmp_path.iterdir()) == [kept]
    assert kept.read_text(encoding="utf-8") == "keep me"


def test_new_after_a_full_disk_can_be_run_again(tmp_path: Path) -> None:
    failed = script("new", "case", cwd=tmp_path, file_limit=LIMIT)
    assert (failed.returncode, failed.stderr) == (
        2,
        "error: cannot write case.yaml: File too large\n",
    )
    assert list(tmp_path.iterdir()) == []
    again = script("new", "case", cwd=tmp_path)
    assert again.returncode == 0
    assert script("validate", "case.yaml", cwd=tmp_path).returncode == 0


def test_a_file_name_that_is_not_utf8_is_written_escaped(run: Run, in_tmp: Path) -> None:
    """Python keeps the bytes of such a name (argv) as surrogates, which UTF-8 cannot encode."""
    name = os.fsdecode(b"caf\xe9.yaml")
    result = run("evaluate", name, "--format", "json")
    assert result.exit_code == 2
    assert '"file": "caf\\udce9.yaml"' in result.stdout
    assert result.stderr == "caf\\udce9.yaml:1:1: cannot read file: No such file or directory\n"


def test_force_onto_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path: Path) -> None:
    """A pipe or a device (`--output /dev/stdout --force`) is written to, never replaced."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the schema fits in the pipe's buffer
    try:
        result = script("schema", "--output", fifo, "--force")
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert (result.returncode, result.stderr) == (0, f"wrote {fifo}\n")
    assert received.startswith(b'{\n  "$schema"')
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert list(tmp_path.iterdir()) == [fifo]


@pytest.mark.parametrize("args", [("--version",), ("validate", EXAMPLE)])
def test_a_closed_standard_output_is_an_error(args: tuple[str | Path, ...]) -> None:
    """Started with standard output closed (`>&-`): what it would print is lost, so it says so."""
    result = subprocess.run(
        [str(SCRIPT), *map(str, args)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert (result.returncode, result.stderr) == (
        2,
        "error: cannot write standard output: Bad file descriptor\n",
    )


def test_a_closed_standard_output_does_not_matter_when_nothing_goes_there(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(SCRIPT), "schema", "--output", str(tmp_path / "schema.json"), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert (result.returncode, result.stderr) == (0, "")
