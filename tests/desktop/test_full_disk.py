"""A full disk while `rounds plan` saves and writes its files (issue 14): the plan save fails
with the plain "disk is full" message (exit 2, no traceback) and the earlier version stays as
it was; a file that cannot be written completely is not left behind, half-written, under its
name (Qt's PDF writer reports no write error: a cut-off PDF used to be kept as if whole)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.planning import versions
from caseload.store import db_errors
from caseload.store.database import open_database
from tests.faults import harness
from tests.faults.full_disk import fill_the_disk_of
from tests.faults.test_full_disk import full_disk_writes

TODAY = date(2026, 3, 10)


@pytest.fixture
def planned(tmp_path: Path) -> str:
    """A demo database with version 1 of TODAY's plan saved."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=40, today=TODAY)
    db.dispose()
    first = _plan(url, tmp_path / "first")
    assert first.code == 0, first.stderr
    return url


def _plan(url: str, out: Path) -> harness.Finished:
    args = ["plan", "--date", TODAY.isoformat(), "--db", url, "--time-limit", "1"]
    return harness.rounds_here([*args, "--out", str(out)])


def _versions(url: str) -> list[tuple[object, ...]]:
    return harness.rows(
        url,
        "SELECT p.version_no, count(s.id) FROM plans p LEFT JOIN plan_stops s "
        "ON s.plan_id = p.id GROUP BY p.id ORDER BY p.version_no",
    )


def test_a_full_disk_during_a_plan_save(
    planned: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _versions(planned)
    real_save = versions.save_plan

    def save_on_a_full_disk(db: object, *args: object, **kwargs: object) -> object:
        fill_the_disk_of(db.engine)  # type: ignore[attr-defined]
        return real_save(db, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(versions, "save_plan", save_on_a_full_disk)
    result = _plan(planned, tmp_path / "second")
    assert result.code == 2, result.stderr
    assert db_errors.FULL_MESSAGE in result.stderr and "Traceback" not in result.stderr
    assert _versions(planned) == before  # version 1 whole, no version 2
    assert not (tmp_path / "second").exists()  # nothing written for a plan not saved
    assert harness.audit_verify(planned).code == 0


def test_a_full_disk_while_writing_the_plan_files(
    planned: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_disk_writes(monkeypatch)
    out = tmp_path / "second"
    result = _plan(planned, out)
    assert result.code == 2, result.stderr
    assert "the disk is full; nothing was saved there" in result.stderr
    assert "Traceback" not in result.stderr
    left = sorted(p.name for p in out.iterdir())
    assert [n for n in left if not n.endswith(".pdf")] == []  # no CSV, ICS, JSON or .part


# Writes a crew's route sheet under a 20 kB file size limit: as a full disk does, it cuts the
# PDF short, and Qt says nothing.
_LIMITED_PDF = """
import resource, signal, sys
from pathlib import Path
from desktop.errors import user_message
from desktop.printing.route_sheet import ensure_gui_application, write_crew_pdfs
from tests.caseload.sheets_data import sample_sheet
ensure_gui_application()
sheets = [sample_sheet(12, crew_name="Medic 1")]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, resource.RLIM_INFINITY))
try:
    print("wrote", write_crew_pdfs(sheets, Path(sys.argv[1])))
except OSError as exc:
    print("refused:", user_message(exc))
"""


def test_a_pdf_cut_short_by_a_full_disk_is_not_kept(tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED_PDF, str(out)],
        capture_output=True,
        text=True,
        env=harness.child_env(),
        cwd=harness.ROOT,
        timeout=120,
        check=True,
    )
    assert done.stdout.startswith("refused: "), done.stdout + done.stderr
    assert "could not be written completely (is the disk full?)" in done.stdout
    assert list(out.iterdir()) == []  # neither a cut-off PDF nor its .part file
