"""Candidate visits for a day: every active client, ranked, with where, how long and who can go.

MUST and HIGH clients are pre-selected; the program manager adds or removes any. Planned visits
on the day (fixed appointments) bring their windows and visit ids along. A client's needs are
required skills (peer support, two people for safety, a speaker of their language when they need
an interpreter); a client without consent on record is visited only to obtain it, and one who
declined is never routed (`caseload.planning.service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from caseload import settings
from caseload.actor import Actor
from caseload.clinical import enrollment_active_on
from caseload.enums import (
    ConsentState,
    GeocodeQuality,
    HousingStatus,
    PlaceKind,
    Skill,
    Tier,
    VisitStatus,
    VisitType,
)
from caseload.languages import skill_for_language
from caseload.places.hours import HoursError, parse_opening_hours, parse_times_of_day
from caseload.planning.crews import CrewInfo
from caseload.priority.facts import ClientPriority, TimedLabel
from caseload.priority.service import rank_caseload
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, Enrollment, Program, Shift, Staff, Visit
from caseload.users.permissions import Permission, require
from routing.geo import LatLon

# Which skill a visit of each type needs beyond a clinician (program-level skills also apply).
VISIT_TYPE_SKILLS: dict[str, frozenset[str]] = {
    VisitType.VACCINATION.value: frozenset({Skill.VACCINE.value}),
    VisitType.OVERDOSE_FOLLOW_UP.value: frozenset({Skill.NALOXONE.value}),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One client who could be visited on the day, with everything routing needs."""

    key: str  # stable within the day: "c<client id>"
    client_id: int
    visit_id: int | None
    name: str
    tier: Tier
    score: float
    priority: int  # 0..100 for routing; 100 = MUST
    purpose: str
    visit_type: str
    reasons: tuple[str, ...]
    location: LatLon | None
    location_text: str
    service_min: int
    windows: tuple[tuple[datetime, datetime], ...]  # hard: appointments and booked slots
    required_skills: frozenset[str]
    consent: ConsentState
    assigned_clinician_id: int | None
    assigned_clinician: str
    due_by: datetime | None  # first contact due: a soft deadline (late is allowed, at a cost)
    selected: bool  # MUST or HIGH: the tiers the day's suggestion draws from
    # Per reason, its time-dependent wording (None: the label reads the same all day).
    timed: tuple[TimedLabel | None, ...] = ()

    def reasons_at(self, when: datetime) -> tuple[str, ...]:
        """The reasons as read at `when` (a planned visit's start, not the start of the day)."""
        if not self.timed:
            return self.reasons
        return tuple(
            r if t is None else t.at(when) for r, t in zip(self.reasons, self.timed, strict=True)
        )

    # Why the location cannot be routed as it is ("" when it can): see `location_check`.
    location_check: str = ""


def routing_priority(tier: Tier, score: float, top_score: float) -> int:
    """MUST is 100; HIGH spans 55..95 and ROUTINE 5..50 by score, so more urgent wins."""
    if tier is Tier.MUST:
        return 100
    share = 0.0 if top_score <= 0 else max(0.0, min(1.0, score / top_score))
    if tier is Tier.HIGH:
        return 55 + round(40 * share)
    return 5 + round(45 * share)


def usual_at(place: ClientPlace, at: datetime) -> bool:
    """Whether the client is likely at `place` at `at`: within its times of day and, for a
    shared place, while it is open (unknown hours or times count as a yes). Values that no
    longer parse count as a yes too: planning never drops a place over a typo."""
    try:
        if not parse_times_of_day(place.times_of_day).covers(at.timetz()):
            return False
        shared = place.shared_place
        return shared is None or parse_opening_hours(shared.opening_hours).open_at(at)
    except HoursError:
        return True


