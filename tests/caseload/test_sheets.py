"""Route-sheet read models built from a stored plan (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from caseload import settings
from caseload.actor import Actor, Role
from caseload.enums import EventKind
from caseload.errors import NotFoundError
from caseload.planning.sheets import (
    age_on,
    build_crew_sheets,
    crew_sheets,
    initials,
    navigation_url,
)
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Crew, Plan, Shift, UtilizationEvent
from routing.geo import LatLon
from tests.caseload import plan_data
from tests.caseload.sheets_data import BASE, DAY, LEG_S, REASONS, ZONE, make_plan_day

ACTOR = Actor(user_id="pm.jones", role=Role.PROGRAM_MANAGER)


def test_sheets_follow_the_plan_order_with_etas_in_the_program_zone(db: Database) -> None:
    day = make_plan_day(db, crews=2, stops_per_crew=4)
    sheets = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)

    assert [s.crew_name for s in sheets] == ["Medic 1", "Medic 2"]
    for sheet in sheets:
        want = day.crews[sheet.crew_name]
        assert [st.seq for st in sheet.stops] == [1, 2, 3, 4]
        assert [st.client_id for st in sheet.stops] == [w.client_id for w in want]
        assert [st.eta for st in sheet.stops] == [w.arrival for w in want]
        assert all(st.eta is not None and st.eta.tzinfo == ZONE for st in sheet.stops)
        assert [st.client_name for st in sheet.stops] == [w.full_name for w in want]
        assert [st.phone for st in sheet.stops] == [w.phone for w in want]
        assert sheet.members == tuple(day.members[sheet.crew_name])
        assert sheet.plan_version == 3
        assert sheet.printed_by == "pm.jones"
        assert sheet.base == LatLon(*BASE)
        assert sheet.shift_start is not None and sheet.shift_start.hour == 8
        assert sheet.total_stops == 4
        # base -> 4 stops -> base
        assert len(sheet.route) == 6 and sheet.route[0] == sheet.route[-1] == LatLon(*BASE)
        # From the stored solution: route duration and the end step's arrival.
        # From the saved plan: the route's driving time and its return to base.
        assert sheet.driving_s == LEG_S * 5
        last = want[-1]
        assert sheet.finish_at is not None
        assert (sheet.finish_at - last.departure).total_seconds() == LEG_S


def test_unassigned_clients_are_on_no_sheet(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=2)
    sheets = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    names = [st.client_name for s in sheets for st in s.stops]
    assert "Reginald Unplaced" not in names and len(names) == 2


def test_location_is_the_address_or_the_usual_place_with_its_description(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=3)
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    housed, _, unsheltered = sheet.stops
    assert housed.location_text == "100 Elm St, Durham, NC 27701"
    assert unsheltered.location_text == (
        "Usual place: Bridge camp 2 — behind the library, blue tent"
    )
    assert unsheltered.location is not None
    assert unsheltered.navigation_url == (
        f"geo:{unsheltered.location.lat:.6f},{unsheltered.location.lon:.6f}"
    )


def test_window_purpose_age_and_safety_come_from_visit_and_client(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=2)
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    first, fixed = sheet.stops
    assert first.window_start is None and first.window_end is None
    assert fixed.window_start is not None and fixed.window_end is not None
    assert fixed.window_start.tzinfo == ZONE
    assert fixed.safety_notes == "Dog on premises; knock loudly"
    assert first.visit_purpose == "Follow-up visit 0"
    want = day.crews["Medic 1"][0]
    assert first.age == age_on(want.date_of_birth, DAY)


def test_phi_minimised_sheet_has_initials_no_phone_no_age_but_keeps_safety(db: Database) -> None:
    day = make_plan_day(db, crews=2, stops_per_crew=3)
    sheets = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=True)
    text = json.dumps([dataclasses.asdict(s) for s in sheets], default=str)
    for want in (w for stops in day.crews.values() for w in stops):
        assert want.full_name not in text
        assert want.phone not in text
        assert want.date_of_birth.isoformat() not in text
    for sheet in sheets:
        assert sheet.phi_minimised
        for stop, want in zip(sheet.stops, day.crews[sheet.crew_name], strict=True):
            assert stop.client_name == want.initials
            assert stop.age is None and stop.phone == ""
            assert stop.location_text  # the crew still needs to find them
        assert sheet.stops[1].safety_notes == "Dog on premises; knock loudly"


def test_program_setting_chooses_the_default_variant(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=1)
    settings.save(db, ProgramSettings(phi_minimised_sheets=True), ACTOR)
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR)
    assert sheet.phi_minimised and sheet.stops[0].phone == ""
    (full,) = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    assert not full.phi_minimised and full.stops[0].phone


def test_navigation_template_is_configurable(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=1)
    settings.save(
        db, ProgramSettings(navigation_url="https://maps.example.org/?q={lat},{lon}"), ACTOR
    )
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR)
    assert sheet.stops[0].navigation_url.startswith("https://maps.example.org/?q=35.")


def test_building_sheets_is_audited(db: Database) -> None:
    day = make_plan_day(db, crews=1, stops_per_crew=1)
    build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=True)
    with db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "plan.sheets")))
        assert [(e.actor, e.entity_id) for e in entries] == [("pm.jones", str(day.plan_id))]
        assert "phi-minimised" in entries[0].details
        assert s.get(Plan, day.plan_id) is not None


def test_unknown_plan_is_a_user_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match="Plan 999"):
        build_crew_sheets(db, 999, ACTOR)


# --- pure rules -----------------------------------------------------------------------------


@given(st.text(max_size=12), st.text(max_size=12))
def test_initials_reveal_at_most_one_character_of_each_name(first: str, last: str) -> None:
    got = initials(first, last)
    letters = [ch for ch in got if ch not in ". "]
    assert len(letters) <= 2
    for ch in letters:
        assert any(ch in (c, c.upper()) for c in first + last)


def test_initials_examples() -> None:
    assert initials("Ana", "López") == "A. L."
    assert initials("  jean-luc", "o'neil") == "J. O."
    assert initials("", "Smith") == "S."


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)))
def test_age_is_whole_years_before_the_birthday(dob: date) -> None:
    on = date(2026, 11, 20)
    age = age_on(dob, on)
    assert age >= 0
    assert (dob.year + age, dob.month, dob.day) <= (on.year, on.month, on.day)
    assert (dob.year + age + 1, dob.month, dob.day) > (on.year, on.month, on.day)


def test_navigation_url_leaves_other_braces_alone() -> None:
    assert navigation_url("x{lat}/{lon}{zoom}", LatLon(1.5, -2.25)) == "x1.500000/-2.250000{zoom}"


def test_reasons_and_tier_are_as_saved_with_the_plan(db: Database) -> None:
    """The sheet shows why the visit was planned when it was planned: events recorded since
    do not rewrite a saved version."""
    day = make_plan_day(db, crews=1, stops_per_crew=2)
    first = day.crews["Medic 1"][0]
    with db.session() as s:
        s.add(
            UtilizationEvent(
                client_id=first.client_id,
                kind=EventKind.OVERDOSE.value,
                occurred_at=first.arrival - timedelta(hours=30),
            )
        )
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    stop = sheet.stops[0]
    assert stop.reasons == REASONS[:3]
    assert not any("overdose" in r.lower() for r in stop.reasons)
    assert stop.tier == "HIGH"
    assert sheet.stops[1].visit_purpose == "Follow-up visit 1"  # the visit's own purpose


def test_sheet_reads_the_saved_crew_after_the_crews_change(db: Database) -> None:
    """Members, shift and base come from the saved plan, not from today's crew rows."""
    day = make_plan_day(db, crews=1, stops_per_crew=2)
    with db.session() as s:
        for shift in s.scalars(select(Shift)):
            shift.out_sick = True
        for crew in s.scalars(select(Crew)):
            s.delete(crew)
    (sheet,) = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
    assert sheet.crew_name == "Medic 1"
    assert sheet.members == tuple(day.members["Medic 1"])
    assert sheet.base == LatLon(*BASE)


