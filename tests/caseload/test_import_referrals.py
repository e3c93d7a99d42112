"""Referral import: rows land in the queue as new; --accept accepts rows naming a program when
the person is unambiguous; every bad row is named (row, column, value, expected) and nothing is
written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.enums import ReferralSource, ReferralStatus, Tier
from caseload.errors import InputFileError
from caseload.importing.referrals import REFERRAL_COLUMNS, import_referrals
from caseload.priority.service import rank_caseload
from caseload.referrals.intake import list_referrals
from caseload.store.database import Database
from caseload.store.models import Client, Enrollment, Referral
from tests.caseload.import_data import write_csv
from tests.caseload.referral_data import ACTOR, client, programs

HEADER = list(REFERRAL_COLUMNS)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "referrals.csv"


def _row(**cells: str) -> dict[str, str]:
    base = {
        "source": "ED discharge planner",
        "received_at": "2026-11-30T09:15",
        "reason": "CHF readmission risk",
        "event_kind": "hospital_discharge",
        "event_at": "2026-11-30T08:40",
        "first_name": "Dolores",
        "last_name": "Whitfield",
        "date_of_birth": "1948-03-12",
        "program": "chronic_disease",
    }
    return {**base, **cells}


def _count(db: Database, model: type[object]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_referrals_land_in_the_queue_as_new(db: Database, tmp_path: Path) -> None:
    programs(db)
    rows = [_row(), _row(source="EMS", first_name="Marcus", last_name="Ellery", program="")]
    report = import_referrals(db, ACTOR, write_csv(tmp_path / "r.csv", rows, HEADER))
    assert (report.created, report.enrollments) == (2, 0)
    queue = list_referrals(db, ACTOR)
    assert {r.status for r in queue} == {ReferralStatus.NEW}
    assert {r.source for r in queue} == {ReferralSource.HOSPITAL, ReferralSource.EMS_CREW}
    assert queue[0].name == "Marcus Ellery"  # newest... same time: highest id first
    assert _count(db, Client) == 0


def test_accept_makes_clients_and_puts_them_on_the_next_days_list(
    db: Database, tmp_path: Path
) -> None:
    programs(db)
    report = import_referrals(db, ACTOR, EXAMPLE, accept=True)
    assert (report.created, report.enrollments) == (6, 4)
    assert "Accepted into a program (client linked or made, enrolled): 4" in report.summary()
    assert _count(db, Client) == 4 and _count(db, Enrollment) == 4
    ranked = rank_caseload(db, date(2026, 12, 2), ACTOR)
    assert [p.tier for p in ranked] == [Tier.MUST] * 4
    assert any("ED discharge planner" in r.label for p in ranked for r in p.reasons)


def test_accept_leaves_a_person_who_may_be_on_file_for_triage(db: Database, tmp_path: Path) -> None:
    programs(db)
    client(db, "C1", "Dolly", "Whitfield")  # same birthday, similar name: a person decides
    known = client(db, "C2", "Marcus", "Ellery")
    rows = [
        _row(),
        _row(first_name="marcus", last_name="ELLERY", received_at="2026-11-30T10:00"),
        _row(first_name="Ann", last_name="Lee", date_of_birth="", received_at="2026-11-30T11:00"),
    ]
    report = import_referrals(db, ACTOR, write_csv(tmp_path / "r.csv", rows, HEADER), accept=True)
    assert report.enrollments == 1
    warned = {(w.row, w.column) for w in report.warnings}
    assert warned == {(2, "program"), (4, "date_of_birth")}
    with db.session() as s:
        statuses = dict(s.execute(select(Referral.first_name, Referral.status)).all())
        linked = s.scalar(select(Referral.client_id).where(Referral.first_name == "marcus"))
    assert statuses == {"Dolores": "new", "marcus": "accepted", "Ann": "new"}
    assert linked == known and _count(db, Client) == 2


def test_bad_rows_are_all_named_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    programs(db)
    rows = [
        _row(source="fire dept"),
        _row(received_at="yesterday"),
        _row(event_at="2026-11-30T10:00"),  # after the referral was received
        _row(first_name="", external_id=""),
        _row(program="housing_first"),
        _row(external_id="NOPE"),
        _row(event_kind="", received_at="2026-11-30T12:00"),
        _row(date_of_birth="1948-02-30", received_at="2026-11-30T13:00"),
        _row(),
        _row(),  # a repeat of the row above
    ]
    with pytest.raises(InputFileError) as err:
        import_referrals(db, ACTOR, write_csv(tmp_path / "r.csv", rows, HEADER), accept=True)
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {
        (2, "source"),
        (3, "received_at"),
        (4, "event_at"),
        (5, "first_name"),
        (6, "program"),
        (7, "external_id"),
        (8, "event_kind"),
        (9, "date_of_birth"),
        (11, "received_at"),
    }
    text = str(err.value)
    assert "row 2, column 'source': got 'fire dept', expected one of ems_crew" in text
    assert _count(db, Referral) == 0 and _count(db, Client) == 0


def test_a_file_imported_twice_is_refused_the_second_time(db: Database, tmp_path: Path) -> None:
    programs(db)
    path = write_csv(tmp_path / "r.csv", [_row()], HEADER)
    import_referrals(db, ACTOR, path)
    with pytest.raises(InputFileError, match="already in the queue"):
        import_referrals(db, ACTOR, path)
    assert _count(db, Referral) == 1


def test_dry_run_writes_nothing(db: Database, tmp_path: Path) -> None:
    programs(db)
    report = import_referrals(db, ACTOR, EXAMPLE, dry_run=True, accept=True)
    assert report.dry_run and report.created == 6
    assert _count(db, Referral) == 0