def _ranked_places(
    client: Client, prefer: int | None = None, at: datetime | None = None
) -> list[ClientPlace]:
    """The client's places with coordinates, most likely first: `prefer` (a usual place not
    tried since the client was last not found), then one open and usual at `at` (the visit's
    time), then the primary one, then a home, then the oldest."""
    places = [p for p in client.places if p.lat is not None and p.lon is not None]
    places.sort(
        key=lambda p: (
            p.id != prefer,
            at is not None and not usual_at(p, at),
            not p.is_primary,
            p.kind != PlaceKind.HOME.value,
            p.id,
        )
    )
    return places


def _place_for(
    client: Client, prefer: int | None = None, at: datetime | None = None
) -> ClientPlace | None:
    """The place the planner routes to (see `_ranked_places`)."""
    places = _ranked_places(client, prefer, at)
    return places[0] if places else None


def _label(place: ClientPlace) -> str:
    return place.label or place.kind.replace("_", " ")


def second_place_text(client: Client, prefer: int | None = None, at: datetime | None = None) -> str:
    """'If not there: <label> — <description>' for an unsheltered or sheltered client with a
    second usual place; "" otherwise (a housed client is looked for at home)."""
    if client.housing_status == HousingStatus.HOUSED.value:
        return ""
    places = _ranked_places(client, prefer, at)
    if len(places) < 2:
        return ""
    second = places[1]
    text = f"If not there: {_label(second)}"
    return f"{text} — {second.description}" if second.description else text


def location_of(
    client: Client, prefer: int | None = None, at: datetime | None = None
) -> tuple[LatLon | None, str]:
    """Where to find the client and how to describe it: the street address for housed clients,
    the usual place with its description otherwise (the most likely one at `at`, the visit's
    time, when given). The one choice every reader shows. After "not found", `prefer` names a
    usual place not tried yet: the crew goes there instead."""
    place = _place_for(client, prefer, at)
    if prefer is not None and place is not None and place.id == prefer:
        text = f"Not found last time; try {_label(place)}"
        if place.description:
            text += f" — {place.description}"
        return LatLon(place.lat or 0.0, place.lon or 0.0), text
    where = (
        LatLon(place.lat, place.lon)
        if place is not None and place.lat is not None and place.lon is not None
        else None
    )
    address = ", ".join(
        x for x in (client.address, client.city, f"{client.state} {client.zip}".strip()) if x
    )
    if client.housing_status == HousingStatus.HOUSED.value and address:
        return where, address
    if place is not None:
        text = f"Usual place: {_label(place)}"
        if place.description:
            text += f" — {place.description}"
        return where, text
    return where, address or "No location on file"


NEEDS_LOCATION = (
    "Needs a location: no coordinates on file — pin the client on the map or type the "
    "coordinates in the client panel."
)
APPROXIMATE_NOT_ACCEPTED = (
    "Needs a location check: only the centre of its ZIP code is known — accept it as "
    "approximate in Locations to check, or pin the client on the map."
)
CALL_AHEAD = "approximate location — call ahead"


def location_check(
    client: Client,
    program_settings: ProgramSettings,
    prefer: int | None = None,
    at: datetime | None = None,
) -> tuple[str, str]:
    """(note for the stop, reason it cannot be routed): a ZIP-centre location is routed only
    when the manager accepted it (for this client, or in the settings for every client), and
    then the stop says to call ahead; no coordinates at all is never routed. (Coordinates
    stored without a quality, as older code wrote them, are routed as they are.)"""
    place = _place_for(client, prefer, at)  # only places with coordinates
    if place is None:
        return "", NEEDS_LOCATION
    if GeocodeQuality(place.geocode_quality) is GeocodeQuality.ZIP:
        if place.approximate_accepted or program_settings.plan_approximate_locations:
            return CALL_AHEAD, ""
        return "", APPROXIMATE_NOT_ACCEPTED
    return "", ""


