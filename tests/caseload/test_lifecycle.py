"""Client lifecycle: enrol, graduate, disenrol with a reason, consent with date/scope/who, and
status — an inactive client is never ranked, listed or planned."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from caseload.clients import client_detail, list_client_rows
from caseload.enums import ClientStatus, ConsentState, EnrollmentEnd
from caseload.errors import ConflictError, UserError
from caseload.lifecycle import (
    Consent,
    consent_of,
    end_enrollment,
    enrol,
    enrollments,
    record_consent,
    reopen_enrollment,
    set_status,
)
from caseload.planning.candidates import day_candidates
from caseload.priority.service import rank_caseload
from caseload.store.database import Database
from caseload.store.models import AuditEntry
from tests.caseload.referral_data import ACTOR, client, programs

DAY = date(2026, 12, 1)


def _actions(db: Database) -> list[str]:
    """The changes audited (reads are audited too, as *.view: left out here)."""
    with db.session() as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        return [a for a in actions if not a.endswith(".view")]


def _programs_ranked(db: Database, client_id: int, on: date) -> list[str]:
    prio = {p.client_id: p for p in rank_caseload(db, on, ACTOR)}[client_id]
    return [r.code for r in prio.reasons if r.code.startswith("program:")]


def test_enrol_then_graduate_ends_the_program_the_next_day(db: Database) -> None:
    programs(db)
    client_id = client(db, "C1")
    enrolment = enrol(db, ACTOR, client_id, "chronic_disease", date(2026, 10, 1))
    with pytest.raises(UserError, match="Already enrolled"):
        enrol(db, ACTOR, client_id, "chronic_disease", DAY)
    assert _programs_ranked(db, client_id, DAY) == ["program:chronic_disease"]
    end_enrollment(db, ACTOR, enrolment, kind=EnrollmentEnd.GRADUATED, on=DAY)
    [info] = enrollments(db, client_id)
    assert (info.end_kind, info.ended_on, info.last_day) == ("graduated", DAY, DAY)
    assert info.active_on(DAY) and not info.active_on(date(2026, 12, 2))
    assert _programs_ranked(db, client_id, date(2026, 12, 2)) == []
    with pytest.raises(UserError, match="already ended"):
        end_enrollment(db, ACTOR, enrolment, kind=EnrollmentEnd.DISENROLLED, on=DAY, reason="x")
    reopen_enrollment(db, ACTOR, enrolment)
    assert enrollments(db, client_id)[0].end_kind == ""
    assert _actions(db) == [
        "enrollment.start",
        "enrollment.graduated",
        "enrollment.reopen",
    ]


def test_disenrolling_needs_a_reason_and_keeps_it(db: Database) -> None:
    programs(db)
    client_id = client(db, "C1")
    enrolment = enrol(db, ACTOR, client_id, "overdose_followup", date(2026, 11, 20))
    with pytest.raises(UserError, match="why"):
        end_enrollment(db, ACTOR, enrolment, kind=EnrollmentEnd.DISENROLLED, on=DAY)
    with pytest.raises(UserError, match="before the enrolment started"):
        end_enrollment(
            db, ACTOR, enrolment, kind=EnrollmentEnd.DISENROLLED, on=date(2026, 1, 1), reason="x"
        )
    end_enrollment(
        db, ACTOR, enrolment, kind=EnrollmentEnd.DISENROLLED, on=DAY, reason="declined 3 visits"
    )
    assert enrollments(db, client_id)[0].end_reason == "declined 3 visits"


def test_consent_is_recorded_with_date_scope_and_who(db: Database) -> None:
    client_id = client(db, "C1")
    version = client_detail(db, client_id, DAY, ACTOR).version
    with pytest.raises(UserError, match="who"):
        record_consent(db, ACTOR, client_id, version, Consent(ConsentState.GIVEN, DAY, "", ""))
    with pytest.raises(UserError, match="date"):
        record_consent(db, ACTOR, client_id, version, Consent(ConsentState.GIVEN, None, "", "Jo"))
    given = Consent(ConsentState.GIVEN, DAY, "home visits and data sharing with PCP", "Jo Park")
    new_version = record_consent(db, ACTOR, client_id, version, given)
    assert consent_of(db, client_id) == given
    assert client_detail(db, client_id, DAY, ACTOR).consent is ConsentState.GIVEN
    with pytest.raises(ConflictError):
        record_consent(db, ACTOR, client_id, version, given)
    assert new_version == version + 1
    assert _actions(db) == ["client.consent"]


@pytest.mark.parametrize(
    "status", [ClientStatus.DECEASED, ClientStatus.MOVED_AWAY, ClientStatus.TRANSFERRED]
)
def test_an_inactive_client_is_never_ranked_listed_or_planned(
    db: Database, status: ClientStatus
) -> None:
    programs(db)
    client_id = client(db, "C1")
    enrol(db, ACTOR, client_id, "chronic_disease", date(2026, 10, 1))
    version = client_detail(db, client_id, DAY, ACTOR).version
    version = set_status(db, ACTOR, client_id, version, status, on=DAY, reason="to Wake County")
    assert all(p.client_id != client_id for p in rank_caseload(db, DAY, ACTOR))
    assert all(r.client_id != client_id for r in list_client_rows(db, DAY, ACTOR))
    assert all(c.client_id != client_id for c in day_candidates(db, DAY, ACTOR))
    [info] = enrollments(db, client_id)
    assert (info.end_kind, info.ended_on) == ("disenrolled", DAY)
    assert info.end_reason.startswith(status.value.replace("_", " "))
    # Back to active: ranked again (re-enrolment is a separate, deliberate step).
    set_status(db, ACTOR, client_id, version, ClientStatus.ACTIVE, on=DAY)
    assert any(p.client_id == client_id for p in rank_caseload(db, DAY, ACTOR))
    assert _actions(db)[-2:] == ["client.status", "client.status"]


def test_transfer_needs_a_destination_and_merge_is_not_a_status(db: Database) -> None:
    client_id = client(db, "C1")
    version = client_detail(db, client_id, DAY, ACTOR).version
    with pytest.raises(UserError, match="transferred to"):
        set_status(db, ACTOR, client_id, version, ClientStatus.TRANSFERRED, on=DAY)
    with pytest.raises(UserError, match="Merge"):
        set_status(db, ACTOR, client_id, version, ClientStatus.MERGED, on=DAY)
    with pytest.raises(UserError, match="not active"):
        set_status(db, ACTOR, client_id, version, ClientStatus.DECEASED, on=DAY)
        enrol(db, ACTOR, client_id, "chronic_disease", DAY)


def test_a_client_discharged_before_statuses_existed_can_be_made_active(db: Database) -> None:
    client_id = client(db, "C1", active=False, discharged_on=date(2026, 6, 1))
    assert all(p.client_id != client_id for p in rank_caseload(db, DAY, ACTOR))
    version = client_detail(db, client_id, DAY, ACTOR).version
    set_status(db, ACTOR, client_id, version, ClientStatus.ACTIVE, on=DAY)
    assert any(p.client_id == client_id for p in rank_caseload(db, DAY, ACTOR))
