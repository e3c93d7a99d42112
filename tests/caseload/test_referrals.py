"""The referral queue: matching by name and date of birth, triage (accept, decline, unable to
reach, reopen), the first-contact rule on the day's list, first contact for reporting, merging
duplicate clients."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.enums import ClientStatus, EventKind, ReferralStatus, Tier, VisitStatus
from caseload.errors import ConflictError, UserError
from caseload.importing.addresses import import_address_table
from caseload.locations import locations_to_check
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import correct_outcome, record_unplanned
from caseload.priority.service import rank_caseload
from caseload.referrals.first_contact import record_first_contact
from caseload.referrals.intake import get_referral, list_referrals
from caseload.referrals.matching import duplicate_groups, normalise_name
from caseload.referrals.merge import merge_clients
from caseload.referrals.triage import (
    accept_referral,
    decline_referral,
    mark_unable_to_reach,
    matches_for_referral,
    record_attempt,
    reopen_referral,
)
from caseload.store.database import Database
from caseload.store.models import (
    AuditEntry,
    Client,
    ClientPlace,
    Enrollment,
    Program,
    Referral,
    UtilizationEvent,
    Visit,
)
from tests.caseload.referral_data import ACTOR, ZONE, client, ed_referral, programs

DATA = Path(__file__).resolve().parents[1] / "data"
RECEIVED = datetime(2026, 11, 30, 9, 15, tzinfo=ZONE)
NEXT_DAY = date(2026, 12, 1)


def _accept(db: Database, referral_id: int, program: str = "chronic_disease", **kw: int) -> int:
    version = get_referral(db, referral_id).version
    return accept_referral(db, ACTOR, referral_id, version, program_code=program, **kw)


def _audit_actions(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_names_are_compared_without_case_accents_or_punctuation() -> None:
    assert normalise_name("  O'Brien-Smith, José ") == "obriensmith jose"


def test_matching_finds_exact_and_likely_clients_but_not_strangers(db: Database) -> None:
    exact = client(db, "C1", "dolores", "WHITFIELD")
    nickname = client(db, "C2", "Dolly", "Whitfield")
    swapped_dob = client(db, "C3", "Dolores", "Whitfield", date(1948, 12, 3))
    client(db, "C4", "Dolores", "Whitfield", date(1950, 3, 12))  # another person
    client(db, "C5", "Maria", "Lopez")  # same birthday, different name
    referral = ed_referral(db, RECEIVED, first="Dolorés", last="Whitfield")
    matches = matches_for_referral(db, ACTOR, referral)
    assert [m.client_id for m in matches] == [exact, nickname, swapped_dob]
    assert [m.exact for m in matches] == [True, False, False]
    assert matches[0].why == "same name and date of birth"
    assert "same date of birth" in matches[1].why
    assert "swapped" in matches[2].why


def test_accepting_makes_the_client_the_enrolment_and_the_triggering_event(db: Database) -> None:
    programs(db)
    referral = ed_referral(db, RECEIVED)
    client_id = _accept(db, referral)
    row = get_referral(db, referral)
    assert row.status is ReferralStatus.ACCEPTED
    assert (row.client_id, row.program_code, row.triaged_by) == (
        client_id,
        "chronic_disease",
        ACTOR.user_id,
    )
    assert row.triaged_at is not None
    with db.session() as s:
        made = s.get(Client, client_id)
        assert made is not None
        assert (made.first_name, made.date_of_birth, made.phone) == (
            "Dolores",
            date(1948, 3, 12),
            "919-555-0142",
        )
        enrolments = s.execute(select(Enrollment.enrolled_on)).scalars().all()
        events = s.execute(select(UtilizationEvent.kind, UtilizationEvent.occurred_at)).all()
    assert enrolments == [date(2026, 11, 30)]
    assert events == [(EventKind.HOSPITAL_DISCHARGE.value, RECEIVED - timedelta(minutes=40))]
    assert {"referral.add", "client.create", "referral.accept"} <= set(_audit_actions(db))


def test_an_accepted_client_is_located_from_the_referral_address(db: Database) -> None:
    """A referral's address is found in the agency's address table on accept, so the new
    client can be routed at once; an unknown street in a known ZIP gets only the ZIP centre
    (not routed until someone accepts or pins it) and is listed under Locations to check."""
    programs(db)
    import_address_table(db, ACTOR, DATA / "durham" / "address-points.csv")
    found = _accept(db, ed_referral(db, RECEIVED, address="600 Corporation"))
    lost = _accept(db, ed_referral(db, RECEIVED, first="Ada", address="99 Nowhere Imaginary Ln"))
    with db.session() as s:
        places = {
            p.client_id: (p.geocode_quality, round(p.lat or 0, 6), round(p.lon or 0, 6))
            for p in s.scalars(select(ClientPlace))
        }
    assert places[found] == ("exact", 36.002041, -78.902503)
    assert places[lost][0] == "zip"
    assert found not in {c.client_id for c in locations_to_check(db, ACTOR)}
    assert lost in {c.client_id for c in locations_to_check(db, ACTOR)}


def test_accepting_links_an_existing_client_without_a_second_enrolment(db: Database) -> None:
    programs(db)
    known = client(db, "C1")
    first = ed_referral(db, RECEIVED)
    assert _accept(db, first, client_id=known) == known
    second = ed_referral(db, RECEIVED + timedelta(days=1))
    assert _accept(db, second, client_id=known) == known
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Enrollment)) == 1
        assert s.scalar(select(func.count()).select_from(Client)) == 1
        assert s.scalar(select(func.count()).select_from(UtilizationEvent)) == 2


def test_accepting_brings_back_a_client_who_moved_away_but_never_a_deceased_one(
    db: Database,
) -> None:
    programs(db)
    moved = client(db, "C1", status=ClientStatus.MOVED_AWAY.value, active=False)
    gone = client(db, "C2", "Ann", "Other", status=ClientStatus.DECEASED.value, active=False)
    _accept(db, ed_referral(db, RECEIVED), client_id=moved)
    with db.session() as s:
        back = s.get(Client, moved)
        assert back is not None and (back.status, back.active) == ("active", True)
    referral = ed_referral(db, RECEIVED, first="Ann", last="Other")
    with pytest.raises(UserError, match="deceased"):
        _accept(db, referral, client_id=gone)
    assert get_referral(db, referral).status is ReferralStatus.NEW


def test_a_referral_without_a_date_of_birth_cannot_make_a_client(db: Database) -> None:
    programs(db)
    referral = ed_referral(db, RECEIVED, dob=None)
    with pytest.raises(UserError, match="date of birth"):
        _accept(db, referral)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 0


def test_a_stale_triage_is_refused(db: Database) -> None:
    programs(db)
    referral = ed_referral(db, RECEIVED)
    stale = get_referral(db, referral).version
    record_attempt(db, ACTOR, referral, stale)
    with pytest.raises(ConflictError):
        decline_referral(db, ACTOR, referral, stale, "outside the service area")
    assert get_referral(db, referral).status is ReferralStatus.NEW


def test_decline_needs_a_reason_and_reopen_undoes_it(db: Database) -> None:
    referral = ed_referral(db, RECEIVED)
    version = get_referral(db, referral).version
    with pytest.raises(UserError, match="why"):
        decline_referral(db, ACTOR, referral, version, "  ")
    decline_referral(db, ACTOR, referral, version, "outside the service area")
    row = get_referral(db, referral)
    assert (row.status, row.status_reason) == (ReferralStatus.DECLINED, "outside the service area")
    reopen_referral(db, ACTOR, referral, row.version)
    assert get_referral(db, referral).status is ReferralStatus.NEW
    assert _audit_actions(db)[-2:] == ["referral.decline", "referral.reopen"]


def test_unable_to_reach_records_the_attempts(db: Database) -> None:
    referral = ed_referral(db, RECEIVED)
    for _ in range(2):
        record_attempt(db, ACTOR, referral, get_referral(db, referral).version)
    row = get_referral(db, referral)
    assert row.contact_attempts == 2
    with pytest.raises(UserError, match="at least one attempt"):
        mark_unable_to_reach(db, ACTOR, referral, row.version, attempts=0)
    mark_unable_to_reach(db, ACTOR, referral, row.version, attempts=3, note="phone disconnected")
    row = get_referral(db, referral)
    assert row.status is ReferralStatus.UNABLE_TO_REACH
    assert row.status_reason == "unable to reach after 3 attempts; phone disconnected"


def test_the_queue_lists_new_referrals_first_newest_first(db: Database) -> None:
    programs(db)
    old = ed_referral(db, RECEIVED, first="Old", last="One")
    accepted = ed_referral(db, RECEIVED + timedelta(hours=1), first="Acc", last="Epted")
    newest = ed_referral(db, RECEIVED + timedelta(hours=2), first="New", last="Est")
    declined = ed_referral(db, RECEIVED + timedelta(hours=3), first="De", last="Clined")
    _accept(db, accepted)
    decline_referral(db, ACTOR, declined, get_referral(db, declined).version, "duplicate")
    assert [r.referral_id for r in list_referrals(db, ACTOR)] == [newest, old, accepted, declined]
    waiting = list_referrals(db, ACTOR, include_closed=False)
    assert [r.referral_id for r in waiting] == [newest, old, accepted]


def _must_reason(db: Database, on: date, client_id: int) -> tuple[Tier, list[str]]:
    ranked = {p.client_id: p for p in rank_caseload(db, on, ACTOR)}
    prio = ranked[client_id]
    return prio.tier, [r.label for r in prio.reasons if r.code == "new_referral"]


def test_an_accepted_ed_referral_is_must_next_day_until_a_completed_visit(db: Database) -> None:
    programs(db)
    client_id = _accept(db, ed_referral(db, RECEIVED))
    tier, reasons = _must_reason(db, NEXT_DAY, client_id)
    assert tier is Tier.MUST
    assert reasons == [
        "New referral from ED discharge planner 21 h ago — first contact due within 72 h "
        "(50 h left)"
    ]
    ranked = rank_caseload(db, NEXT_DAY, ACTOR)
    assert ranked[0].client_id == client_id
    with db.session() as s:
        s.add(
            Visit(
                client_id=client_id,
                visit_date=NEXT_DAY,
                visit_type="post_discharge",
                status=VisitStatus.COMPLETED.value,
                completed_at=datetime(2026, 12, 1, 10, 30, tzinfo=ZONE),
            )
        )
    tier, reasons = _must_reason(db, NEXT_DAY + timedelta(days=1), client_id)
    assert tier is not Tier.MUST and reasons == []
    # The queue reports the first contact from the completed visit (nothing stored it).
    row = list_referrals(db, ACTOR)[0]
    assert row.first_contact_at == datetime(2026, 12, 1, 10, 30, tzinfo=ZONE)
    assert not row.waiting


def test_a_new_referral_not_yet_accepted_puts_nobody_on_the_list(db: Database) -> None:
    programs(db)
    known = client(db, "C1")
    ed_referral(db, RECEIVED, client_id=known)
    tier, reasons = _must_reason(db, NEXT_DAY, known)
    assert reasons == [] and tier is not Tier.MUST


def test_record_first_contact_stores_the_time_and_clears_the_rule(db: Database) -> None:
    programs(db)
    client_id = _accept(db, ed_referral(db, RECEIVED))
    reached = datetime(2026, 11, 30, 15, 0, tzinfo=ZONE)
    with db.session() as s:
        assert record_first_contact(s, client_id, reached) == 1
        assert record_first_contact(s, client_id, reached + timedelta(hours=1)) == 0
    row = list_referrals(db, ACTOR)[0]
    assert row.first_contact_at == reached
    assert row.time_to_first_contact == timedelta(hours=5, minutes=45)
    with db.session() as s:
        stored = s.scalar(select(Referral.first_contact_at))
    assert stored == reached
    assert _must_reason(db, NEXT_DAY, client_id)[1] == []


def test_merge_moves_everything_to_the_kept_client_and_keeps_the_duplicate(db: Database) -> None:
    programs(db)
    keep = client(db, "C1", phone="")
    dup = client(db, "C2", phone="919-555-0100", safety_notes="dog on property")
    assert duplicate_groups_of(db) == [(keep, dup)]
    with db.session() as s:
        s.add(ClientPlace(client_id=dup, kind="home", is_primary=True))
        same = datetime(2026, 11, 1, 8, 0, tzinfo=ZONE)
        for who in (keep, dup):
            s.add(UtilizationEvent(client_id=who, kind="fall", occurred_at=same))
        s.add(UtilizationEvent(client_id=dup, kind="call_911", occurred_at=same))
        s.add(Visit(client_id=dup, visit_date=date(2026, 11, 2), visit_type="follow_up"))
    _accept(db, ed_referral(db, RECEIVED), client_id=dup)
    result = merge_clients(db, ACTOR, keep, dup)
    assert (result.places, result.enrollments, result.visits, result.referrals) == (1, 1, 1, 1)
    assert (result.events, result.dropped_repeats) == (2, 1)  # 911 call + discharge; fall repeat
    with db.session() as s:
        kept = s.get(Client, keep)
        merged = s.get(Client, dup)
        assert kept is not None and merged is not None
        assert (kept.phone, kept.safety_notes) == ("919-555-0100", "dog on property")
        assert (merged.status, merged.active, merged.merged_into_id) == ("merged", False, keep)
        assert s.scalar(select(func.count()).where(UtilizationEvent.client_id == dup)) == 0
        place = s.scalar(select(ClientPlace).where(ClientPlace.client_id == keep))
        assert place is not None and place.is_primary
    assert duplicate_groups_of(db) == []
    assert "client.merge" in _audit_actions(db)
    assert all(p.client_id != dup for p in rank_caseload(db, NEXT_DAY, ACTOR))


def test_a_refused_merge_changes_nothing(db: Database) -> None:
    keep = client(db, "C1")
    dup = client(db, "C2")
    with db.session() as s:
        s.add(Visit(client_id=dup, visit_date=date(2026, 11, 2), visit_type="follow_up"))
    with pytest.raises(ConflictError):
        merge_clients(db, ACTOR, keep, dup, duplicate_version=99)
    with pytest.raises(UserError):
        merge_clients(db, ACTOR, keep, keep)
    with db.session() as s:
        assert s.scalar(select(Visit.client_id)) == dup
        merged = s.get(Client, dup)
        assert merged is not None and merged.status == "active"


def duplicate_groups_of(db: Database) -> list[tuple[int, ...]]:
    with db.session() as s:
        return duplicate_groups(s)


def test_the_referral_rule_ends_with_the_enrolment_it_was_accepted_into(db: Database) -> None:
    programs(db)
    client_id = _accept(db, ed_referral(db, RECEIVED, event_before=timedelta(days=40)))
    assert _must_reason(db, NEXT_DAY, client_id)[0] is Tier.MUST
    with db.session() as s:
        enrolment = s.scalar(select(Enrollment).where(Enrollment.client_id == client_id))
        assert enrolment is not None
        enrolment.ended_on = date(2026, 11, 30)  # disenrolled the day it was accepted
    tier, reasons = _must_reason(db, NEXT_DAY, client_id)
    assert reasons == [] and tier is not Tier.MUST


def test_the_programs_own_first_contact_deadline_applies_to_its_referrals(db: Database) -> None:
    programs(db)
    with db.session() as s:
        program = s.scalar(select(Program).where(Program.code == "chronic_disease"))
        assert program is not None
        program.first_contact_hours = 24.0
    client_id = _accept(db, ed_referral(db, RECEIVED, event_before=timedelta(days=40)))
    _, reasons = _must_reason(db, NEXT_DAY, client_id)
    assert reasons == [
        "New referral from ED discharge planner 21 h ago — first contact due within 24 h (2 h left)"
    ]


def test_a_completed_outcome_stores_the_first_contact_and_a_correction_takes_it_back(
    db: Database,
) -> None:
    programs(db)
    client_id = _accept(db, ed_referral(db, RECEIVED))
    met = datetime(2026, 12, 1, 10, 30, tzinfo=ZONE)
    entry = OutcomeEntry(
        VisitStatus.COMPLETED, started_at=met - timedelta(minutes=40), ended_at=met
    )
    info = record_unplanned(db, ACTOR, client_id, NEXT_DAY, entry, now=met + timedelta(hours=1))
    with db.session() as s:
        assert s.scalar(select(Referral.first_contact_at)) == met
    not_found = OutcomeEntry(VisitStatus.NO_CONTACT, looked_where="Holloway St")
    correct_outcome(
        db, ACTOR, info.visit_id, not_found, "wrong client", now=met + timedelta(hours=2)
    )
    with db.session() as s:
        assert s.scalar(select(Referral.first_contact_at)) is None
    assert _must_reason(db, NEXT_DAY + timedelta(days=1), client_id)[0] is Tier.MUST