def test_sheets_from_a_plan_on_a_dst_day_keep_its_clock_times() -> None:
    """Pure: the sheet copies the plan's aware times (no clock arithmetic of its own), and a
    first-contact deadline prints when it is due and how late the planned start is."""
    deadline = plan_data.spread(2, due_by=plan_data.at(5, 16))
    plan = plan_data.timed_plan(
        [plan_data.crew("Medic 1", 7, 15)], {"Medic 1": [plan_data.spread(1), deadline]}
    )
    plan = dataclasses.replace(plan, plan_id=5, version_no=2)
    (sheet,) = crew_sheets(plan, {}, ProgramSettings(), ACTOR, phi_minimised=True)
    route = plan.routes[0]
    assert sheet.finish_at == route.returns == plan_data.at(9)  # 07:00 + 3 drives + 2 visits
    assert [s.eta for s in sheet.stops] == [s.start for s in route.stops]
    assert sheet.stops[1].window_start is None
    assert sheet.stops[1].window_end is None
    # 07:00 + drive + visit + drive = 08:05 EDT: 2 h 49 min after 05:16, at the planned start.
    assert sheet.stops[1].deadline == "due 05:16, planned 08:05 (2 h 49 min late)"
    assert route.stops[1].lateness == plan_data.at(8, 5) - plan_data.at(5, 16)
    assert sheet.stops[0].deadline == ""
    # No client record to read: the plan's own name, as initials on a minimised sheet.
    assert sheet.stops[0].client_name == "C. 1."
    assert sheet.driving_s == 3 * plan_data.LEG_S
