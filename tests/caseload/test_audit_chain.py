"""The audit log is tamper-evident (issue 14): every row is chained to the one before with an
HMAC keyed outside the database, so a row altered, deleted or slipped in with SQL is named by
`verify_chain`; removed newest rows are caught by the head row and by a recorded count/head."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from caseload import audit, audit_chain
from caseload.actor import Actor, Role, local_actor
from caseload.clients import client_detail, list_client_rows
from caseload.store.database import Database, open_database
from caseload.store.models import AuditEntry, Client

ACTOR = Actor("pm.jones", Role.PROGRAM_MANAGER)


def _write(db: Database, n: int, label: str = "client.update") -> None:
    for i in range(n):
        with db.session() as session:
            audit.record(session, ACTOR, label, "client", i, f"changed: field{i}")


def _sql(db: Database, statement: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement))


def test_an_untouched_log_verifies_and_reports_its_head(db: Database) -> None:
    _write(db, 5)
    report = audit_chain.verify_chain(db)
    assert report.intact and report.rows == 5
    with db.session() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None and report.head == last.chain and last.seq == 5
        assert last.machine == audit_chain.machine_name() and last.actor == "pm.jones"


def test_the_existing_call_signature_still_works(db: Database) -> None:
    """Other services call record(session, actor, action, entity, id, details, at=...)."""
    moment = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    with db.session() as session:
        audit.record(session, local_actor(), "plan.save", "plan", 7, "v2", at=moment)
        audit.record(session, local_actor(), "plan.save", "plan", 8)
    assert audit_chain.verify_chain(db).rows == 2


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE audit_log SET details = 'changed: nothing' WHERE seq = 3",
        "UPDATE audit_log SET actor = 'someone.else' WHERE seq = 3",
        "UPDATE audit_log SET at = at - INTERVAL '1 day' WHERE seq = 3",
    ],
    ids=["details", "actor", "time"],
)
def test_an_altered_row_is_named(db: Database, change: str) -> None:
    _write(db, 5)
    if "INTERVAL" in change and db.backend == "sqlite":
        change = "UPDATE audit_log SET at = datetime(at, '-1 day') WHERE seq = 3"
    _sql(db, change)
    report = audit_chain.verify_chain(db)
    assert report.bad is not None and report.bad.seq == 3 and "altered" in report.bad.problem
    assert report.rows == 2


def test_a_deleted_row_is_named(db: Database) -> None:
    _write(db, 5)
    _sql(db, "DELETE FROM audit_log WHERE seq = 2")
    bad = audit_chain.verify_chain(db).bad
    assert bad is not None and bad.seq == 3 and "row(s) 2–2 were deleted" in bad.problem


def test_a_row_inserted_with_sql_is_named(db: Database) -> None:
    _write(db, 3)
    with db.session() as session:  # a forged row at the end, without the key
        session.add(
            AuditEntry(
                seq=4, at=datetime.now(UTC), actor="x", machine="m", action="client.view",
                entity="client", entity_id="1", details="", chain="0" * 64,
            )
        )  # fmt: skip
    bad = audit_chain.verify_chain(db).bad
    assert bad is not None and bad.seq == 4
    _sql(db, "DELETE FROM audit_log WHERE seq = 4")
    with db.session() as session:  # and one with no place in the chain at all
        session.add(
            AuditEntry(
                at=datetime.now(UTC), actor="x", action="client.view", entity="client",
                entity_id="1",
            )
        )  # fmt: skip
    bad = audit_chain.verify_chain(db).bad
    assert bad is not None and "no place in the chain" in bad.problem


def test_removed_newest_rows_are_caught_by_the_head_and_by_a_recorded_count(db: Database) -> None:
    _write(db, 6)
    recorded = audit_chain.verify_chain(db)
    _sql(db, "DELETE FROM audit_log WHERE seq >= 5")
    bad = audit_chain.verify_chain(db).bad
    assert bad is not None and "rows 5–6 were deleted" in bad.problem
    # Covering the tracks in audit_head too: the count the administrator recorded catches it.
    _sql(db, "UPDATE audit_head SET seq = 4")
    assert audit_chain.verify_chain(db).intact
    late = audit_chain.verify_chain(db, expect_count=recorded.rows, expect_head=recorded.head)
    assert late.bad is not None and "6 were recorded" in late.bad.problem


def test_a_recorded_head_still_verifies_as_the_log_grows(db: Database) -> None:
    _write(db, 3)
    recorded = audit_chain.verify_chain(db)
    _write(db, 2)
    later = audit_chain.verify_chain(db, expect_count=recorded.rows, expect_head=recorded.head)
    assert later.intact and later.rows == 5
    wrong = audit_chain.verify_chain(db, expect_count=recorded.rows, expect_head="ab" * 32)
    assert wrong.bad is not None and "not the one recorded" in wrong.bad.problem


def test_another_key_does_not_verify(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(db, 2)
    monkeypatch.setenv(audit_chain.KEY_ENV, "a different secret")
    bad = audit_chain.verify_chain(db).bad
    assert bad is not None and bad.seq == 1


def test_concurrent_writers_keep_one_unbroken_chain(db_url: str) -> None:
    """Four writers at once: every row gets its own place, none is lost, the chain verifies."""
    databases = [open_database(db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def writer(db: Database, k: int) -> None:
        try:
            _write(db, 10, label=f"writer{k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(db, k)) for k, db in enumerate(databases)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        report = audit_chain.verify_chain(databases[0])
        assert report.intact and report.rows == 40
    finally:
        for db in databases:
            db.dispose()


def test_the_key_file_is_made_once_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(audit_chain.KEY_ENV, raising=False)
    monkeypatch.setattr(audit_chain, "key_file_path", lambda: tmp_path / "cfg" / "audit.key")
    key = audit_chain.audit_key()
    path = tmp_path / "cfg" / "audit.key"
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cfg").stat().st_mode & 0o777 == 0o700
    assert audit_chain.audit_key() == key  # kept, not made again
    monkeypatch.setenv(audit_chain.KEY_ENV, "from the environment")
    assert audit_chain.audit_key() == b"from the environment"


def _views(db: Database, action: str) -> int:
    with db.session() as session:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return session.scalar(query) or 0


def test_viewing_a_client_and_the_caseload_adds_view_rows(db: Database) -> None:
    with db.session() as session:
        client = Client(
            external_id="V1", first_name="Vi", last_name="Ew", date_of_birth=date(1960, 1, 1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(client)
        session.flush()
        client_id = client.id
    client_detail(db, client_id, date(2026, 3, 10), ACTOR)
    list_client_rows(db, date(2026, 3, 10), ACTOR)
    assert (_views(db, "client.view"), _views(db, "caseload.view")) == (1, 1)
    with db.session() as session:
        view = session.scalars(select(AuditEntry).where(AuditEntry.action == "client.view")).one()
        assert (view.actor, view.entity_id) == ("pm.jones", str(client_id))
    assert audit_chain.verify_chain(db).intact