def _required_skills(client: Client, visit_type: str, programs: list[Program]) -> frozenset[str]:
    skills = set(VISIT_TYPE_SKILLS.get(visit_type, frozenset()))
    for program in programs:
        if program.required_skills and (
            (visit_type == VisitType.VACCINATION.value and program.code == "homebound_vaccine")
            or (
                visit_type == VisitType.OVERDOSE_FOLLOW_UP.value
                and program.code == "overdose_followup"
            )
        ):
            skills |= {s for s in program.required_skills.split(",") if s}
    if client.needs_interpreter and (language_skill := skill_for_language(client.language)):
        skills.add(language_skill)
    if client.needs_peer_support:
        skills.add(Skill.PEER_SUPPORT.value)
    if any(not program.peer_support_allowed for program in programs):
        # A clinical program's client: a peer-support specialist alone may not carry the visit.
        skills.add(Skill.CLINICIAN.value)
    if client.two_person_visit:
        skills.add(Skill.TWO_PERSON.value)
    return frozenset(skills)


OBTAIN_CONSENT = "Obtain consent — "


def _purpose(consent: ConsentState, purpose: str) -> str:
    """Without consent on record the visit is a first contact to obtain it, and says so."""
    return OBTAIN_CONSENT + purpose if consent is ConsentState.NOT_RECORDED else purpose


DEFAULT_VISIT_TIME = time(9, 0)  # when nobody's shift is known for the day


def _shift_starts(
    session: Session, on: date, program_settings: ProgramSettings
) -> tuple[dict[int, datetime], datetime]:
    """Each staff member's shift start on `on`, and the day's first (09:00 when none): the
    time a visit is likely made, for choosing where an unsheltered client will be."""
    rows = session.execute(
        select(Shift.staff_id, Shift.starts_at).where(
            Shift.shift_date == on, Shift.out_sick.is_(False)
        )
    ).all()
    zone = program_settings.zone
    default = datetime.combine(on, DEFAULT_VISIT_TIME, zone)
    local = {staff_id: start.astimezone(zone) for staff_id, start in rows}
    return local, min(local.values(), default=default)


def _candidates_in(
    session: Session, on: date, ranked: list[ClientPriority], program_settings: ProgramSettings
) -> list[Candidate]:
    ids = [p.client_id for p in ranked]
    clients = {
        c.id: c
        for c in session.scalars(
            select(Client)
            .where(Client.id.in_(ids))
            .options(
                selectinload(Client.places).selectinload(ClientPlace.shared_place),
                selectinload(Client.enrollments).selectinload(Enrollment.program),
            )
        )
    }
    visits: dict[int, Visit] = {}
    for planned in session.scalars(
        select(Visit)
        .where(Visit.visit_date == on, Visit.status == VisitStatus.PLANNED.value)
        .order_by(Visit.id)
    ):
        visits.setdefault(planned.client_id, planned)
    staff_names = dict(session.execute(select(Staff.id, Staff.name)).all())
    starts, first_start = _shift_starts(session, on, program_settings)
    top = max((p.score for p in ranked if p.tier is not Tier.MUST), default=0.0)
    result: list[Candidate] = []
    for prio in ranked:
        client = clients.get(prio.client_id)
        if client is None:
            continue
        # When the visit is likely made: its appointment, else the clinician's shift start.
        at = (
            prio.appointment[0].astimezone(program_settings.zone)
            if prio.appointment is not None
            else starts.get(client.assigned_clinician_id or -1, first_start)
        )
        prefer = prio.suggested_place_id
        location, location_text = location_of(client, prefer, at)
        note, check = location_check(client, program_settings, prefer, at)
        if note:
            location_text = f"{location_text} ({note})"
        if second := second_place_text(client, prefer, at):
            location_text = f"{location_text}. {second}"
        programs = [
            e.program
            for e in client.enrollments
            if enrollment_active_on(on, e.enrolled_on, e.ended_on, e.program.duration_weeks)
        ]
        visit = visits.get(client.id)
        visit_type = prio.visit_type.value if visit is None else visit.visit_type
        windows: tuple[tuple[datetime, datetime], ...] = ()
        if prio.appointment is not None:
            windows = (prio.appointment,)
        elif visit is not None and visit.window_start and visit.window_end:
            windows = ((visit.window_start, visit.window_end),)
        minutes = max(
            [p.visit_minutes for p in programs]
            + ([visit.duration_min] if visit is not None else [])
            + [program_settings.default_visit_minutes if not programs and visit is None else 0]
        )
        skills = _required_skills(client, visit_type, programs)
        if visit is not None and visit.required_skills:
            skills |= {s for s in visit.required_skills.split(",") if s}
        consent = ConsentState(client.consent)
        result.append(
            Candidate(
                key=f"c{client.id}",
                client_id=client.id,
                visit_id=visit.id if visit is not None else None,
                name=prio.name,
                tier=prio.tier,
                score=prio.score,
                priority=routing_priority(prio.tier, prio.score, top),
                purpose=_purpose(
                    consent,
                    visit.purpose if visit is not None and visit.purpose else prio.purpose,
                ),
                visit_type=visit_type,
                reasons=tuple(r.label for r in prio.reasons),
                location=location,
                location_text=location_text,
                service_min=minutes,
                windows=windows,
                required_skills=frozenset(skills),
                consent=consent,
                assigned_clinician_id=client.assigned_clinician_id,
                assigned_clinician=staff_names.get(client.assigned_clinician_id or -1, ""),
                due_by=prio.due_by,
                selected=prio.tier in (Tier.MUST, Tier.HIGH),
                timed=tuple(r.timed for r in prio.reasons),
                location_check=check,
            )
        )
    return result


