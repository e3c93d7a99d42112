"""A client's usual places set one at a time (the Location tab's service): link a shared place
with times of day, make it primary, update it, unlink it — each audited with before/after; the
linked place is where planning looks for the client; a paramedic cannot change them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from caseload.actor import Actor, Role
from caseload.enums import ConsentState, HousingStatus
from caseload.errors import NotFoundError
from caseload.places.hours import HoursError
from caseload.places.service import SharedPlaceInput, save_shared_place
from caseload.places.usual import UsualPlace, link_usual_place, unlink_usual_place, usual_places
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, ClientPlace
from caseload.users.permissions import PermissionDenied

MANAGER = Actor("pm.lee", Role.PROGRAM_MANAGER)
MEDIC = Actor("medic.ray", Role.PARAMEDIC, staff_id=999)
DAY = date(2026, 11, 18)


def _client(db: Database) -> int:
    with db.session() as s:
        client = Client(
            external_id="U1",
            first_name="Ana",
            last_name="Lopez",
            date_of_birth=date(1970, 5, 1),
            housing_status=HousingStatus.UNSHELTERED.value,
            consent=ConsentState.GIVEN.value,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        s.add(client)
        s.flush()
        return client.id


def test_link_update_primary_and_unlink(db: Database) -> None:
    client_id = _client(db)
    shelter = save_shared_place(
        db, MANAGER, SharedPlaceInput("Urban Ministries", "shelter", 35.996, -78.902, "front desk")
    )
    library = save_shared_place(
        db, MANAGER, SharedPlaceInput("Main Library", "library", 35.993, -78.899, "2nd floor")
    )
    link_usual_place(db, MANAGER, client_id, shelter.id, "morning, evening")
    link_usual_place(db, MANAGER, client_id, library.id, "afternoon", primary=True)
    assert usual_places(db, MANAGER, client_id, DAY) == [
        UsualPlace(shelter.id, "Urban Ministries", "morning, evening", False),
        UsualPlace(library.id, "Main Library", "afternoon", True),
    ]
    with db.session() as s:
        places = {p.shared_place_id: p for p in s.scalars(select(ClientPlace))}
        assert (places[shelter.id].lat, places[shelter.id].lon) == (35.996, -78.902)
        assert places[shelter.id].kind == "shelter" and places[library.id].kind == "other"
        assert places[library.id].description == "2nd floor"

    # Linking again updates the same place (no second copy); primary moves to it.
    link_usual_place(db, MANAGER, client_id, shelter.id, "07:00-09:00", primary=True)
    assert usual_places(db, MANAGER, client_id, DAY) == [
        UsualPlace(shelter.id, "Urban Ministries", "07:00-09:00", True),
        UsualPlace(library.id, "Main Library", "afternoon", False),
    ]
    unlink_usual_place(db, MANAGER, client_id, library.id)
    assert [u.name for u in usual_places(db, MANAGER, client_id, DAY)] == ["Urban Ministries"]

    with db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.client_id == client_id)))
    actions = [e.action for e in entries]
    assert actions.count("client_place.link") == 3 and actions[-1] == "client_place.unlink"
    update = json.loads(entries[2].changes or "{}")
    assert "times_of_day" in json.dumps(update) and "07:00-09:00" in json.dumps(update)
    assert all("Lopez" not in e.details and "Ana" not in e.details for e in entries)


def test_bad_times_unknown_places_and_a_paramedic_change_nothing(db: Database) -> None:
    client_id = _client(db)
    shelter = save_shared_place(
        db, MANAGER, SharedPlaceInput("Urban Ministries", "shelter", 35.996, -78.902)
    )
    with pytest.raises(HoursError, match="morning, afternoon"):
        link_usual_place(db, MANAGER, client_id, shelter.id, "breakfast time")
    with pytest.raises(NotFoundError):
        link_usual_place(db, MANAGER, client_id, shelter.id + 100)
    with pytest.raises(NotFoundError):
        unlink_usual_place(db, MANAGER, client_id, shelter.id)
    with pytest.raises(PermissionDenied):
        link_usual_place(db, MEDIC, client_id, shelter.id, "morning")
    assert usual_places(db, MANAGER, client_id, DAY) == []
