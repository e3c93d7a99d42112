"""`rounds audit verify`: exit 0 and the count and head to record on an untouched log; exit 3
naming the first bad row after any row is changed or deleted (issue 14)."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import Database, open_database
from caseload.store.models import AuditEntry
from desktop.cli import main

TODAY = date(2026, 3, 10)


@pytest.fixture
def demo(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "rounds.db"
    db = open_database(f"sqlite:///{path}", create=True)
    create_demo(db, local_actor(), seed=3, clients=20, today=TODAY)
    db.dispose()
    return f"sqlite:///{path}", path


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", "verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_passes_then_fails_after_a_change_and_a_deletion(
    demo: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, path = demo
    code, out, _ = _verify(capsys, "--db", url)
    assert code == 0 and "Audit log intact" in out
    count = int(re.search(r"(\d+) row\(s\)", out).group(1))  # type: ignore[union-attr]
    head = re.search(r"Latest chain value: ([0-9a-f]{64})", out).group(1)  # type: ignore[union-attr]
    assert count >= 2
    assert _verify(capsys, "--db", url, "--expect-count", str(count), "--expect-head", head)[0] == 0

    with sqlite3.connect(path) as conn:  # what anyone with the file and sqlite3 could do
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    code, _, err = _verify(capsys, "--db", url)
    assert code == 3 and "row 1 (id 1" in err and "altered" in err
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE audit_log SET actor = ? WHERE seq = 1", (local_actor().user_id,))
    assert _verify(capsys, "--db", url)[0] == 0  # put back exactly: intact again

    with sqlite3.connect(path) as conn:
        conn.execute(f"DELETE FROM audit_log WHERE seq = {count}")
        conn.execute(f"UPDATE audit_head SET seq = {count - 1}")
    assert _verify(capsys, "--db", url)[0] == 0  # a shorter chain is still a chain…
    code, _, err = _verify(capsys, "--db", url, "--expect-count", str(count), "--expect-head", head)
    assert code == 3 and "newest rows were deleted" in err  # …but not the one recorded


def test_plan_exports_and_sheets_are_audited(
    demo: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    url, _ = demo
    args = ["plan", "--date", TODAY.isoformat(), "--db", url, "--time-limit", "1"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    db = open_database(url)
    try:
        with db.session() as session:
            actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == len(actions)
    finally:
        db.dispose()
    assert "plan.sheets" in actions and actions[-1] == "plan.export"
    assert _verify(capsys, "--db", url)[0] == 0


def test_expect_head_needs_a_count(
    capsys: pytest.CaptureFixture[str], demo: tuple[str, Path]
) -> None:
    code, _, err = _verify(capsys, "--db", demo[0], "--expect-head", "ab")
    assert code == 2 and "--expect-count" in err


def test_audit_list_shows_filtered_entries_and_exports_a_private_csv(
    demo: tuple[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`rounds audit list`: newest first, filtered by user, action and day; the terminal shows
    ids and the names of changed fields, never their values; --csv writes them (0600)."""
    from caseload.clients import ClientEdit, update_client

    url, _ = demo
    db = open_database(url)
    try:
        update_client(db, local_actor(), 1, _version(db, 1), ClientEdit(phone="919-555-0142"))
    finally:
        db.dispose()
    me = local_actor().user_id
    code = main(["audit", "list", "--db", url, "--by", me, "--action", "client.update"])
    out = capsys.readouterr().out
    assert code == 0 and "client.update" in out and "client 1" in out
    assert "[changed: phone]" in out and "919-555-0142" not in out
    assert "1 of 1 matching entries" in out
    assert main(["audit", "list", "--db", url, "--by", "nobody"]) == 0
    assert "0 of 0 matching entries" in capsys.readouterr().out
    assert main(["audit", "list", "--db", url, "--since", "3 March"]) == 2
    assert "--since must be a date" in capsys.readouterr().err

    out_file = tmp_path / "audit.csv"
    code = main(["audit", "list", "--db", url, "--client", "1", "--csv", str(out_file)])
    assert code == 0 and out_file.stat().st_mode & 0o777 == 0o600
    text = out_file.read_text(encoding="utf-8-sig")
    assert "919-555-0142" in text and "client.update" in text


def test_a_crew_member_cannot_list_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseload.actor import Role
    from caseload.store.models import Staff
    from caseload.users.accounts import add_user, create_first_administrator

    url = f"sqlite:///{tmp_path / 'program.db'}"
    db = open_database(url, create=True)
    with db.session() as session:
        staff = Staff(name="Ray Medic", role="community_paramedic")
        session.add(staff)
        session.flush()
        staff_id = staff.id
    admin = create_first_administrator(db, "admin", "Ada Admin", "admin password 1")
    add_user(db, admin, "ray", "Ray Medic", Role.PARAMEDIC, "medic password 1", staff_id)
    db.dispose()
    monkeypatch.setenv("ROUNDS_PASSWORD", "medic password 1")
    assert main(["audit", "list", "--db", url, "--user", "ray"]) == 2
    assert "cannot read the audit log" in capsys.readouterr().err
    monkeypatch.setenv("ROUNDS_PASSWORD", "admin password 1")
    assert main(["audit", "list", "--db", url, "--user", "admin"]) == 0
    assert "user.create" in capsys.readouterr().out


def _version(db: Database, client_id: int) -> int:
    from caseload.store.models import Client

    with db.session() as session:
        client = session.get(Client, client_id)
        assert client is not None
        return client.version
