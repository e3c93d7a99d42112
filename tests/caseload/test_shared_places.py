"""Shared places for unsheltered clients: kept once with opening hours and copied into every
client place that links them (audited); planning picks the place open and usual at the visit's
time, a not-found outcome moves the client to a place not tried yet, and the stop (and so the
printed sheet) names a second place to try."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from caseload.actor import Actor, Role
from caseload.enums import ConsentState, HousingStatus, PlaceKind, StaffRole
from caseload.errors import ConflictError, UserError
from caseload.places.hours import HoursError
from caseload.places.service import (
    SharedPlaceInput,
    edit_shared_place,
    link_client_place,
    list_shared_places,
    save_shared_place,
)
from caseload.planning.build import PlanEdits, build_problem
from caseload.planning.candidates import day_candidates, location_of, second_place_text
from caseload.planning.crews import crews_on_shift
from caseload.planning.sheets import build_crew_sheets
from caseload.planning.translate import to_day_plan
from caseload.planning.versions import save_plan
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, ClientPlace, SharedPlace, Shift, Staff
from routing.schedule import schedule_with_breaks
from routing.solution import Solution, summarize
from tests.caseload.sheets_data import uniform_durations

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 11, 18)  # a Wednesday
MANAGER = Actor("pm.lee", Role.PROGRAM_MANAGER)
SHELTER = SharedPlaceInput(
    "Urban Ministries", "shelter", 35.9960, -78.9020, "front desk, ask for Ray", "daily 18:00-08:00"
)
LIBRARY = SharedPlaceInput(
    "Main Library", "library", 35.9930, -78.8990, "reading room, 2nd floor", "Mon-Sat 09:00-18:00"
)


def _client_with_two_places(db: Database, shift_start: time) -> tuple[int, int, int]:
    """An unsheltered client usually at the shelter in the morning and the library in the
    afternoon, and a paramedic on shift from `shift_start`: (client, shelter place, library
    place) ids."""
    shelter = save_shared_place(db, MANAGER, SHELTER)
    library = save_shared_place(db, MANAGER, LIBRARY)
    with db.session() as s:
        medic = Staff(name="Paula Medic", role=StaffRole.COMMUNITY_PARAMEDIC.value)
        s.add(medic)
        s.flush()
        s.add(
            Shift(
                staff_id=medic.id,
                shift_date=DAY,
                starts_at=datetime.combine(DAY, shift_start, ZONE),
                ends_at=datetime.combine(DAY, time(21, 0), ZONE),
                base_name="Station 1",
                base_lat=35.994,
                base_lon=-78.8986,
            )
        )
        client = Client(
            external_id="U1",
            first_name="Ana",
            last_name="Lopez",
            date_of_birth=date(1970, 5, 1),
            housing_status=HousingStatus.UNSHELTERED.value,
            consent=ConsentState.GIVEN.value,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        # The library is the older (and primary) place: only the time makes the shelter win.
        client.places = [
            ClientPlace(kind=PlaceKind.OTHER.value, is_primary=True),
            ClientPlace(kind=PlaceKind.SHELTER.value),
        ]
        s.add(client)
        s.flush()
        ids = (client.id, client.places[1].id, client.places[0].id)
    link_client_place(db, MANAGER, ids[2], library.id, "afternoon")
    link_client_place(db, MANAGER, ids[1], shelter.id, "morning, evening")
    return ids


def _client(db: Database, client_id: int) -> Client:
    with db.session() as s:
        client = s.get(Client, client_id)
        assert client is not None
        for place in client.places:
            _ = place.shared_place  # loaded while the session is open
        s.expunge_all()
        return client


def test_linking_copies_the_shared_place_and_editing_it_updates_every_client(
    db: Database,
) -> None:
    client_id, shelter_place, _ = _client_with_two_places(db, time(7, 0))
    [info] = [p for p in list_shared_places(db, MANAGER) if p.name == "Urban Ministries"]
    moved = SharedPlaceInput(
        "Urban Ministries",
        "shelter",
        35.9970,
        -78.9030,
        "side door after 20:00",
        "daily 18:00-08:00",
    )
    edit_shared_place(db, MANAGER, info.id, info.version, moved)
    with db.session() as s:
        place = s.get(ClientPlace, shelter_place)
        assert place is not None
        assert (place.lat, place.lon) == (35.9970, -78.9030)
        assert place.description == "side door after 20:00"
        assert place.label == "Urban Ministries"
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("shared_place.add") == 2
    assert actions.count("client_place.link") == 2
    assert "shared_place.edit" in actions
    with pytest.raises(ConflictError):  # read before the edit above
        edit_shared_place(db, MANAGER, info.id, info.version, SHELTER)
    assert client_id


def test_bad_shared_places_are_refused_with_the_field_and_what_is_expected(db: Database) -> None:
    with pytest.raises(UserError, match="kind 'church' is not one of shelter, camp"):
        save_shared_place(db, MANAGER, SharedPlaceInput("St Phillip's", "church", 36.0, -78.9))
    with pytest.raises(UserError, match=r"lat 136\.0 is not between -90 and 90"):
        save_shared_place(db, MANAGER, SharedPlaceInput("Bus station", "bus_station", 136.0, 0))
    with pytest.raises(HoursError, match="'Bus station': opening_hours \"Mo 9-5\": cannot read"):
        save_shared_place(
            db, MANAGER, SharedPlaceInput("Bus station", "bus station", 36.0, -78.9, "", "Mo 9-5")
        )
    with db.session() as s:
        assert s.scalars(select(SharedPlace)).first() is None  # nothing half-saved


def test_the_place_open_and_usual_at_the_visit_time_comes_first(db: Database) -> None:
    client_id, _, _ = _client_with_two_places(db, time(7, 0))
    client = _client(db, client_id)
    morning = datetime.combine(DAY, time(7, 30), ZONE)
    afternoon = datetime.combine(DAY, time(14, 0), ZONE)
    late_evening = datetime.combine(DAY, time(21, 0), ZONE)
    assert location_of(client, at=morning)[1] == (
        "Usual place: Urban Ministries — front desk, ask for Ray"
    )
    assert location_of(client, at=afternoon)[1] == (
        "Usual place: Main Library — reading room, 2nd floor"
    )
    # The library closes at 18:00 and the client is at the shelter in the evening.
    assert location_of(client, at=late_evening)[1].startswith("Usual place: Urban Ministries")
    # Without a time: the primary place, as before.
    assert location_of(client)[1].startswith("Usual place: Main Library")
    assert second_place_text(client, at=morning) == (
        "If not there: Main Library — reading room, 2nd floor"
    )


def test_not_found_moves_the_client_to_a_place_not_tried_yet(db: Database) -> None:
    client_id, _, library_place = _client_with_two_places(db, time(7, 0))
    client = _client(db, client_id)
    morning = datetime.combine(DAY, time(7, 30), ZONE)
    # Not found at the shelter: the library (not tried) leads even though it is closed now.
    where, text = location_of(client, prefer=library_place, at=morning)
    assert text.startswith("Not found last time; try Main Library")
    assert where is not None and (where.lat, where.lon) == (LIBRARY.lat, LIBRARY.lon)
    assert second_place_text(client, prefer=library_place, at=morning) == (
        "If not there: Urban Ministries — front desk, ask for Ray"
    )


def test_the_day_candidate_uses_the_shift_start(db: Database) -> None:
    client_id, _, _ = _client_with_two_places(db, time(13, 0))
    [cand] = [c for c in day_candidates(db, DAY, MANAGER) if c.client_id == client_id]
    assert cand.location_text == (
        "Usual place: Main Library — reading room, 2nd floor. "
        "If not there: Urban Ministries — front desk, ask for Ray"
    )
    assert cand.location is not None and cand.location.lat == LIBRARY.lat


def test_the_printed_stop_has_the_description_and_a_second_place(db: Database) -> None:
    client_id, _, _ = _client_with_two_places(db, time(7, 0))
    [cand] = [c for c in day_candidates(db, DAY, MANAGER) if c.client_id == client_id]
    # The route is timed in a fixed order (routing's scheduler): the sheet is what is tested.
    built = build_problem(DAY, ZONE, crews_on_shift(db, DAY, MANAGER), [cand], uniform_durations)
    problem, ids = built.problem, built.ids
    route = schedule_with_breaks(
        problem, problem.vehicle(ids.vehicle_ids["Paula Medic"]), [ids.job_ids[cand.key]]
    )
    solution = Solution((route,), (), summarize(problem, [route], []))
    plan = to_day_plan(built, solution, PlanEdits(), status="feasible")
    saved = save_plan(db, MANAGER, plan, based_on_version=None)
    assert saved.plan_id is not None
    [sheet] = build_crew_sheets(db, saved.plan_id, MANAGER, phi_minimised=True)
    [stop] = sheet.stops
    assert stop.location_text == (
        "Usual place: Urban Ministries — front desk, ask for Ray. "
        "If not there: Main Library — reading room, 2nd floor"
    )
