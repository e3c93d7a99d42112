"""Every file MIH Rounds writes is its user's only (issue 14): folders 0700; the database and
its -wal/-shm, backups, rounds.log, route-sheet PDFs and exports 0600, also when the process
umask would allow more; partial files of killed writes are cleaned up on the next start."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.planning.exports import write_crew_ics, write_plan_json, write_stops_csv
from caseload.store.database import open_database
from caseload.store.sqlite_file import backup_sqlite
from desktop import error_dialog
from desktop.cli import main
from desktop.printing import route_sheet
from desktop.printing.route_sheet import write_crew_pdfs, write_sheets_pdf
from tests.caseload.sheets_data import sample_sheet

TODAY = date(2026, 3, 10)
# The app's QApplication first (the PDF writer would otherwise make a plain QGuiApplication).
pytestmark = pytest.mark.usefixtures("qapp")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual desktop umask (files 0644, folders 0755): what the app must not rely on."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _old(path: Path, data: bytes = b"half") -> Path:
    path.write_bytes(data)
    path.chmod(0o644)
    stale = time.time() - 3600
    os.utime(path, (stale, stale))
    return path


def test_a_new_sqlite_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "data"
    db = open_database(f"sqlite:///{folder / 'rounds.db'}", create=True)
    try:
        with db.engine.begin() as conn:  # a write keeps the -wal and -shm open
            conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
            files = [folder / "rounds.db", folder / "rounds.db-wal", folder / "rounds.db-shm"]
            assert all(path.exists() for path in files)
            assert {path.name: mode(path) for path in files} == {p.name: 0o600 for p in files}
    finally:
        db.dispose()
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700


def test_an_existing_world_readable_database_is_made_private_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    open_database(url, create=True).dispose()
    (tmp_path / "rounds.db").chmod(0o644)
    db = open_database(url)
    try:
        assert mode(tmp_path / "rounds.db") == 0o600
    finally:
        db.dispose()


def test_backups_are_private(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'rounds.db'}", create=True)
    try:
        backup = backup_sqlite(db.engine, "before-migration")
    finally:
        db.dispose()
    assert backup is not None and mode(backup) == 0o600
    assert not list(tmp_path.glob(".*.part"))


def test_partial_files_of_killed_writes_are_removed_on_start(tmp_path: Path) -> None:
    """Ours (a backup's or an export's .part, older than a few minutes) go; a fresh one (a write
    still running elsewhere) and other programs' files stay."""
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    open_database(url, create=True).dispose()
    killed = [
        _old(tmp_path / ".rounds.db.before-migration-20260101T000000Z.bak.part"),
        _old(tmp_path / ".2026-03-10-stops.csv.k2j4_x.part"),
    ]
    fresh = tmp_path / ".2026-03-10-plan.json.part"
    fresh.write_bytes(b"writing")
    others = [_old(tmp_path / "movie.mkv.part"), _old(tmp_path / ".notes.txt.part")]
    open_database(url).dispose()
    assert [p for p in killed if p.exists()] == []
    assert fresh.exists() and all(p.exists() for p in others)


def test_route_sheet_pdfs_are_private_also_while_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sheets"
    (path,) = write_crew_pdfs([sample_sheet(2)], out)
    assert mode(path) == 0o600 and mode(out) == 0o700
    # A write killed half-way leaves only its .part file: private from its first byte.
    seen: list[int] = []

    def killed(device: object, *_args: object, **_kwargs: object) -> int:
        seen.extend(mode(p) for p in out.glob(".*.part"))
        raise KeyboardInterrupt  # as good as a kill for the file's mode

    monkeypatch.setattr(route_sheet, "render_sheets", killed)
    with pytest.raises(KeyboardInterrupt):
        write_sheets_pdf([sample_sheet(2)], out / "again.pdf")
    assert seen == [0o600]


def test_a_stale_pdf_part_is_removed_when_sheets_are_written_there(tmp_path: Path) -> None:
    stale = _old(tmp_path / ".2026-11-19-medic-2.pdf.part")  # yesterday's, killed
    write_crew_pdfs([sample_sheet(1)], tmp_path)
    assert not stale.exists()


def test_exports_are_private(tmp_path: Path) -> None:
    sheet = sample_sheet(2)
    out = tmp_path / "exports"
    written = [
        write_stops_csv([sheet], out / "stops.csv"),
        write_crew_ics(sheet, out / "medic-1.ics"),
        write_plan_json({"jobs": []}, {"routes": []}, out / "plan.json"),
    ]
    assert [mode(p) for p in written] == [0o600] * 3
    assert mode(out) == 0o700


def test_the_log_folder_and_rounds_log_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    log_path = tmp_path / "state" / "log" / "rounds.log"
    monkeypatch.setattr(error_dialog, "log_file", lambda: log_path)
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        error_dialog.setup_logging()
        logging.getLogger("rounds").warning("written")
    finally:
        for handler in root.handlers:
            if handler not in before[0]:
                handler.close()
                root.removeHandler(handler)
        root.setLevel(before[1])
    assert "written" in log_path.read_text(encoding="utf-8")
    assert mode(log_path) == 0o600 and mode(log_path.parent) == 0o700


def test_rounds_plan_writes_only_private_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=30, today=TODAY)
    db.dispose()
    out = tmp_path / "day"
    args = ["plan", "--date", TODAY.isoformat(), "--db", url, "--time-limit", "1"]
    assert main([*args, "--out", str(out)]) == 0
    written = sorted(out.iterdir())
    assert {p.suffix for p in written} == {".pdf", ".ics", ".csv", ".json"}
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert mode(out) == 0o700
    assert os.umask(0o022) == 0o022  # main() gave the caller its umask back
