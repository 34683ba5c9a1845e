"""Writing files whole or not at all, and standard output that says when it cannot be written.

The failures are simulated (a write or a sync that fails, a file system without hard links, a
file that appears meanwhile), so these tests run anywhere; tests/e2e/test_cli_io_errors.py
makes the same failures happen for real.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

from guarantees.cli import output
from guarantees.cli.app import app
from guarantees.cli.output import write_new


def no_space(*args: Any) -> None:
    """Stand-in for a write or sync on a full disk."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def failed_write(path: Path, data: str | bytes, *, force: bool) -> str:
    """Call write_new, expecting exit status 2; the message it printed."""
    with pytest.raises(typer.Exit) as stopped:
        write_new(path, data, force=force)
    assert stopped.value.exit_code == 2
    return str(stopped.value)


def test_text_is_written_as_utf8_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_new(target, "é\n", force=False)
    assert target.read_bytes() == "é\n".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("force", [False, True])
def test_a_full_disk_leaves_nothing_new_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    target = tmp_path / "out.txt"
    if force:
        target.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", no_space)
    failed_write(target, "new text", force=force)
    assert capsys.readouterr().err == f"error: cannot write {target}: No space left on device\n"
    assert list(tmp_path.iterdir()) == ([target] if force else [])
    if force:
        assert target.read_text(encoding="utf-8") == "keep me"


def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    real_fsync = os.fsync

    def appear(fd: int) -> None:
        real_fsync(fd)
        target.write_text("someone else's", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", appear)
    failed_write(target, "mine", force=False)
    assert (
        capsys.readouterr().err == f"error: {target} already exists; use --force to overwrite it\n"
    )
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert list(tmp_path.iterdir()) == [target]


def test_without_hard_links_the_file_is_created_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*args: Any) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", unsupported)
    target = tmp_path / "out.txt"
    write_new(target, b"bytes", force=False)
    assert target.read_bytes() == b"bytes"
    assert list(tmp_path.iterdir()) == [target]
    failed_write(target, b"again", force=False)
    assert target.read_bytes() == b"bytes"


def test_without_hard_links_a_full_disk_removes_the_created_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*args: Any) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    real_fsync, calls = os.fsync, []

    def second_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 1:  # the temporary file syncs; the created one does not
            no_space()
        real_fsync(fd)

    monkeypatch.setattr(os, "link", unsupported)
    monkeypatch.setattr(os, "fsync", second_fails)
    failed_write(tmp_path / "out.txt", b"bytes", force=False)
    assert list(tmp_path.iterdir()) == []


def test_force_through_a_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_new(link, "new", force=True)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_an_existing_file_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(output, "publish", no_space)  # must not be reached
    failed_write(target, "new", force=False)
    assert target.read_text(encoding="utf-8") == "keep me"


class FullDevice(io.RawIOBase):
    """A device that takes no byte: every write fails as on /dev/full."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["schema"], ["validate", "--help"], ["new", "--help"]]
)
def test_standard_output_on_a_full_device_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    full = io.TextIOWrapper(io.BufferedWriter(FullDevice()), encoding="utf-8")
    monkeypatch.setattr("sys.stdout", full)
    with pytest.raises(SystemExit) as stopped:
        get_command(app).main(args, prog_name="guarantees")
    assert stopped.value.code == 2
    message = "error: cannot write standard output: No space left on device\n"
    assert capsys.readouterr().err == message
