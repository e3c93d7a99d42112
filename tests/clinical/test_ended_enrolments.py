"""An enrolment that has ended (its recorded end, or its program's fixed length) makes no cadence
reason, and ranking and rebalancing agree on which enrolments are active (`caseload.clinical`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseload.actor import local_actor
from caseload.clinical import enrollment_active_on, enrollment_last_day
from caseload.enums import ProgramCode, Tier
from caseload.priority.service import rank_caseload
from caseload.programs import ensure_default_programs
from caseload.rebalance.snapshot import load_snapshot
from caseload.store.database import Database
from caseload.store.models import Client, Enrollment, Program

ZONE = ZoneInfo("America/New_York")
ON = date(2026, 5, 18)
NOW = datetime(2026, 5, 18, 7, 0, tzinfo=ZONE)
ACTOR = local_actor()
# Catalogue defaults: overdose follow-up every 7 days for 4 weeks; chronic disease every 14
# days, open-ended.
OVERDOSE = ProgramCode.OVERDOSE_FOLLOWUP.value
CHRONIC = ProgramCode.CHRONIC_DISEASE.value


def enrol(db: Database, external_id: str, code: str, start: date, end: date | None) -> None:
    """A client with one enrolment and no visit ever (so an active enrolment is overdue)."""
    with db.session() as s:
        ensure_default_programs(s)
        program = s.scalars(select(Program.id).where(Program.code == code)).one()
        client = Client(
            external_id=external_id,
            first_name=external_id,
            last_name="Test",
            date_of_birth=date(1950, 1, 1),
            created_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        s.add(client)
        s.flush()
        s.add(Enrollment(client_id=client.id, program_id=program, enrolled_on=start, ended_on=end))


def program_reasons(db: Database) -> dict[str, set[str]]:
    """External id -> the programs that give the client a cadence reason on ON."""
    return {
        p.external_id: {r.code.split(":", 1)[1] for r in p.reasons if r.code.startswith("program:")}
        for p in rank_caseload(db, ON, ACTOR, now=NOW)
    }


def test_program_ended_last_week_gives_no_cadence_reason(db: Database) -> None:
    """ENDED's chronic-disease enrolment ended a week ago (last visit never): no "visit N days
    overdue". RAN_OUT joined the 4-week overdose follow-up 5 weeks ago and nobody closed it: its
    program ended last week, so no reason either. CURRENT joined the same program 2 weeks ago
    and is overdue."""
    enrol(db, "ENDED", CHRONIC, ON - timedelta(days=120), ON - timedelta(days=7))
    enrol(db, "RAN_OUT", OVERDOSE, ON - timedelta(weeks=5), None)
    enrol(db, "CURRENT", OVERDOSE, ON - timedelta(weeks=2), None)
    reasons = program_reasons(db)
    assert reasons == {"ENDED": set(), "RAN_OUT": set(), "CURRENT": {OVERDOSE}}
    tiers = {p.external_id: p.tier for p in rank_caseload(db, ON, ACTOR, now=NOW)}
    assert tiers["ENDED"] is Tier.ROUTINE
    assert tiers["RAN_OUT"] is Tier.ROUTINE


def test_rebalancing_and_ranking_agree_on_ended_enrolments(db: Database) -> None:
    """Six clients at the edges of an enrolment: ended yesterday, ends today, the program's
    4 weeks ran out yesterday, the 4 weeks' last day is today, starts tomorrow, open-ended.
    Active (start <= day <= last day): ends today, last day today, open-ended. Ranking gives a
    cadence reason to exactly those, and rebalancing counts workload for exactly those."""
    enrol(db, "ENDED_YESTERDAY", CHRONIC, ON - timedelta(days=60), ON - timedelta(days=1))
    enrol(db, "ENDS_TODAY", CHRONIC, ON - timedelta(days=60), ON)
    enrol(db, "LENGTH_RAN_OUT", OVERDOSE, ON - timedelta(weeks=4), None)
    enrol(db, "LENGTH_LAST_DAY", OVERDOSE, ON - timedelta(weeks=4) + timedelta(days=1), None)
    enrol(db, "STARTS_TOMORROW", CHRONIC, ON + timedelta(days=1), None)
    enrol(db, "OPEN", CHRONIC, ON - timedelta(days=60), None)
    ranking = program_reasons(db)
    snapshot = load_snapshot(db, ACTOR, today=ON)
    rebalancing = {c.external_id: {p.code for p in c.programs} for c in snapshot.clients}
    expected = {
        "ENDED_YESTERDAY": set(),
        "ENDS_TODAY": {CHRONIC},
        "LENGTH_RAN_OUT": set(),
        "LENGTH_LAST_DAY": {OVERDOSE},
        "STARTS_TOMORROW": set(),
        "OPEN": {CHRONIC},
    }
    assert ranking == expected
    assert rebalancing == expected


def test_the_last_day_is_the_earlier_of_the_recorded_end_and_the_programs_length() -> None:
    """Enrolled 1 May in a 4-week program: last day 28 May; recorded end 10 May wins if earlier;
    an open-ended program with no recorded end never ends."""
    start = date(2026, 5, 1)
    assert enrollment_last_day(start, None, 4) == date(2026, 5, 28)
    assert enrollment_last_day(start, date(2026, 5, 10), 4) == date(2026, 5, 10)
    assert enrollment_last_day(start, date(2026, 6, 30), 4) == date(2026, 5, 28)
    assert enrollment_last_day(start, None, None) is None
    assert enrollment_active_on(date(2026, 5, 28), start, None, 4)
    assert not enrollment_active_on(date(2026, 5, 29), start, None, 4)
    assert not enrollment_active_on(date(2026, 4, 30), start, None, None)
