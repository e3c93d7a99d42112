"""A day's crews made from the weekly pattern when none are stored; stored days win; pattern
and exception changes remake the days nobody edited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from caseload.enums import ShiftExceptionKind as Kind
from caseload.errors import UserError
from caseload.planning.crew_edits import apply_shift_edits, edit_of
from caseload.planning.crews import crews_on_shift, shifts_on
from caseload.store.database import Database
from caseload.store.models import Shift
from caseload.team.rota import DayException, PatternSlot
from caseload.team.shifts import (
    add_day_shift,
    add_exception,
    exceptions_between,
    remove_exception,
    set_weekly_pattern,
)
from tests.caseload.team.helpers import ACTOR, TUESDAY, make_team

ZONE = ZoneInfo("America/New_York")  # the program's default zone


def _hour(at: datetime | None) -> int:
    assert at is not None
    return at.astimezone(ZONE).hour


def _crews(db: Database, on: date) -> dict[str, str]:
    return {c.name: c.member_names for c in crews_on_shift(db, on, ACTOR)}


def test_a_day_with_nothing_stored_gets_its_crews_from_the_pattern(db: Database) -> None:
    make_team(db)
    crews = crews_on_shift(db, TUESDAY, ACTOR)
    by_name = {c.name: c for c in crews}
    assert set(by_name) == {"Medic 1", "Chris Dunn"}  # the manager is not routed
    medic1 = by_name["Medic 1"]
    assert medic1.member_names == "Ana Reyes + Dee Jackson"  # the clinician leads
    assert medic1.vehicle == "CP-1"
    assert {"paramedic", "peer_support", "naloxone", "two_person"} <= medic1.skills
    assert _hour(medic1.starts_at) == 7 and _hour(medic1.ends_at) == 15
    assert medic1.base is not None and medic1.break_minutes == 30
    assert _hour(medic1.break_earliest) == 10
    assert _hour(by_name["Chris Dunn"].ends_at) == 23
    assert "paramedic" not in by_name["Chris Dunn"].skills
    # A Friday: the EMT's pattern has no Friday.
    assert set(_crews(db, TUESDAY + timedelta(days=3))) == {"Medic 1"}
    assert _crews(db, TUESDAY + timedelta(days=5)) == {}  # Sunday: nobody


def test_an_expired_licence_on_the_day_removes_the_skill_from_the_crew(db: Database) -> None:
    make_team(db)
    later = date(2027, 7, 6)  # a Tuesday after Ana's Community Paramedic expiry
    medic1 = next(c for c in crews_on_shift(db, later, ACTOR) if c.name == "Medic 1")
    assert "paramedic" not in medic1.skills
    assert "naloxone" in medic1.skills  # no expiry


def test_edits_in_the_crew_editor_win_over_the_pattern(db: Database) -> None:
    team = make_team(db)
    loaded = shifts_on(db, TUESDAY, ACTOR)
    edits = [edit_of(s) for s in loaded]
    edits = [replace(e, crew_name="") if e.staff_id == team.peer else e for e in edits]
    apply_shift_edits(db, ACTOR, TUESDAY, loaded, edits)
    # A new pattern for the peer does not touch the edited day, but remakes the next one.
    set_weekly_pattern(
        db,
        ACTOR,
        team.peer,
        [PatternSlot(team.peer, d, 9 * 60, 17 * 60, 30, "Peer 1") for d in range(5)],
        TUESDAY,
    )
    assert set(_crews(db, TUESDAY)) == {"Medic 1", "Dee Jackson", "Chris Dunn"}
    wednesday = _crews(db, TUESDAY + timedelta(days=1))
    assert wednesday["Medic 1"] == "Ana Reyes" and wednesday["Peer 1"] == "Dee Jackson"


def test_a_pattern_change_remakes_an_untouched_day_already_made(db: Database) -> None:
    team = make_team(db)
    assert "Chris Dunn" in _crews(db, TUESDAY)
    set_weekly_pattern(db, ACTOR, team.emt, [], TUESDAY)
    assert "Chris Dunn" not in _crews(db, TUESDAY)


def test_sick_leave_swap_and_extra_shape_the_day(db: Database) -> None:
    team = make_team(db)
    assert "Chris Dunn" in _crews(db, TUESDAY)  # the day is made ...
    sick = add_exception(db, ACTOR, DayException(team.peer, TUESDAY, Kind.SICK))
    assert _crews(db, TUESDAY)["Medic 1"] == "Ana Reyes"  # ... and remade without her
    sick_row = next(s for s in shifts_on(db, TUESDAY, ACTOR) if s.staff_id == team.peer)
    assert sick_row.out_sick
    remove_exception(db, ACTOR, sick)
    assert _crews(db, TUESDAY)["Medic 1"] == "Ana Reyes + Dee Jackson"

    wed = TUESDAY + timedelta(days=1)
    add_exception(db, ACTOR, DayException(team.medic, wed, Kind.SWAP, swap_with_id=team.emt))
    assert _crews(db, wed) == {"Medic 1": "Chris Dunn + Dee Jackson"}  # the EMT leads

    sunday = TUESDAY + timedelta(days=5)
    extra = DayException(team.emt, sunday, Kind.EXTRA, 8 * 60, 16 * 60, 30, "Medic 9", "CP-9")
    add_exception(db, ACTOR, extra)
    crews = crews_on_shift(db, sunday, ACTOR)
    assert [(c.name, c.vehicle, _hour(c.starts_at)) for c in crews] == [("Medic 9", "CP-9", 8)]
    listed = exceptions_between(db, ACTOR, TUESDAY, sunday)
    assert [e.exception.kind for e in listed] == [Kind.SWAP, Kind.EXTRA]
    assert listed[0].swap_with_name == "Chris Dunn"


def test_exceptions_are_checked(db: Database) -> None:
    team = make_team(db)
    sunday = TUESDAY + timedelta(days=5)
    with pytest.raises(UserError, match="no shift to swap"):
        add_exception(db, ACTOR, DayException(team.medic, sunday, Kind.SWAP, swap_with_id=team.emt))
    with pytest.raises(UserError, match="start and an end"):
        add_exception(db, ACTOR, DayException(team.emt, sunday, Kind.EXTRA))
    add_exception(db, ACTOR, DayException(team.emt, sunday, Kind.LEAVE))
    with pytest.raises(UserError, match="already an exception"):
        add_exception(db, ACTOR, DayException(team.emt, sunday, Kind.SICK))


def test_weekly_patterns_are_checked(db: Database) -> None:
    team = make_team(db)
    bad = [PatternSlot(team.emt, 0, 15 * 60, 14 * 60), PatternSlot(team.emt, 1, 0, 60, 90)]
    with pytest.raises(UserError) as raised:
        set_weekly_pattern(db, ACTOR, team.emt, bad, TUESDAY)
    assert "Mon: A shift must end after it starts (15:00–14:00)" in str(raised.value)
    assert "Tue: The break must be shorter" in str(raised.value)
    three = [PatternSlot(team.emt, 0, 7 * 60, 15 * 60, 30, "Medic 1")]
    with pytest.raises(UserError, match="Crew 'Medic 1' on Mon has 3 people"):
        set_weekly_pattern(db, ACTOR, team.emt, three, TUESDAY)


def test_someone_who_is_off_can_be_put_on_shift_for_the_day(db: Database) -> None:
    team = make_team(db)
    friday = TUESDAY + timedelta(days=3)
    assert "Chris Dunn" not in _crews(db, friday)
    add_day_shift(db, ACTOR, friday, team.emt, 10 * 60, 18 * 60)
    crews = _crews(db, friday)
    assert crews["Chris Dunn"] == "Chris Dunn" and "Medic 1" in crews
    with pytest.raises(UserError, match="already on shift"):
        add_day_shift(db, ACTOR, friday, team.emt, 10 * 60, 18 * 60)
    with db.session() as session:
        count = session.scalar(select(func.count()).where(Shift.shift_date == friday))
    assert count == 3


def test_rebalancing_counts_shift_hours_from_the_weekly_pattern(db: Database) -> None:
    from caseload.rebalance.snapshot import load_snapshot

    make_team(db)
    snapshot = load_snapshot(db, ACTOR, today=TUESDAY)
    ana = next(c for c in snapshot.clinicians if c.name == "Ana Reyes")
    assert ana.capacity_source == "shifts"
    # Mon-Fri 07:00-15:00 with a 30-minute break, 37.5 h a week, shared with her crew mate.
    assert ana.shift_hours_per_week == pytest.approx(37.5 / 2)
    assert {"paramedic", "naloxone"} <= ana.skills


def test_a_day_with_a_saved_plan_keeps_its_crews_and_takes_sick_days(db: Database) -> None:
    from caseload.store.models import Plan

    team = make_team(db)
    assert "Chris Dunn" in _crews(db, TUESDAY)
    with db.session() as session:
        session.add(
            Plan(
                plan_date=TUESDAY,
                version_no=1,
                created_at=datetime(2026, 12, 7, tzinfo=ZONE),
                created_by="test",
                problem_json="{}",
                solution_json="{}",
            )
        )
    set_weekly_pattern(db, ACTOR, team.emt, [], TUESDAY)
    assert "Chris Dunn" in _crews(db, TUESDAY)  # planned: kept
    assert "Chris Dunn" not in _crews(db, TUESDAY + timedelta(days=1))  # not planned: remade
    add_exception(db, ACTOR, DayException(team.peer, TUESDAY, Kind.SICK))
    assert _crews(db, TUESDAY)["Medic 1"] == "Ana Reyes"
    with pytest.raises(UserError, match="already set"):
        add_exception(
            db, ACTOR, DayException(team.medic, TUESDAY, Kind.SWAP, swap_with_id=team.emt)
        )
