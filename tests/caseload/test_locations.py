"""Setting a client's location: the check list, a pin by hand (manual, who and when, audited,
undo), accepting a ZIP centre, finding the address again; and what planning does with each
quality (no location: "needs a location"; ZIP centre: only when accepted, then "call ahead")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from caseload import settings
from caseload.actor import Actor, Role, local_actor
from caseload.demo.create import create_demo
from caseload.enums import ConsentState, GeocodeQuality, Tier
from caseload.errors import UserError
from caseload.importing.addresses import import_address_table
from caseload.locations import (
    accept_approximate_location,
    client_location,
    locate_from_address,
    locations_to_check,
    set_client_location,
    undo_location_change,
)
from caseload.planning.candidates import (
    APPROXIMATE_NOT_ACCEPTED,
    CALL_AHEAD,
    NEEDS_LOCATION,
    day_candidates,
)
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, ClientPlace
from tests.data import DURHAM_ADDRESS_POINTS

TODAY = date(2026, 3, 10)
NURSE = Actor("nurse.kim", Role.PROGRAM_MANAGER)


@pytest.fixture
def demo_db(db: Database) -> Database:
    create_demo(db, local_actor(), seed=11, clients=40, today=TODAY)
    return db


def _must_client(db: Database) -> int:
    """A consenting MUST client with a located place (always planned on the demo day)."""
    for cand in day_candidates(db, TODAY, local_actor()):
        if cand.tier is Tier.MUST and cand.consent is ConsentState.GIVEN and cand.location:
            return cand.client_id
    raise AssertionError("the demo day has no plain MUST client")


def _clear_location(db: Database, client_id: int) -> tuple[float, float]:
    with db.session() as session:
        places = session.scalars(select(ClientPlace).where(ClientPlace.client_id == client_id))
        kept = (0.0, 0.0)
        for place in places:
            if place.lat is not None and place.lon is not None:
                kept = (place.lat, place.lon)
            place.lat = place.lon = None
            place.geocode_quality = GeocodeQuality.NONE.value
    return kept


def _plan(db: Database) -> DayPlan:
    return plan_day(db, TODAY, local_actor(), time_limit_s=30.0, solution_limit=20)


def _fate(plan: DayPlan, client_id: int) -> str:
    for route in plan.routes:
        if any(s.client_id == client_id for s in route.stops):
            return "planned"
    return next(u.reason for u in plan.unassigned if u.candidate.client_id == client_id)


def test_a_client_without_location_is_listed_then_pinned_and_planned(demo_db: Database) -> None:
    client_id = _must_client(demo_db)
    lat, lon = _clear_location(demo_db, client_id)
    assert _fate(_plan(demo_db), client_id) == NEEDS_LOCATION
    listed = {c.client_id: c for c in locations_to_check(demo_db, NURSE)}
    assert listed[client_id].check_reason.startswith("No location")

    change = set_client_location(demo_db, NURSE, client_id, lat + 0.001, lon)
    now = client_location(demo_db, client_id, NURSE)
    assert now.location.quality is GeocodeQuality.MANUAL
    assert (now.location.lat, now.location.lon) == (round(lat + 0.001, 6), round(lon, 6))
    assert now.location.located_by == "nurse.kim" and now.location.located_at is not None
    assert client_id not in {c.client_id for c in locations_to_check(demo_db, NURSE)}
    assert _fate(_plan(demo_db), client_id) == "planned"

    undo_location_change(demo_db, NURSE, change)
    assert client_location(demo_db, client_id, NURSE).location.point is None
    with demo_db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == str(client_id))
            .order_by(AuditEntry.id)
        ).all()
        details = session.scalars(
            select(AuditEntry.details).where(AuditEntry.entity_id == str(client_id))
        ).all()
    assert actions[-2:] == ["location set by hand", "location change undone"]
    assert all(f"{lat:.3f}" not in d for d in details)  # no coordinates in the audit log


def test_undo_refuses_when_the_location_changed_since(demo_db: Database) -> None:
    client_id = _must_client(demo_db)
    first = set_client_location(demo_db, NURSE, client_id, 36.0, -78.9)
    set_client_location(demo_db, NURSE, client_id, 36.01, -78.9)
    with pytest.raises(UserError, match="changed again since"):
        undo_location_change(demo_db, NURSE, first)
    assert client_location(demo_db, client_id, NURSE).location.lat == 36.01


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, -181.0)])
def test_coordinates_off_the_earth_are_refused(demo_db: Database, lat: float, lon: float) -> None:
    with pytest.raises(UserError, match=r"latitude -90\.\.90"):
        set_client_location(demo_db, NURSE, _must_client(demo_db), lat, lon)


def test_zip_centre_is_planned_only_when_accepted_and_then_says_call_ahead(
    demo_db: Database,
) -> None:
    client_id = _must_client(demo_db)
    with demo_db.session() as session:
        for place in session.scalars(select(ClientPlace).where(ClientPlace.client_id == client_id)):
            place.geocode_quality = GeocodeQuality.ZIP.value
            place.approximate_accepted = False
    assert _fate(_plan(demo_db), client_id) == APPROXIMATE_NOT_ACCEPTED
    assert "ZIP code" in next(
        c.check_reason for c in locations_to_check(demo_db, NURSE) if c.client_id == client_id
    )

    accept_approximate_location(demo_db, NURSE, client_id)
    plan = _plan(demo_db)
    assert _fate(plan, client_id) == "planned"
    stop = next(s for r in plan.routes for s in r.stops if s.client_id == client_id)
    assert stop.location_text.endswith(f"({CALL_AHEAD})")
    assert client_id not in {c.client_id for c in locations_to_check(demo_db, NURSE)}

    accept_approximate_location(demo_db, NURSE, client_id, accepted=False)
    settings.save(demo_db, ProgramSettings(plan_approximate_locations=True), NURSE)
    assert _fate(_plan(demo_db), client_id) == "planned"


def test_only_a_zip_centre_can_be_accepted(demo_db: Database) -> None:
    with pytest.raises(UserError, match="only an approximate"):
        accept_approximate_location(demo_db, NURSE, _must_client(demo_db))


def test_address_found_again_and_a_move_over_500_m_is_listed(demo_db: Database) -> None:
    import_address_table(demo_db, local_actor(), DURHAM_ADDRESS_POINTS)
    client_id = _must_client(demo_db)
    with demo_db.session() as session:
        client = session.get(Client, client_id)
        assert client is not None
        client.address, client.city, client.zip = "3808 Guess Road", "Durham", "27705"
        place = client.places[0]
        place.imported_lat, place.imported_lon = 36.0, -78.9  # where "the import" put it
    found, change = locate_from_address(demo_db, NURSE, client_id)
    assert found.quality is GeocodeQuality.EXACT and change is not None
    now = client_location(demo_db, client_id, NURSE)
    assert (now.location.lat, now.location.lon) == (36.057967, -78.929029)
    assert now.location.match == "3808 Guess Road, Durham 27705"
    assert now.moved_m is not None and now.moved_m > 500
    assert now.check_reason == "Moved 7.0 km from where the import placed it"
    # A pin placed by hand there is a person's decision: no longer questioned.
    set_client_location(demo_db, NURSE, client_id, 36.057967, -78.929029)
    assert client_id not in {c.client_id for c in locations_to_check(demo_db, NURSE)}
