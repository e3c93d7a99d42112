"""Where a client is found, and fixing it: the "Locations to check" list, a pin placed on the
map or typed coordinates (quality `manual`, with who and when), accepting an approximate (ZIP
centre) location, finding the address again in the address table, and undo of each.

Every change is audited in its own unit of work; the audit details hold the quality and the
distance moved, never the coordinates or the address (they would locate a patient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import GeocodeQuality, HousingStatus, PlaceKind
from caseload.errors import NotFoundError, UserError
from caseload.geocoding import GeocodeResult, metres_between, open_geocoder, save_cache
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace
from caseload.users.permissions import Permission, require
from routing.geo import LatLon

MOVED_CHECK_M = 500.0  # moved further than this since the import: listed for checking

_NEW_PLACE = {
    HousingStatus.HOUSED.value: (PlaceKind.HOME, "Home"),
    HousingStatus.SHELTERED.value: (PlaceKind.SHELTER, "Shelter"),
    HousingStatus.UNSHELTERED.value: (PlaceKind.OTHER, "Usual place"),
}


@dataclass(frozen=True, slots=True)
class PlaceLocation:
    """A place's location fields as they were or are: what undo puts back."""

    lat: float | None
    lon: float | None
    quality: GeocodeQuality
    match: str
    located_by: str
    located_at: datetime | None
    approximate_accepted: bool

    @property
    def point(self) -> LatLon | None:
        return None if self.lat is None or self.lon is None else LatLon(self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class LocationChange:
    """One change of a client's location; `undo_location_change` puts `before` back."""

    client_id: int
    place_id: int
    before: PlaceLocation
    after: PlaceLocation
    created_place: bool  # the client had no place: undo removes it again


@dataclass(frozen=True, slots=True)
class ClientLocation:
    """A client's primary place for the check list, the client panel and the pin editor."""

    client_id: int
    external_id: str
    name: str
    address: str
    place_id: int | None
    place_label: str
    location: PlaceLocation
    moved_m: float | None  # from where the import placed it
    check_reason: str  # "" when nothing to check


def _place_location(place: ClientPlace | None) -> PlaceLocation:
    if place is None:
        return PlaceLocation(None, None, GeocodeQuality.NONE, "", "", None, False)
    return PlaceLocation(
        place.lat,
        place.lon,
        GeocodeQuality(place.geocode_quality),
        place.geocode_match,
        place.located_by,
        place.located_at,
        place.approximate_accepted,
    )


def _primary_place(client: Client) -> ClientPlace | None:
    """The place planning routes to when located (`caseload.planning.candidates`), else the
    primary or first place, so fixing it fixes the route."""
    located = [p for p in client.places if p.lat is not None and p.lon is not None]
    pool = located or list(client.places)
    pool.sort(key=lambda p: (not p.is_primary, p.kind != PlaceKind.HOME.value, p.id))
    return pool[0] if pool else None


def _moved_m(place: ClientPlace | None) -> float | None:
    if place is None or None in (place.lat, place.lon, place.imported_lat, place.imported_lon):
        return None
    assert place.lat is not None and place.lon is not None
    assert place.imported_lat is not None and place.imported_lon is not None
    return metres_between(
        LatLon(place.lat, place.lon), LatLon(place.imported_lat, place.imported_lon)
    )


def check_reason(location: PlaceLocation, moved_m: float | None) -> str:
    """Why a location needs a person's look ("" when it does not)."""
    if location.point is None:
        return "No location: not planned until one is set"
    if location.quality is GeocodeQuality.ZIP and not location.approximate_accepted:
        return "Only the centre of its ZIP code: accept it (call ahead) or place the pin"
    if (
        moved_m is not None
        and moved_m > MOVED_CHECK_M
        and location.quality is not GeocodeQuality.MANUAL
    ):
        return f"Moved {moved_m / 1000:.1f} km from where the import placed it"
    return ""


def _client_location(client: Client) -> ClientLocation:
    place = _primary_place(client)
    location = _place_location(place)
    moved = _moved_m(place)
    address = ", ".join(
        x for x in (client.address, client.city, f"{client.state} {client.zip}".strip()) if x
    )
    return ClientLocation(
        client_id=client.id,
        external_id=client.external_id,
        name=f"{client.first_name} {client.last_name}",
        address=address,
        place_id=None if place is None else place.id,
        place_label="" if place is None else (place.label or place.kind.replace("_", " ")),
        location=location,
        moved_m=moved,
        check_reason=check_reason(location, moved),
    )


def client_location(db: Database, client_id: int, actor: Actor) -> ClientLocation:
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        return _client_location(_client(session, client_id))


def locations_to_check(db: Database, actor: Actor) -> list[ClientLocation]:
    """Active clients whose location needs a look: none, only a ZIP centre not yet accepted,
    or moved more than 500 m from where the import placed it (a pin a person placed is not
    questioned). No location first, then ZIP centres, then moves; by name within each."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        clients = session.scalars(
            select(Client).where(Client.active.is_(True)).options(selectinload(Client.places))
        )
        listed = [c for c in map(_client_location, clients) if c.check_reason]
    order = {GeocodeQuality.NONE: 0, GeocodeQuality.ZIP: 1}
    return sorted(listed, key=lambda c: (order.get(c.location.quality, 2), c.name, c.client_id))


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id, options=[selectinload(Client.places)])
    if client is None:
        raise NotFoundError(f"client {client_id} does not exist (it may have been deleted)")
    return client


def _place_for_change(client: Client) -> tuple[ClientPlace, bool]:
    place = _primary_place(client)
    if place is not None:
        return place, False
    kind, label = _NEW_PLACE.get(client.housing_status, (PlaceKind.HOME, "Home"))
    address = ", ".join(x for x in (client.address, client.city, client.zip) if x)
    place = ClientPlace(
        kind=kind.value,
        label=label,
        description=address,
        geocode_quality=GeocodeQuality.NONE.value,
        is_primary=True,
    )
    client.places.append(place)
    return place, True


def _apply(place: ClientPlace, location: PlaceLocation) -> None:
    place.lat, place.lon = location.lat, location.lon
    place.geocode_quality = location.quality.value
    place.geocode_match = location.match[:240]
    place.located_by, place.located_at = location.located_by, location.located_at
    place.approximate_accepted = location.approximate_accepted


def _change(
    db: Database,
    actor: Actor,
    client_id: int,
    action: str,
    new_location: PlaceLocation | None,
    *,
    accept: bool | None = None,
) -> LocationChange:
    with db.session() as session:
        client = _client(session, client_id)
        place, created = _place_for_change(client)
        before = _place_location(None if created else place)
        old_values = None if created else row_values(place)
        after = new_location if new_location is not None else before
        if accept is not None:
            after = PlaceLocation(
                after.lat,
                after.lon,
                after.quality,
                after.match,
                after.located_by,
                after.located_at,
                accept,
            )
        _apply(place, after)
        session.flush()
        moved = (
            ""
            if before.point is None or after.point is None
            else f", moved {metres_between(before.point, after.point):.0f} m"
        )
        audit.record(
            session,
            actor,
            action,
            "client",
            client_id,
            f"place {place.id}: {before.quality.value} -> {after.quality.value}{moved}",
            before=old_values,
            after=row_values(place),
        )
        return LocationChange(client_id, place.id, before, after, created)


def set_client_location(
    db: Database, actor: Actor, client_id: int, lat: float, lon: float
) -> LocationChange:
    """Place the client by hand (a pin on the map, typed coordinates): quality `manual`, with
    who and when. The client is then planned like any other."""
    require(actor, Permission.EDIT_CASELOAD)
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        raise UserError(
            f"coordinates {lat}, {lon} are not a place on Earth; expected latitude -90..90 "
            "and longitude -180..180 (e.g. 35.994, -78.899)"
        )
    manual = PlaceLocation(
        round(lat, 6),
        round(lon, 6),
        GeocodeQuality.MANUAL,
        "placed by hand",
        actor.user_id[:80],
        datetime.now(UTC),
        False,
    )
    return _change(db, actor, client_id, "location set by hand", manual)


def accept_approximate_location(
    db: Database, actor: Actor, client_id: int, accepted: bool = True
) -> LocationChange:
    """The manager's yes (or no) to planning a ZIP-centre location: the stop says call ahead."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        quality = _place_location(_primary_place(_client(session, client_id))).quality
    if accepted and quality is not GeocodeQuality.ZIP:
        raise UserError(
            f"only an approximate (ZIP centre) location can be accepted; this one is {quality}"
        )
    action = "approximate location accepted" if accepted else "approximate location refused"
    return _change(db, actor, client_id, action, None, accept=accepted)


def locate_from_address(
    db: Database, actor: Actor, client_id: int
) -> tuple[GeocodeResult, LocationChange | None]:
    """Find the client's address again (after a new address table, or an address edit). A
    result no better than nothing changes nothing; a pin placed by hand is replaced only
    because the user asked for this."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        client = _client(session, client_id)
        geocoder = open_geocoder(session)
        found = geocoder.geocode(client.address, client.city, client.state, client.zip)
        save_cache(session, geocoder)
    if found.location is None:
        return found, None
    located = PlaceLocation(
        round(found.location.lat, 6),
        round(found.location.lon, 6),
        found.quality,
        found.matched or found.source,
        "",
        None,
        False,
    )
    return found, _change(db, actor, client_id, "location found from address", located)


def undo_location_change(db: Database, actor: Actor, change: LocationChange) -> None:
    """Put back what `change` replaced (and remove a place it created), unless someone changed
    the location since: then nothing is written and the user is told."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        client = _client(session, change.client_id)
        place = next((p for p in client.places if p.id == change.place_id), None)
        if place is None or _place_location(place) != change.after:
            raise UserError(
                "the location was changed again since (by you or someone else); nothing was "
                "undone — reload to see the current location"
            )
        old_values = row_values(place)
        if change.created_place:
            client.places.remove(place)
        else:
            _apply(place, change.before)
        audit.record(
            session,
            actor,
            "location change undone",
            "client",
            change.client_id,
            f"place {change.place_id}: "
            f"{change.after.quality.value} -> {change.before.quality.value}",
            before=old_values,
            after=None if change.created_place else row_values(place),
        )
