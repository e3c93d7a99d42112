"""Loading what the outcome rules read (`caseload.priority.outcome_rules`): outcomes other than
"completed" since each client's last completed contact, the usual places not tried since, and
visits rescheduled to the day. Three queries whatever the caseload size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from caseload.enums import VisitStatus
from caseload.priority.facts import OutcomeFacts
from caseload.store.models import ClientPlace, Visit

LOOKBACK_DAYS = 90  # outcomes older than this no longer explain anything
_OUTCOMES = (
    VisitStatus.NO_CONTACT.value,
    VisitStatus.REFUSED.value,
    VisitStatus.TRANSPORTED.value,
    VisitStatus.CANCELLED.value,
    VisitStatus.RESCHEDULED.value,
)


@dataclass(frozen=True, slots=True)
class OutcomeHistory:
    outcomes: Mapping[int, tuple[OutcomeFacts, ...]] = field(default_factory=dict)
    untried: Mapping[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    rescheduled_from: Mapping[int, date] = field(default_factory=dict)


def place_label(label: str, description: str, kind: str) -> str:
    return label or description or kind.replace("_", " ")


def load_outcomes(
    conn: Connection,
    on: date,
    now: datetime,
    wanted: Collection[int],
    last_contact: Mapping[int, datetime],
    *,
    client_ids: frozenset[int] | None = None,
) -> OutcomeHistory:
    zone = now.tzinfo
    wanted_set = set(wanted)
    stmt = select(
        Visit.client_id,
        Visit.status,
        Visit.visit_date,
        Visit.ended_at,
        Visit.started_at,
        Visit.recorded_at,
        Visit.looked_where,
        Visit.looked_place_id,
    ).where(
        Visit.status.in_(_OUTCOMES),
        Visit.visit_date <= on,
        Visit.visit_date >= on - timedelta(days=LOOKBACK_DAYS),
    )
    if client_ids is not None and len(client_ids) <= 500:
        stmt = stmt.where(Visit.client_id.in_(sorted(client_ids)))
    rows = [
        r
        for r in conn.execute(stmt.order_by(Visit.visit_date, Visit.id)).all()
        if r[0] in wanted_set
    ]

    places: dict[int, list[tuple[int, str]]] = defaultdict(list)
    with_outcomes = sorted({r[0] for r in rows})
    if with_outcomes:
        ps = select(
            ClientPlace.client_id,
            ClientPlace.id,
            ClientPlace.label,
            ClientPlace.description,
            ClientPlace.kind,
            ClientPlace.lat,
        ).order_by(ClientPlace.is_primary.desc(), ClientPlace.id)
        if len(with_outcomes) <= 500:
            ps = ps.where(ClientPlace.client_id.in_(with_outcomes))
        for cid, pid, label, description, kind, lat in conn.execute(ps).all():
            if cid in wanted_set and lat is not None:
                places[cid].append((pid, place_label(label, description, kind)))

    outcomes: dict[int, list[OutcomeFacts]] = defaultdict(list)
    for cid, status, day, ended, started, recorded, looked, looked_id in rows:
        moment = ended or started or recorded
        if moment is not None and moment > now:
            continue
        # An outcome counts after the last completed contact; without a time, by its day.
        when = moment or datetime.combine(day, time(23, 59), zone).astimezone(UTC)
        contact = last_contact.get(cid)
        if contact is not None and when <= contact:
            continue
        names = dict(places.get(cid, ()))
        where = names.get(looked_id, looked) if looked_id is not None else looked
        outcomes[cid].append(OutcomeFacts(status, day, moment, where, looked_id))

    untried: dict[int, tuple[tuple[int, str], ...]] = {}
    for cid, found in outcomes.items():
        misses = [o for o in found if o.status == VisitStatus.NO_CONTACT.value]
        if not misses:
            continue
        tried_ids = {o.looked_place_id for o in misses}
        tried_text = {o.looked_where.strip().lower() for o in misses}
        untried[cid] = tuple(
            (pid, label)
            for pid, label in places.get(cid, ())
            if pid not in tried_ids and label.strip().lower() not in tried_text
        )

    rescheduled: dict[int, date] = {}
    original = aliased(Visit)
    rs = (
        select(Visit.client_id, original.visit_date)
        .join(original, original.id == Visit.rescheduled_from_id)
        .where(Visit.visit_date == on, Visit.status == VisitStatus.PLANNED.value)
    )
    for cid, day in conn.execute(rs).all():
        if cid in wanted_set:
            rescheduled[cid] = day
    return OutcomeHistory(
        outcomes={k: tuple(v) for k, v in outcomes.items()},
        untried=untried,
        rescheduled_from=rescheduled,
    )
