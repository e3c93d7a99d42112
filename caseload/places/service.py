"""Adding and editing shared places, and linking a client's usual place to one.

A shared place's coordinates and description are copied into every client place that links
it (in the same unit of work), so every reader of client places — planning, the map, the
not-found rules — sees one truth without a join. Each change is audited: a shared place's
entry names it (a public place); a client's link names the shared place by id only, so the
audit log never says where a patient sleeps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import Values, row_values
from caseload.enums import GeocodeQuality, SharedPlaceKind
from caseload.errors import ConflictError, NotFoundError, UserError
from caseload.places.hours import HoursError, parse_opening_hours, parse_times_of_day
from caseload.store.database import Database
from caseload.store.models import ClientPlace, SharedPlace
from caseload.users.permissions import Permission, require


@dataclass(frozen=True, slots=True)
class SharedPlaceInput:
    """A shared place as entered (form or CSV row)."""

    name: str
    kind: str
    lat: float
    lon: float
    description: str = ""
    opening_hours: str = ""


@dataclass(frozen=True, slots=True)
class SharedPlaceInfo:
    id: int
    version: int
    name: str
    kind: SharedPlaceKind
    lat: float
    lon: float
    description: str
    opening_hours: str


def validate(entry: SharedPlaceInput) -> SharedPlaceInput:
    """The entry cleaned, or a UserError naming the field, the value and what is expected."""
    name = entry.name.strip()
    if not name:
        raise UserError("Shared place: name is empty; expected a name like 'Urban Ministries'")
    kinds = ", ".join(k.value for k in SharedPlaceKind)
    kind = entry.kind.strip().lower().replace(" ", "_")
    if kind not in {k.value for k in SharedPlaceKind}:
        raise UserError(f"Shared place {name!r}: kind {entry.kind!r} is not one of {kinds}")
    if not (math.isfinite(entry.lat) and -90 <= entry.lat <= 90):
        raise UserError(f"Shared place {name!r}: lat {entry.lat} is not between -90 and 90")
    if not (math.isfinite(entry.lon) and -180 <= entry.lon <= 180):
        raise UserError(f"Shared place {name!r}: lon {entry.lon} is not between -180 and 180")
    try:
        parse_opening_hours(entry.opening_hours)
    except HoursError as error:
        raise HoursError(f"Shared place {name!r}: opening_hours {error}") from error
    return SharedPlaceInput(
        name, kind, entry.lat, entry.lon, entry.description.strip(), entry.opening_hours.strip()
    )


def _info(place: SharedPlace) -> SharedPlaceInfo:
    return SharedPlaceInfo(
        place.id,
        place.version,
        place.name,
        SharedPlaceKind(place.kind),
        place.lat,
        place.lon,
        place.description,
        place.opening_hours,
    )


def copy_shared_place(place: SharedPlace, client_place: ClientPlace) -> None:
    client_place.lat, client_place.lon = place.lat, place.lon
    client_place.description = place.description
    client_place.label = client_place.label or place.name
    client_place.geocode_quality = GeocodeQuality.EXACT.value
    client_place.geocode_match = f"shared place: {place.name}"


def list_shared_places(db: Database, actor: Actor) -> list[SharedPlaceInfo]:
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        return [_info(p) for p in session.scalars(select(SharedPlace).order_by(SharedPlace.name))]


def _by_name(session: Session, name: str) -> SharedPlace | None:
    return session.scalars(select(SharedPlace).where(SharedPlace.name == name)).first()


def save_shared_place_in(
    session: Session, actor: Actor, entry: SharedPlaceInput, *, before: Values | None = None
) -> SharedPlace:
    """Add the place, or update the one with the same name (and every client place linking it).
    `before`: the place's values before a rename the caller made (for the audit)."""
    require(actor, Permission.EDIT_CASELOAD)
    entry = validate(entry)
    place = _by_name(session, entry.name)
    action = "shared_place.edit"
    if place is not None and before is None:
        before = row_values(place)
    if place is None:
        place = SharedPlace(name=entry.name)
        session.add(place)
        action = "shared_place.add"
    place.kind, place.lat, place.lon = entry.kind, entry.lat, entry.lon
    place.description, place.opening_hours = entry.description, entry.opening_hours
    session.flush()
    linked = list(
        session.scalars(select(ClientPlace).where(ClientPlace.shared_place_id == place.id))
    )
    for client_place in linked:
        copy_shared_place(place, client_place)
    audit.record(
        session,
        actor,
        action,
        "shared_place",
        place.id,
        f"{place.name}; {len(linked)} linked",
        before=before,
        after=row_values(place),
    )
    return place


def save_shared_place(db: Database, actor: Actor, entry: SharedPlaceInput) -> SharedPlaceInfo:
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        return _info(save_shared_place_in(session, actor, entry))


def edit_shared_place(
    db: Database, actor: Actor, place_id: int, version: int, entry: SharedPlaceInput
) -> SharedPlaceInfo:
    """Change a place read at `version` (a rename included); stale: ConflictError."""
    require(actor, Permission.EDIT_CASELOAD)
    entry = validate(entry)
    with db.session() as session:
        place = session.get(SharedPlace, place_id)
        if place is None:
            raise NotFoundError(f"Shared place {place_id} does not exist")
        if place.version != version:
            raise ConflictError(f"Shared place {place.name!r} was changed by someone else")
        clash = _by_name(session, entry.name)
        if clash is not None and clash.id != place.id:
            raise UserError(f"Shared place name {entry.name!r} is already used")
        before = row_values(place)
        place.name = entry.name
        return _info(save_shared_place_in(session, actor, entry, before=before))


def link_client_place(
    db: Database, actor: Actor, client_place_id: int, shared_place_id: int | None, times: str = ""
) -> None:
    """Make a client's usual place the shared place (None: unlink, keeping the coordinates),
    with the times of day the client is usually there."""
    require(actor, Permission.EDIT_CASELOAD)
    parse_times_of_day(times)  # raises HoursError with what is expected
    with db.session() as session:
        client_place = session.get(ClientPlace, client_place_id)
        if client_place is None:
            raise NotFoundError(f"Client place {client_place_id} does not exist")
        old_values = row_values(client_place)
        client_place.times_of_day = times.strip()
        client_place.shared_place_id = shared_place_id
        detail = "unlinked"
        if shared_place_id is not None:
            shared = session.get(SharedPlace, shared_place_id)
            if shared is None:
                raise NotFoundError(f"Shared place {shared_place_id} does not exist")
            copy_shared_place(shared, client_place)
            detail = f"linked to shared place {shared.id}"
        audit.record(
            session,
            actor,
            "client_place.link",
            "client",
            client_place.client_id,
            f"{detail}; times {times.strip() or 'any'}",
            before=old_values,
            after=row_values(client_place),
        )
