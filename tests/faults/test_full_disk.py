"""A full disk during a save (issue 14): an import or a file export fails with the plain "disk
is full" message and exit 2 (no traceback, no client data), and what was
there before is intact: every earlier row, the audit chain, no half-written file."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from caseload.private_files import write_private_bytes
from caseload.store import db_errors
from desktop.errors import user_message
from tests.desktop.local_mode import switch_on_local_mode
from tests.faults import harness
from tests.faults.full_disk import fill_the_disk
from tests.faults.test_kill9 import clients_csv


def _assert_plain_disk_full(result: harness.Finished) -> None:
    assert result.code == 2, result.stderr
    assert db_errors.FULL_MESSAGE in result.stderr
    assert "Traceback" not in result.stderr and "Kit" not in result.stderr + result.stdout


def test_a_full_disk_during_an_import_keeps_the_earlier_clients(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rounds.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    switch_on_local_mode(url)
    earlier = clients_csv(tmp_path / "earlier.csv", 5, "E")
    assert harness.rounds_here(["import", "clients", str(earlier), "--db", url]).code == 0
    fill_the_disk(monkeypatch)
    big = clients_csv(tmp_path / "clients.csv", 500)
    _assert_plain_disk_full(harness.rounds_here(["import", "clients", str(big), "--db", url]))
    monkeypatch.undo()  # room again: the database holds what it held before
    assert harness.scalar(url, "SELECT count(*) FROM clients") == 5
    assert harness.sqlite_integrity(path) == "ok"
    assert harness.audit_verify(url).code == 0
    again = harness.rounds_here(["import", "clients", str(big), "--db", url])
    assert again.code == 0, again.stderr  # and the same import works once there is room


class _FullDiskFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])  # part of it made it to the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def full_disk_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written through `caseload.private_files` (CSV, ICS, JSON) hit a full disk."""
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        "caseload.private_files.os.fdopen", lambda fd, mode: _FullDiskFile(real_fdopen(fd, mode))
    )


def test_a_full_disk_while_writing_an_export_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "2026-03-10-stops.csv"
    full_disk_writes(monkeypatch)
    with pytest.raises(OSError) as caught:
        write_private_bytes(target, b"crew,stop\n" * 1000)
    assert list(target.parent.iterdir()) == []  # neither the file nor a .part of it
    said = user_message(caught.value)
    assert said == (
        f"{target}: the disk is full; nothing was saved there. Free some space, then try again."
    )
