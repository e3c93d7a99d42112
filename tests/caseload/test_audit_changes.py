"""Every create/update/delete keeps its before/after values in the audit log (issue 14 item 2),
in the database only, covered by the HMAC chain, never in log files."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from caseload import audit, audit_chain, audit_values
from caseload.actor import SYSTEM_ACTOR, Actor, Role
from caseload.clients import ClientEdit, update_client
from caseload.lifecycle import enrol
from caseload.programs import BUILTIN_CODES, ensure_default_programs
from caseload.settings import ProgramSettings, load_versioned, save
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client
from caseload.team.staff import StaffDraft, add_staff, update_staff
from caseload.users.accounts import set_local_mode

ACTOR = Actor("pm.jones", Role.PROGRAM_MANAGER)


def _client(db: Database, external_id: str = "C1") -> tuple[int, int]:
    with db.session() as session:
        client = Client(
            external_id=external_id, first_name="Ada", last_name="Stone",
            date_of_birth=date(1950, 2, 3), phone="555-0100", address="1 Main St",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(client)
        session.flush()
        return client.id, client.version


def _entries(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        rows = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )
        session.expunge_all()
        return rows


def test_an_edit_records_before_and_after_of_the_changed_fields_only(db: Database) -> None:
    client_id, version = _client(db)
    update_client(
        db, ACTOR, client_id, version, ClientEdit(phone="555-0199", address="2 Elm St", city="")
    )
    [entry] = _entries(db, "client.update")
    before, after = audit_values.parse_changes(entry.changes)
    assert before == {"phone": "555-0100", "address": "1 Main St"}
    assert after == {"phone": "555-0199", "address": "2 Elm St"}
    assert entry.client_id == client_id
    assert "555-0100" not in entry.details  # the details column stays free of PHI


def test_a_create_keeps_the_new_values_and_no_before(db: Database) -> None:
    client_id, _ = _client(db)
    with db.session() as session:
        ensure_default_programs(session)
    code = sorted(BUILTIN_CODES)[0]
    enrol(db, ACTOR, client_id, code, date(2026, 3, 1))
    [entry] = _entries(db, "enrollment.start")
    before, after = audit_values.parse_changes(entry.changes)
    assert before is None
    assert after is not None and after["client_id"] == client_id
    assert after["enrolled_on"] == "2026-03-01"


def test_staff_edits_include_certifications_and_settings_keep_changed_keys(db: Database) -> None:
    draft = StaffDraft(name="Sam Medic", role="community_paramedic", weekly_hours=36.0)
    staff_id = add_staff(db, ACTOR, draft)
    update_staff(
        db, ACTOR, staff_id, 1, StaffDraft(name="Sam Medic", role="community_paramedic",
                                           weekly_hours=24.0)
    )  # fmt: skip
    [entry] = _entries(db, "staff.edit")
    before, after = audit_values.parse_changes(entry.changes)
    assert (before, after) == ({"weekly_capacity_hours": 36.0}, {"weekly_capacity_hours": 24.0})

    stored = load_versioned(db, ProgramSettings)
    save(db, ProgramSettings(program_name="Eastside MIH"), ACTOR)
    stored_again = load_versioned(db, ProgramSettings)
    save(db, ProgramSettings(program_name="Westside MIH"), ACTOR, expected_version=1)
    last = _entries(db, "settings.save")[-1]
    before, after = audit_values.parse_changes(last.changes)
    assert (before, after) == ({"program_name": "Eastside MIH"}, {"program_name": "Westside MIH"})
    assert stored.version == 0 and stored_again.version == 1


def test_an_update_keeps_only_what_changed() -> None:
    assert audit_values.diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert audit_values.changes_json({"a": 1}, {"a": 1}) == ""  # nothing changed, nothing kept
    assert json.loads(audit_values.changes_json(None, {"a": date(2026, 1, 2)})) == {
        "after": {"a": "2026-01-02"}
    }


def test_row_values_leave_out_version_and_password_columns(db: Database) -> None:
    client_id, _ = _client(db)
    with db.session() as session:
        client = session.get(Client, client_id)
        assert client is not None
        values = audit_values.row_values(client)
    assert "version" not in values and values["date_of_birth"] == "1950-02-03"
    assert all("password" not in k and "hash" not in k for k in values)


def test_verify_exits_3_after_the_before_after_json_is_altered(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli import main

    set_local_mode(db, SYSTEM_ACTOR, True)  # verify runs as the local program manager
    client_id, version = _client(db)
    update_client(db, ACTOR, client_id, version, ClientEdit(phone="555-0199"))
    [entry] = _entries(db, "client.update")

    def run_verify() -> int:
        return main(["audit", "verify", "--db", db.url])

    assert run_verify() == 0
    forged = json.dumps({"before": {"phone": "555-0100"}, "after": {"phone": "555-0000"}})
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET changes = :c WHERE seq = :s"), {"c": forged, "s": entry.seq}
        )
    assert run_verify() == 3
    assert f"row {entry.seq}" in capsys.readouterr().err
    with db.engine.begin() as conn:  # removing them is caught too
        conn.execute(text("UPDATE audit_log SET changes = '' WHERE seq = :s"), {"s": entry.seq})
    assert audit_chain.verify_chain(db).bad is not None


def test_rows_without_values_verify_as_before(db: Database) -> None:
    """Views and prints carry no values; their HMAC is what it was before the column existed."""
    with db.session() as session:
        audit.record(session, ACTOR, "client.view", "client", 5, "opened")
    [entry] = _entries(db, "client.view")
    assert entry.changes == "" and entry.client_id == 5
    assert audit_chain.verify_chain(db).intact


def test_values_never_reach_the_log(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, version = _client(db)
    update_client(db, ACTOR, client_id, version, ClientEdit(phone="555-0177"))
    assert "555-0177" not in caplog.text and "555-0100" not in caplog.text