def day_candidates(
    db: Database, on: date, actor: Actor, *, now: datetime | None = None
) -> list[Candidate]:
    """Every active client as a candidate for `on`, most urgent first (ranked as of `now`:
    by default now on the day itself, else 07:00)."""
    require(actor, Permission.PLAN)
    ranked = rank_caseload(db, on, actor, now=now)
    program_settings = settings.load(db, ProgramSettings)
    with db.session() as session:
        return _candidates_in(session, on, ranked, program_settings)


TRAVEL_ALLOWANCE_MIN = 15  # rough drive between two visits, for the pre-selection estimate


def preselect(candidates: Sequence[Candidate], crews: Sequence[CrewInfo]) -> set[str]:
    """The visits suggested for the day: every MUST, then HIGH in rank order while the time of
    a crew able to do the visit lasts (visit length plus a drive each), so the list is one the
    crews can do: a HIGH visit needing the one Spanish-speaking crew does not take time from an
    evening crew that could serve others. A MUST or HIGH client who declined consent is chosen
    at no cost: the plan lists them as not planned, with the reason, rather than leaving them
    out unseen."""
    left = {
        crew.name: (crew.ends_at - crew.starts_at).total_seconds() / 60 - crew.break_minutes
        for crew in crews
    }
    chosen: set[str] = set()
    for cand in candidates:
        if cand.consent is ConsentState.DECLINED:
            if cand.tier in (Tier.MUST, Tier.HIGH):
                chosen.add(cand.key)
            continue
        if cand.tier not in (Tier.MUST, Tier.HIGH):
            continue
        cost = cand.service_min + TRAVEL_ALLOWANCE_MIN
        able = [c.name for c in crews if cand.required_skills <= c.skills]
        # The able crew with the most time left takes it (a MUST even when none has room).
        crew = max(able, key=lambda name: left[name], default=None)
        if cand.tier is Tier.MUST:
            chosen.add(cand.key)
            if crew is not None:
                left[crew] -= cost
        elif (
            cand.location is not None
            and not cand.location_check
            and crew is not None
            and left[crew] >= cost
        ):
            chosen.add(cand.key)
            left[crew] -= cost
    return chosen
