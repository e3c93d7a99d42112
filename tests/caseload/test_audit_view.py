"""The audit viewer's service: filters, paging, the CSV export (private, injection-safe), who
may read the log, and that reading it is audited too."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from caseload import audit
from caseload.actor import Actor, Role
from caseload.audit_view import (
    AuditFilter,
    AuditRow,
    audit_actions,
    audit_entries,
    audit_users,
    export_audit_csv,
)
from caseload.errors import UserError
from caseload.store.database import Database
from caseload.store.models import Client

SUPERVISOR = Actor("sup.lee", Role.SUPERVISOR)
PM = Actor("pm.jones", Role.PROGRAM_MANAGER)
MEDIC = Actor("medic.ray", Role.PARAMEDIC)


def _seed(db: Database) -> int:
    with db.session() as session:
        client = Client(
            external_id="C-77", first_name="Rosa", last_name="Delgado",
            date_of_birth=date(1948, 5, 6), created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(client)
        session.flush()
        cid = client.id
        days = [datetime(2026, 3, d, 15, 0, tzinfo=UTC) for d in (1, 2, 3)]
        audit.record(session, PM, "client.view", "client", cid, "opened", at=days[0])
        audit.record(
            session, PM, "client.update", "client", cid, "changed: phone", at=days[1],
            before={"phone": "1"}, after={"phone": "2"},
        )  # fmt: skip
        audit.record(
            session, SUPERVISOR, "visit.outcome", "visit", 9, "", at=days[2], client_id=cid
        )
        audit.record(session, SUPERVISOR, "plan.save", "plan", 4, "=cmd|' /C calc'!A0", at=days[2])
    return cid


def _actions(rows: Sequence[AuditRow]) -> list[str]:
    return [r.action for r in rows]


def test_filters_by_user_client_date_and_action_family(db: Database) -> None:
    cid = _seed(db)
    assert _actions(audit_entries(db, SUPERVISOR, AuditFilter(user="pm.jones")).rows) == [
        "client.update",
        "client.view",
    ]
    by_client = audit_entries(db, SUPERVISOR, AuditFilter(client_id=cid)).rows
    assert _actions(by_client) == ["visit.outcome", "client.update", "client.view"]
    by_name = audit_entries(db, SUPERVISOR, AuditFilter(client_search="delg")).rows
    assert _actions(by_name) == _actions(by_client)
    assert audit_entries(db, SUPERVISOR, AuditFilter(client_search="nobody")).total == 0
    one_day = AuditFilter(start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert _actions(audit_entries(db, SUPERVISOR, one_day).rows) == ["client.update"]
    family = audit_entries(db, SUPERVISOR, AuditFilter(action="client.")).rows
    assert _actions(family) == ["client.update", "client.view"]
    update = audit_entries(db, SUPERVISOR, AuditFilter(action="client.update")).rows[0]
    assert (update.before, update.after) == ({"phone": "1"}, {"phone": "2"})


def test_pages_cover_every_row_once_and_a_new_search_is_audited(db: Database) -> None:
    _seed(db)
    first = audit_entries(db, SUPERVISOR, AuditFilter(), limit=3)
    # The search's own audit row (written after the first page) does not shift later pages.
    second = audit_entries(
        db, SUPERVISOR, AuditFilter(), limit=3, offset=3, upto_seq=first.upto_seq
    )
    assert (first.total, second.total, first.upto_seq) == (4, 4, 4)
    assert [r.seq for r in (*first.rows, *second.rows)] == [4, 3, 2, 1]
    again = audit_entries(db, SUPERVISOR, AuditFilter(), limit=1)
    assert again.total == 5 and again.rows[0].action == "audit.view"
    assert "audit.view" in audit_actions(db, SUPERVISOR)
    assert audit_users(db, SUPERVISOR) == ["pm.jones", "sup.lee"]


def test_crew_members_may_not_read_the_log(db: Database) -> None:
    _seed(db)
    for role in (Role.PARAMEDIC, Role.PEER_SUPPORT):
        with pytest.raises(UserError, match="cannot read the audit log"):
            audit_entries(db, Actor("someone", role))
    with pytest.raises(UserError, match="cannot read the audit log"):
        export_audit_csv(db, MEDIC, Path("/nonexistent/x.csv"), AuditFilter())
    for reader in (Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR):
        assert audit_entries(db, Actor("reader", reader)).total >= 4


def test_the_export_is_private_injection_safe_and_audited(db: Database, tmp_path: Path) -> None:
    cid = _seed(db)
    out = tmp_path / "exports" / "audit.csv"
    assert export_audit_csv(db, SUPERVISOR, out, AuditFilter()) == 4
    assert out.stat().st_mode & 0o777 == 0o600
    assert not list(out.parent.glob(".*.part"))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["action"] for r in rows] == ["plan.save", "visit.outcome", "client.update",
                                           "client.view"]  # fmt: skip
    assert rows[0]["details"].startswith("'=")  # a formula is plain text in a spreadsheet
    assert rows[1]["client_id"] == str(cid)
    assert rows[2]["before"] == '{"phone": "1"}' and rows[2]["after"] == '{"phone": "2"}'
    exported = audit_entries(db, SUPERVISOR, AuditFilter(action="audit.export")).rows
    assert len(exported) == 1 and "4 rows" in exported[0].details
