"""Merging a duplicate client into the one kept: all or nothing, audited, nothing lost.

Places, enrolments, utilization events, visits and referrals move to the kept client (an
enrolment or event the kept client already has, same program and start or same kind and time, is
the same fact recorded twice and is dropped). Blank contact details of the kept client are filled
from the duplicate, safety notes are joined, a two-person flag is kept if either has it, and a
consent on record wins over none. The duplicate stays in the database, inactive, with status
`merged` and `merged_into_id`, so stored plans that name it still open and the audit trail holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import ClientStatus, ConsentState
from caseload.errors import ConflictError, NotFoundError, UserError
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Enrollment,
    Referral,
    UtilizationEvent,
    Visit,
)
from caseload.users.permissions import Permission, require

_FILLED = ("phone", "address", "city", "state", "zip")


@dataclass(frozen=True, slots=True)
class MergeResult:
    kept_id: int
    merged_id: int
    places: int
    enrollments: int
    events: int
    visits: int
    referrals: int
    dropped_repeats: int  # enrolments/events both clients had


def _client(session: Session, client_id: int, version: int | None) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(f"Client {client_id} does not exist.")
    if version is not None and client.version != version:
        raise ConflictError(
            f"Client {client.external_id} was changed by someone else since you looked; nothing "
            "was merged. Reload and try again."
        )
    if client.status == ClientStatus.MERGED.value:
        raise UserError(f"Client {client.external_id} has already been merged into another.")
    return client


def merge_clients(
    db: Database,
    actor: Actor,
    keep_id: int,
    duplicate_id: int,
    *,
    keep_version: int | None = None,
    duplicate_version: int | None = None,
) -> MergeResult:
    """Fold `duplicate_id` into `keep_id` (see the module docstring)."""
    require(actor, Permission.EDIT_CASELOAD)
    if keep_id == duplicate_id:
        raise UserError("Choose two different clients to merge.")
    with db.session() as session:
        keep = _client(session, keep_id, keep_version)
        dup = _client(session, duplicate_id, duplicate_version)
        old_keep, old_dup = row_values(keep), row_values(dup)
        # The kept client's usual place stays its usual place; without one, the duplicate's is.
        has_primary = session.scalar(
            select(ClientPlace.id).where(
                ClientPlace.client_id == keep.id, ClientPlace.is_primary.is_(True)
            )
        )
        moved = update(ClientPlace).where(ClientPlace.client_id == dup.id)
        values: dict[str, object] = {"client_id": keep.id}
        if has_primary is not None:
            values["is_primary"] = False
        moved_places = _changed(session, moved.values(**values))
        dropped = 0
        kept_enrolments = {
            (e.program_id, e.enrolled_on)
            for e in session.scalars(select(Enrollment).where(Enrollment.client_id == keep.id))
        }
        moved_enrolments = 0
        for e in list(session.scalars(select(Enrollment).where(Enrollment.client_id == dup.id))):
            if (e.program_id, e.enrolled_on) in kept_enrolments:
                session.delete(e)
                dropped += 1
            else:
                e.client_id = keep.id
                moved_enrolments += 1
        kept_events = {
            (kind, at)
            for kind, at in session.execute(
                select(UtilizationEvent.kind, UtilizationEvent.occurred_at).where(
                    UtilizationEvent.client_id == keep.id
                )
            )
        }
        moved_events = 0
        for ev in list(
            session.scalars(select(UtilizationEvent).where(UtilizationEvent.client_id == dup.id))
        ):
            if (ev.kind, ev.occurred_at) in kept_events:
                session.delete(ev)
                dropped += 1
            else:
                ev.client_id = keep.id
                moved_events += 1
        session.flush()
        visits = _changed(
            session, update(Visit).where(Visit.client_id == dup.id).values(client_id=keep.id)
        )
        referrals = _changed(
            session,
            update(Referral).where(Referral.client_id == dup.id).values(client_id=keep.id),
        )
        _fold_details(keep, dup)
        dup.status, dup.active = ClientStatus.MERGED.value, False
        dup.merged_into_id = keep.id
        dup.status_reason = f"merged into {keep.external_id}"
        result = MergeResult(
            keep.id,
            dup.id,
            moved_places,
            moved_enrolments,
            moved_events,
            visits,
            referrals,
            dropped,
        )
        audit.record(
            session,
            actor,
            "client.merge",
            "client",
            keep.id,
            f"merged client {dup.id} ({dup.external_id}): places {result.places}, "
            f"enrolments {result.enrollments}, events {result.events}, visits {result.visits}, "
            f"referrals {result.referrals}, repeats dropped {result.dropped_repeats}",
            at=datetime.now(UTC),
            before=old_keep,
            after=row_values(keep),
        )
        audit.record(
            session,
            actor,
            "client.merged_into",
            "client",
            dup.id,
            f"merged into client {keep.id}",
            before=old_dup,
            after=row_values(dup),
        )
        session.flush()
        return result


def _changed(session: Session, statement: Update) -> int:
    """Run an UPDATE; how many rows it changed."""
    result = session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount)


def _fold_details(keep: Client, dup: Client) -> None:
    for name in _FILLED:
        if not getattr(keep, name) and getattr(dup, name):
            setattr(keep, name, getattr(dup, name))
    if dup.safety_notes and dup.safety_notes not in keep.safety_notes:
        keep.safety_notes = "\n".join(n for n in (keep.safety_notes, dup.safety_notes) if n)
    keep.two_person_visit = keep.two_person_visit or dup.two_person_visit
    keep.needs_peer_support = keep.needs_peer_support or dup.needs_peer_support
    keep.needs_interpreter = keep.needs_interpreter or dup.needs_interpreter
    if keep.consent == ConsentState.NOT_RECORDED.value and dup.consent != keep.consent:
        keep.consent = dup.consent
        keep.consent_on, keep.consent_scope = dup.consent_on, dup.consent_scope
        keep.consent_obtained_by = dup.consent_obtained_by
    if keep.assigned_clinician_id is None:
        keep.assigned_clinician_id = dup.assigned_clinician_id
