"""Whether an outcome entry makes sense for its visit: one plain-words `UserError` per mistake."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta, tzinfo

from caseload.enums import VisitStatus
from caseload.errors import UserError
from caseload.outcomes.model import MET_CLIENT, OUTCOMES, OutcomeEntry, outcome_label

MAX_VISIT = timedelta(hours=12)
CLOCK_SLACK = timedelta(minutes=10)  # a phone clock that runs a little fast


def check_entry(
    entry: OutcomeEntry,
    visit_date: date,
    zone: tzinfo,
    now: datetime,
    place_ids: Collection[int],
) -> None:
    """Raise `UserError` naming the field when `entry` cannot be stored for a visit on
    `visit_date` (times in the program's `zone`, none after `now`)."""
    status = entry.status
    what = outcome_label(status) if status in OUTCOMES else status.value
    if status not in OUTCOMES:
        raise UserError(
            "Outcome: expected one of " + ", ".join(outcome_label(o) for o in OUTCOMES) + "."
        )
    for name, moment in (("Start time", entry.started_at), ("End time", entry.ended_at)):
        if moment is None:
            continue
        if moment.tzinfo is None:
            raise ValueError(f"{name}: naive datetime {moment!r}")
        if moment > now + CLOCK_SLACK:
            raise UserError(f"{name} {moment.astimezone(zone):%H:%M}: is in the future.")
    if status is VisitStatus.COMPLETED and (entry.started_at is None or entry.ended_at is None):
        raise UserError("A completed visit needs its start and end times.")
    if entry.started_at is not None:
        local = entry.started_at.astimezone(zone).date()
        if local != visit_date:
            raise UserError(
                f"Start time: got {local:%a %d %b}, expected a time on the visit's day "
                f"({visit_date:%a %d %b})."
            )
    if entry.started_at is not None and entry.ended_at is not None:
        if entry.ended_at < entry.started_at:
            raise UserError(
                f"End time {entry.ended_at.astimezone(zone):%H:%M}: expected a time after the "
                f"start ({entry.started_at.astimezone(zone):%H:%M})."
            )
        if entry.ended_at - entry.started_at > MAX_VISIT:
            raise UserError("End time: expected a visit shorter than 12 hours.")
    if (
        status is VisitStatus.NO_CONTACT
        and entry.looked_place_id is None
        and not entry.looked_where.strip()
    ):
        raise UserError(
            "Where we looked: a client not found needs the place the crew looked "
            "(one of the client's usual places, or a few words)."
        )
    if entry.looked_place_id is not None and entry.looked_place_id not in place_ids:
        raise UserError("Where we looked: expected one of this client's places.")
    if len(entry.looked_where) > 200:
        raise UserError("Where we looked: expected at most 200 characters.")
    if entry.checklist and status not in MET_CLIENT:
        raise UserError(
            f"Checklist: nothing can be ticked for '{what}'; the checklist is for a visit where "
            "the crew met the client."
        )
    if status is VisitStatus.RESCHEDULED:
        if entry.rescheduled_to is None or entry.rescheduled_to <= visit_date:
            raise UserError(
                f"Rescheduled to: expected a day after {visit_date:%a %d %b}"
                + ("" if entry.rescheduled_to is None else f", got {entry.rescheduled_to}")
                + "."
            )
    elif entry.rescheduled_to is not None:
        raise UserError(f"Rescheduled to: only a rescheduled visit has a new day, not '{what}'.")
    if len(entry.note) > 2000:
        raise UserError("Note: expected at most 2000 characters (a short note).")
