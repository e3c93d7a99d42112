"""Demo clients and their history: places, enrollments, events, referrals, visits, appointments.

Pure: plain rows (dicts keyed by ORM attribute names) from a seeded `random.Random`, dated
relative to `today`. Foreign keys are placeholders resolved on write: `_client` (index into the
client rows), `_staff` (index into the team), `_program` (a program code).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caseload import demo_names as names
from caseload.demo_roster import CrewSlot, Roster
from caseload.enums import (
    EventKind,
    GeocodeQuality,
    HousingStatus,
    ProgramCode,
    ReferralSource,
    VisitStatus,
    VisitType,
)
from caseload.programs import DEFAULT_PROGRAMS

Row = dict[str, Any]
P = ProgramCode

# Share of active clients by main program; recent overdoses are a dozen per 150 clients.
MAIN_PROGRAM_SHARES: tuple[tuple[str, float], ...] = (
    ("od_recent", 12 / 150),
    ("od_older", 0.05),
    (P.HIGH_UTILIZER, 0.20),
    (P.FALL_PREVENTION, 0.15),
    (P.HOMEBOUND_VACCINE, 0.10),
    (P.COMMUNITY_ADVOCACY, 0.15),
)  # the rest: chronic disease
UNSHELTERED_WEIGHT = {
    "od_recent": 3.0,
    "od_older": 3.0,
    P.HIGH_UTILIZER: 2.5,
    P.COMMUNITY_ADVOCACY: 3.0,
    P.CHRONIC_DISEASE: 0.6,
}
AGES = {
    "od_recent": (19, 62),
    "od_older": (19, 62),
    P.HIGH_UTILIZER: (28, 78),
    P.FALL_PREVENTION: (66, 96),
    P.HOMEBOUND_VACCINE: (70, 98),
    P.CHRONIC_DISEASE: (42, 88),
    P.COMMUNITY_ADVOCACY: (22, 70),
}
VISIT_TYPE = {
    P.OVERDOSE_FOLLOWUP: VisitType.OVERDOSE_FOLLOW_UP,
    P.HIGH_UTILIZER: VisitType.FOLLOW_UP,
    P.FALL_PREVENTION: VisitType.FALL_ASSESSMENT,
    P.HOMEBOUND_VACCINE: VisitType.VACCINATION,
    P.CHRONIC_DISEASE: VisitType.CHRONIC_CARE,
    P.COMMUNITY_ADVOCACY: VisitType.OUTREACH,
}
PURPOSE = {
    P.OVERDOSE_FOLLOWUP: "Post-overdose check-in, naloxone kit, treatment options",
    P.HIGH_UTILIZER: "Care plan review, 911/ED alternatives",
    P.FALL_PREVENTION: "Home safety and gait assessment",
    P.HOMEBOUND_VACCINE: "Vaccination at home",
    P.COMMUNITY_ADVOCACY: "Benefits, ID and housing navigation",
}
CONDITIONS = {
    "CHF": "CHF check: weight, swelling, medications",
    "COPD": "COPD check: breathing, inhalers, oxygen",
    "diabetes": "Diabetes check: glucose log, feet, insulin supply",
}
REFERRERS = {
    "od_recent": (ReferralSource.EMS_CREW, ReferralSource.HOSPITAL),
    "od_older": (ReferralSource.EMS_CREW, ReferralSource.HOSPITAL),
    P.HIGH_UTILIZER: (ReferralSource.EMS_CREW, ReferralSource.HOSPITAL),
    P.FALL_PREVENTION: (
        ReferralSource.EMS_CREW,
        ReferralSource.ADULT_PROTECTIVE_SERVICES,
        ReferralSource.SELF,
    ),
    P.HOMEBOUND_VACCINE: (ReferralSource.CLINIC,),
    P.CHRONIC_DISEASE: (ReferralSource.HOSPITAL, ReferralSource.CLINIC),
    P.COMMUNITY_ADVOCACY: (
        ReferralSource.SELF,
        ReferralSource.ADULT_PROTECTIVE_SERVICES,
        ReferralSource.EMS_CREW,
    ),
}
OUTCOMES = {
    VisitStatus.COMPLETED: (
        "Seen; vitals stable; plan reviewed.",
        "Seen; medications reconciled.",
        "Seen; connected to clinic appointment.",
        "Seen; supplies dropped off.",
    ),
    VisitStatus.NO_CONTACT: (
        "Not found; left card.",
        "No answer at door.",
        "Not at usual place; asked day-centre staff.",
    ),
    VisitStatus.REFUSED: ("Declined visit today; open to a call next week.",),
    VisitStatus.CANCELLED: ("Cancelled: crew diverted.", "Cancelled by client."),
}
ED_SOURCES = ("Duke University Hospital ED", "Duke Regional Hospital ED", "Durham VA ED")
PROGRAM_MINUTES = {d.code: d.visit_minutes for d in DEFAULT_PROGRAMS}
PROGRAM_SKILLS = {d.code: ",".join(s.value for s in d.required_skills) for d in DEFAULT_PROGRAMS}
BBOX = (35.86, 36.24, -79.01, -78.75)  # south, north, west, east: Durham County, roughly


@dataclass(slots=True)
class ClientRows:
    clients: list[Row] = field(default_factory=list)
    places: list[Row] = field(default_factory=list)
    enrollments: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    visits: list[Row] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, roster: Roster, today: date, zone: ZoneInfo) -> None:
        self.rng, self.roster, self.today, self.zone = rng, roster, today, zone
        self.rows = ClientRows()
        self.clinicians = roster.clinician_indices
        self.spanish_clinicians = [i for i in self.clinicians if roster.team[i].speaks_spanish]
        self.weights = [roster.team[i].load_weight for i in self.clinicians]
        self.event_keys: set[tuple[int, str, datetime]] = set()

    # -- helpers ------------------------------------------------------------------------------
    def at(self, day: date, hour: float) -> datetime:
        minutes = int(hour * 60)
        return datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=self.zone)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def event(self, c: int, kind: EventKind, when: datetime, source: str, notes: str = "") -> None:
        while (c, kind.value, when) in self.event_keys:
            when += timedelta(minutes=7)
        self.event_keys.add((c, kind.value, when))
        self.rows.events.append(
            {
                "_client": c,
                "kind": kind.value,
                "occurred_at": when,
                "source": source,
                "notes": notes,
            }
        )

    def scatter(self, lat: float, lon: float, spread: float) -> tuple[float, float]:
        south, north, west, east = BBOX
        lat = min(max(self.rng.gauss(lat, spread), south + 0.01), north - 0.01)
        lon = min(max(self.rng.gauss(lon, spread * 1.2), west + 0.01), east - 0.01)
        return round(lat, 6), round(lon, 6)

    def visit(
        self,
        c: int,
        program: str,
        day: date,
        status: VisitStatus,
        staff: int | None,
        *,
        hour: float | None = None,
        purpose: str = "",
    ) -> None:
        done = status is not VisitStatus.CANCELLED
        self.rows.visits.append(
            {
                "_client": c,
                "_program": program,
                "_staff": staff if done else None,
                "visit_date": day,
                "visit_type": VISIT_TYPE[P(program)].value,
                "status": status.value,
                "window_start": None,
                "window_end": None,
                "is_fixed_appointment": False,
                "duration_min": PROGRAM_MINUTES[P(program)],
                "required_skills": PROGRAM_SKILLS[P(program)],
                "purpose": purpose or PURPOSE.get(P(program), ""),
                "outcome_notes": self.rng.choice(OUTCOMES[status]),
                "completed_at": self.at(day, hour if hour is not None else self.rng.uniform(8, 21))
                if done
                else None,
            }
        )

    # -- one client ---------------------------------------------------------------------------
    def client(self, c: int, kind: str, housing: HousingStatus, *, active: bool = True) -> None:
        rng = self.rng
        spanish = rng.random() < 0.12
        hispanic_name = spanish or rng.random() < 0.05
        first = rng.choice(names.HISPANIC_FIRST_NAMES if hispanic_name else names.FIRST_NAMES)
        last = rng.choice(names.HISPANIC_LAST_NAMES if hispanic_name else names.LAST_NAMES)
        low, high = AGES[kind]
        born = self.today - timedelta(days=rng.randint(low * 365, high * 365 + 300))
        main = P.OVERDOSE_FOLLOWUP if kind.startswith("od_") else P(kind)
        programs = [main]
        extra = {
            P.HIGH_UTILIZER: P.CHRONIC_DISEASE,
            P.CHRONIC_DISEASE: P.HOMEBOUND_VACCINE,
            P.FALL_PREVENTION: P.HOMEBOUND_VACCINE,
            P.OVERDOSE_FOLLOWUP: P.HIGH_UTILIZER,
            P.COMMUNITY_ADVOCACY: P.HIGH_UTILIZER,
        }.get(main)
        if extra is not None and rng.random() < 0.2:
            programs.append(extra)
        if housing is HousingStatus.UNSHELTERED and P.HOMEBOUND_VACCINE in programs:
            programs.remove(P.HOMEBOUND_VACCINE)
        clinician = self.pick_clinician(spanish)
        condition = rng.choice(tuple(CONDITIONS))
        enrolled = self.days_ago(rng.randint(20, 240))
        od_day: date | None = None
        if kind == "od_recent":
            od_day = self.days_ago(rng.choice((1, 1, 2, 2, 3, 4)))
            enrolled = od_day
            if od_day >= self.days_ago(1) and rng.random() < 0.5:
                clinician = None  # a new referral nobody has picked up yet
        elif kind == "od_older":
            od_day = self.days_ago(rng.randint(8, 26))
            enrolled = od_day
        discharged_on = None if active else self.days_ago(rng.randint(10, 120))
        needs_peer = (main in (P.OVERDOSE_FOLLOWUP, P.HIGH_UTILIZER) and rng.random() < 0.6) or (
            housing is HousingStatus.UNSHELTERED and rng.random() < 0.3
        )
        safety = ""
        if rng.random() < 0.12:
            safety = rng.choice(names.SAFETY_NOTES).format(last=last)
        self.rows.clients.append(
            {
                "external_id": f"DEMO-{c + 1:05d}",
                "first_name": first,
                "last_name": last,
                "date_of_birth": born,
                "phone": ""
                if housing is HousingStatus.UNSHELTERED and rng.random() < 0.6
                else f"(919) 555-01{rng.randint(0, 99):02d}",
                "language": "es" if spanish else "en",
                "housing_status": housing.value,
                "address": "",
                "city": "",
                "state": "",
                "zip": "",
                "safety_notes": safety,
                "needs_peer_support": needs_peer,
                "needs_interpreter": spanish and rng.random() < 0.8,
                "consent": rng.random() < 0.97,
                "active": active,
                "discharged_on": discharged_on,
                "_staff": clinician if active else None,
                "assignment_locked": False,
                "created_at": self.at(enrolled, 9 + rng.random() * 8),
            }
        )
        self.places(c, housing)
        for n, program in enumerate(programs):
            start = enrolled if n == 0 else enrolled + timedelta(days=rng.randint(0, 15))
            self.rows.enrollments.append(
                {
                    "_client": c,
                    "_program": program.value,
                    "enrolled_on": min(start, self.today),
                    "ended_on": discharged_on,
                }
            )
        source = rng.choice(REFERRERS[kind])
        self.rows.referrals.append(
            {
                "_client": c,
                "source": source.value,
                "referred_at": self.at(
                    enrolled - timedelta(days=rng.randint(0, 3)), 8 + rng.random() * 9
                ),
                "reason": f"{PURPOSE.get(main, CONDITIONS[condition])} ({condition})"
                if main is P.CHRONIC_DISEASE
                else PURPOSE.get(main, ""),
            }
        )
        self.history(
            c, kind, programs, enrolled, discharged_on, clinician, condition, od_day, housing
        )

    def pick_clinician(self, spanish: bool) -> int | None:
        if spanish and self.spanish_clinicians and self.rng.random() < 0.7:
            return self.rng.choice(self.spanish_clinicians)
        return self.rng.choices(self.clinicians, weights=self.weights)[0]

    def places(self, c: int, housing: HousingStatus) -> None:
        rng, row = self.rng, self.rows.clients[c]
        if housing is HousingStatus.HOUSED:
            hood = rng.choices(names.NEIGHBOURHOODS, [h.weight for h in names.NEIGHBOURHOODS])[0]
            number = rng.randint(1, 30) * 100 + rng.randint(0, 45) * 2 + 1
            street = f"{number} {rng.choice(hood.streets)}"
            quality = rng.choices(
                (GeocodeQuality.ADDRESS, GeocodeQuality.STREET, GeocodeQuality.ZIP),
                (0.85, 0.1, 0.05),
            )[0]
            lat, lon = (
                (hood.lat, hood.lon)
                if quality is GeocodeQuality.ZIP
                else self.scatter(hood.lat, hood.lon, hood.spread_deg)
            )
            row.update(address=street, city=hood.city, state="NC", zip=hood.zip)
            self.rows.places.append(
                {
                    "_client": c,
                    "kind": "home",
                    "label": "Home",
                    "description": f"{street}, {hood.city}",
                    "lat": lat,
                    "lon": lon,
                    "geocode_quality": quality.value,
                    "is_primary": True,
                }
            )
            return
        if housing is HousingStatus.SHELTERED:
            sites: list[names.Site] = [rng.choice(names.SHELTERS)]
            if rng.random() < 0.4:
                sites.append(rng.choice(names.DAY_CENTRES))
        else:
            sites = [rng.choice(names.CAMPS)]
            if rng.random() < 0.55:
                sites.append(rng.choice(names.DAY_CENTRES + names.SHELTERS))
        for n, site in enumerate(sites):
            camp = site.kind in ("camp", "other")
            lat, lon = self.scatter(site.lat, site.lon, 0.0008) if camp else (site.lat, site.lon)
            detail = f", {rng.choice(names.CAMP_DETAILS)}" if site.kind == "camp" else ""
            self.rows.places.append(
                {
                    "_client": c,
                    "kind": site.kind,
                    "label": site.label,
                    "description": site.description + detail,
                    "lat": lat,
                    "lon": lon,
                    "geocode_quality": (
                        GeocodeQuality.APPROXIMATE if camp else GeocodeQuality.ADDRESS
                    ).value,
                    "is_primary": n == 0,
                }
            )

    def history(
        self,
        c: int,
        kind: str,
        programs: Sequence[P],
        enrolled: date,
        discharged_on: date | None,
        clinician: int | None,
        condition: str,
        od_day: date | None,
        housing: HousingStatus,
    ) -> None:
        rng = self.rng
        unsheltered = housing is HousingStatus.UNSHELTERED
        # Utilization: familiar faces meet the threshold (>=3 911 calls in 90 days or >=4 ED
        # visits in 12 months); everyone else stays below it.
        if P.HIGH_UTILIZER in programs:
            calls_90 = rng.randint(3, 8) if rng.random() < 0.7 else rng.randint(0, 2)
            ed_year = (
                rng.randint(4, 14) if calls_90 < 3 or rng.random() < 0.7 else rng.randint(0, 3)
            )
            calls_older = rng.randint(2, 12)
        else:
            calls_90, ed_year, calls_older = 0, rng.randint(0, 3), rng.randint(0, 2)
        for _ in range(calls_90):
            self.event(
                c,
                EventKind.CALL_911,
                self.at(self.days_ago(rng.randint(5, 89)), rng.uniform(0, 24)),
                "Durham 911 (CAD)",
            )
        for _ in range(calls_older):
            self.event(
                c,
                EventKind.CALL_911,
                self.at(self.days_ago(rng.randint(91, 364)), rng.uniform(0, 24)),
                "Durham 911 (CAD)",
            )
        for _ in range(ed_year):
            self.event(
                c,
                EventKind.ED_VISIT,
                self.at(self.days_ago(rng.randint(5, 360)), rng.uniform(0, 24)),
                rng.choice(ED_SOURCES),
            )
        contact_after: datetime | None = None  # a recent event whose first contact is due
        if od_day is not None:
            when = self.at(od_day, rng.uniform(0, 22))
            self.event(
                c,
                EventKind.OVERDOSE,
                when,
                "Durham County EMS (ePCR)",
                "Non-fatal opioid overdose; naloxone given",
            )
            self.event(c, EventKind.CALL_911, when - timedelta(minutes=9), "Durham 911 (CAD)")
            if rng.random() < 0.6:
                self.event(
                    c, EventKind.ED_VISIT, when + timedelta(minutes=40), rng.choice(ED_SOURCES)
                )
            contact_after = when if kind == "od_recent" else None
        if kind == "od_recent" and rng.random() < 0.3:
            self.event(
                c,
                EventKind.OVERDOSE,
                self.at(self.days_ago(rng.randint(60, 300)), 3),
                "Durham County EMS (ePCR)",
            )
        if P.FALL_PREVENTION in programs:
            recent = rng.random() < 0.35
            when = self.at(
                self.days_ago(rng.randint(1, 13) if recent else rng.randint(30, 180)),
                rng.uniform(6, 22),
            )
            self.event(c, EventKind.FALL, when, "Durham County EMS (ePCR)", "Lift assist")
            self.event(c, EventKind.CALL_911, when - timedelta(minutes=5), "Durham 911 (CAD)")
        if kind != "od_recent" and rng.random() < 0.055 * (2 if kind == P.CHRONIC_DISEASE else 1):
            when = self.at(self.days_ago(rng.randint(1, 3)), rng.uniform(10, 17))
            self.event(
                c,
                EventKind.ED_VISIT,
                when - timedelta(days=rng.randint(2, 6)),
                rng.choice(ED_SOURCES),
            )
            self.event(
                c,
                EventKind.HOSPITAL_DISCHARGE,
                when,
                rng.choice(ED_SOURCES)[:-3],
                f"Discharged after {condition} admission",
            )
            contact_after = when
        end = min(discharged_on or self.today, self.today)
        for program in programs:
            cadence = next(d.cadence_days for d in DEFAULT_PROGRAMS if d.code is program)
            purpose = CONDITIONS[condition] if program is P.CHRONIC_DISEASE else ""
            # Most clients are seen about on cadence; some have slipped behind.
            behind = min(cadence, 21) * rng.uniform(1, 2.5) if rng.random() < 0.2 else 0
            stop = end - timedelta(days=int(behind))
            if contact_after is not None:
                stop = min(stop, contact_after.date())
            day = enrolled + timedelta(days=rng.randint(1, 4))
            # The intake visit is always a completed contact.
            visits: list[tuple[date, VisitStatus]] = [(day, VisitStatus.COMPLETED)]
            spread = (0.8, 1.5) if program is P.HOMEBOUND_VACCINE else (0.7, 1.2)
            day += timedelta(days=max(1, round(cadence * rng.uniform(*spread))))
            while day < stop:
                miss = 0.22 if unsheltered else 0.1
                status = rng.choices(
                    (
                        VisitStatus.COMPLETED,
                        VisitStatus.NO_CONTACT,
                        VisitStatus.REFUSED,
                        VisitStatus.CANCELLED,
                    ),
                    (0.85 - miss, miss, 0.05, 0.05),
                )[0]
                visits.append((day, status))
                day += timedelta(days=max(1, round(cadence * rng.uniform(*spread))))
            if visits[0][0] >= min(stop, self.today):
                visits = []  # enrolled too recently (or the first contact is still due)
            for day, status in visits[-10:]:
                staff = (
                    clinician
                    if clinician is not None and rng.random() < 0.75
                    else (rng.choice(self.clinicians))
                )
                self.visit(c, program.value, day, status, staff, purpose=purpose)
        if contact_after is not None and contact_after.date() < self.today and rng.random() < 0.3:
            # Some recent overdoses and discharges already had their first contact.
            done = contact_after + timedelta(hours=rng.uniform(3, 8))
            if done.date() < self.today:
                program = P.OVERDOSE_FOLLOWUP if od_day is not None else programs[0]
                self.visit(
                    c,
                    program.value,
                    done.date(),
                    VisitStatus.COMPLETED,
                    clinician if clinician is not None else rng.choice(self.clinicians),
                    hour=done.hour + done.minute / 60,
                )

    def appointments(self, count: int) -> int:
        """Fixed appointments with 1-h windows today and on the next days, each inside the
        shift of a crew that has the skills it needs (so a MUST visit is always plannable)."""
        housed = [
            i
            for i, row in enumerate(self.rows.clients)
            if row["active"] and row["housing_status"] != HousingStatus.UNSHELTERED.value
        ]
        by_client: dict[int, str] = {}
        for enrollment in self.rows.enrollments:
            by_client.setdefault(enrollment["_client"], enrollment["_program"])
        made = 0
        for n, c in enumerate(self.rng.sample(housed, min(count, len(housed)))):
            program = by_client[c]
            vaccine = program == P.HOMEBOUND_VACCINE.value
            day = self.today + timedelta(
                days=0 if n < max(2, count // 3) else self.rng.randint(1, 6)
            )
            need = {"vaccine"} if vaccine else {"paramedic"}
            slots: list[CrewSlot] = [
                s for s in self.roster.slots if s.day == day and need <= s.skills
            ]
            if not slots:
                continue
            slot = self.rng.choice(slots)
            span = int((slot.ends_at - slot.starts_at).total_seconds() // 1800) - 5
            start = slot.starts_at + timedelta(minutes=30 * self.rng.randint(2, max(2, span)))
            self.rows.visits.append(
                {
                    "_client": c,
                    "_program": program,
                    "_staff": self.rows.clients[c]["_staff"],
                    "visit_date": day,
                    "visit_type": (
                        VisitType.VACCINATION if vaccine else VisitType.APPOINTMENT
                    ).value,
                    "status": VisitStatus.PLANNED.value,
                    "window_start": start,
                    "window_end": start + timedelta(hours=1),
                    "is_fixed_appointment": True,
                    "duration_min": 30 if vaccine else 45,
                    "required_skills": "vaccine" if vaccine else "",
                    "purpose": "Flu/COVID booster at home"
                    if vaccine
                    else "Scheduled check with the client's clinic",
                    "outcome_notes": "",
                    "completed_at": None,
                }
            )
            made += 1
        return made


def _quota_kinds(rng: random.Random, active: int) -> list[str]:
    kinds: list[str] = []
    for kind, share in MAIN_PROGRAM_SHARES:
        kinds += [str(kind)] * max(1, round(active * share))
    kinds = kinds[:active]
    kinds += [P.CHRONIC_DISEASE.value] * (active - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _housing(rng: random.Random, kinds: list[str]) -> list[HousingStatus]:
    """About a third unsheltered (weighted towards overdose, familiar faces, advocacy)."""
    keyed = sorted(
        (
            (rng.random() ** (1 / w), i)
            for i, k in enumerate(kinds)
            if (w := UNSHELTERED_WEIGHT.get(k, 0.0)) > 0
        ),
        reverse=True,
    )
    unsheltered = {i for _, i in keyed[: round(len(kinds) / 3)]}
    housing = []
    for i, k in enumerate(kinds):
        if i in unsheltered:
            housing.append(HousingStatus.UNSHELTERED)
        elif k in UNSHELTERED_WEIGHT and rng.random() < 0.15:
            housing.append(HousingStatus.SHELTERED)
        else:
            housing.append(HousingStatus.HOUSED)
    return housing


def build_clients(
    rng: random.Random, roster: Roster, active: int, today: date, zone: ZoneInfo
) -> tuple[ClientRows, int]:
    """`active` clients plus a few discharged ones; returns the rows and the appointments made."""
    builder = _Builder(rng, roster, today, zone)
    kinds = _quota_kinds(rng, active)
    for c, (kind, housing) in enumerate(zip(kinds, _housing(rng, kinds), strict=True)):
        builder.client(c, kind, housing)
    for n in range(max(1, active // 30)):
        kind = rng.choice((P.CHRONIC_DISEASE.value, P.COMMUNITY_ADVOCACY.value))
        builder.client(active + n, kind, HousingStatus.HOUSED, active=False)
    made = builder.appointments(max(3, round(active * 0.04)))
    return builder.rows, made
