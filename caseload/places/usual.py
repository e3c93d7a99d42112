"""A client's usual places: the shared places (shelter, camp, day centre…) where they are
usually found, with the times of day they are there and which one is primary.

Linking makes (or updates) a client place that copies the shared place's coordinates and
description (`copy_shared_place`), so planning and the sheet read it like any other place.
Each change is audited with before/after values; the audit names the shared place by id only.
`rounds import usual-places` writes through `link_in` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import PlaceKind, SharedPlaceKind
from caseload.errors import NotFoundError
from caseload.places.hours import parse_times_of_day
from caseload.places.service import copy_shared_place
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, SharedPlace
from caseload.users.permissions import Permission, require
from caseload.users.scope import require_visible_in

# The client place kind a shared place of each kind becomes.
CLIENT_KIND = {
    SharedPlaceKind.SHELTER.value: PlaceKind.SHELTER,
    SharedPlaceKind.CAMP.value: PlaceKind.CAMP,
    SharedPlaceKind.DAY_CENTRE.value: PlaceKind.DAY_CENTRE,
}


@dataclass(frozen=True, slots=True)
class UsualPlace:
    shared_place_id: int
    name: str
    times_of_day: str  # "" = any time
    is_primary: bool


def _linked(session: Session, client_id: int) -> list[ClientPlace]:
    return list(
        session.scalars(
            select(ClientPlace)
            .where(ClientPlace.client_id == client_id, ClientPlace.shared_place_id.is_not(None))
            .order_by(ClientPlace.id)
        )
    )


def usual_places(db: Database, actor: Actor, client_id: int, on: date) -> list[UsualPlace]:
    """The client's usual places, in the order they were linked."""
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        require_visible_in(session, actor, client_id, on)
        names: dict[int, str] = dict(
            session.execute(select(SharedPlace.id, SharedPlace.name)).all()
        )
        return [
            UsualPlace(
                p.shared_place_id or 0,
                names.get(p.shared_place_id or 0, ""),
                p.times_of_day,
                p.is_primary,
            )
            for p in _linked(session, client_id)
        ]


def link_in(
    session: Session,
    actor: Actor,
    client_id: int,
    shared: SharedPlace,
    times: str,
    primary: bool,
    place: ClientPlace | None,
) -> ClientPlace:
    """Make `shared` one of the client's usual places (`place`: the link already there, to
    update) at `times`; `primary` makes it the client's primary place. Audited."""
    before = None if place is None else row_values(place)
    if place is None:
        kind = CLIENT_KIND.get(shared.kind, PlaceKind.OTHER)
        place = ClientPlace(client_id=client_id, kind=kind.value, shared_place_id=shared.id)
        session.add(place)
    copy_shared_place(shared, place)
    place.times_of_day = times.strip()
    if primary:
        for other in session.scalars(select(ClientPlace).where(ClientPlace.client_id == client_id)):
            other.is_primary = False
        place.is_primary = True
    audit.record(
        session,
        actor,
        "client_place.link",
        "client",
        client_id,
        f"linked to shared place {shared.id}; times {times.strip() or 'any'}",
        before=before,
        after=row_values(place),
    )
    return place


def link_usual_place(
    db: Database,
    actor: Actor,
    client_id: int,
    shared_place_id: int,
    times: str = "",
    *,
    primary: bool = False,
) -> None:
    """Link (or update the link of) one shared place as the client's usual place."""
    require(actor, Permission.EDIT_CASELOAD)
    parse_times_of_day(times)  # raises HoursError saying what is expected
    with db.session() as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(f"Client {client_id} does not exist")
        shared = session.get(SharedPlace, shared_place_id)
        if shared is None:
            raise NotFoundError(f"Shared place {shared_place_id} does not exist")
        place = next(
            (p for p in _linked(session, client_id) if p.shared_place_id == shared_place_id), None
        )
        link_in(session, actor, client_id, shared, times, primary, place)


def unlink_usual_place(db: Database, actor: Actor, client_id: int, shared_place_id: int) -> None:
    """The client is no longer usually found at the shared place (its client place goes)."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        place = next(
            (p for p in _linked(session, client_id) if p.shared_place_id == shared_place_id), None
        )
        if place is None:
            raise NotFoundError(
                f"Client {client_id} has no usual place linked to shared place {shared_place_id}"
            )
        audit.record(
            session,
            actor,
            "client_place.unlink",
            "client",
            client_id,
            f"unlinked shared place {shared_place_id}",
            before=row_values(place),
        )
        session.delete(place)
