"""Demo history: 911/ED/EMS transport/overdose/fall/discharge events (back to a year before
each enrolment), past visits and fixed appointments.

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

from caseload.demo.roster import CrewSlot, Roster
from caseload.enums import EventKind, HousingStatus, ProgramCode, VisitStatus, VisitType
from caseload.programs import DEFAULT_PROGRAMS

Row = dict[str, Any]
P = ProgramCode

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


@dataclass(slots=True)
class ClientRows:
    clients: list[Row] = field(default_factory=list)
    places: list[Row] = field(default_factory=list)
    enrollments: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    visits: list[Row] = field(default_factory=list)


class HistoryBuilder:
    """Rows for one demo: the helpers and the history of each client."""

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
        recent_discharge: bool,
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
        self.before_enrolment(c, P.HIGH_UTILIZER in programs, enrolled)
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
        if recent_discharge:
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

    def before_enrolment(self, c: int, familiar_face: bool, enrolled: date) -> None:
        """The year that led to the referral: 911 calls (most with an EMS transport) and ED
        visits, bunched towards the enrolment day, so the outcome report has a real "before".
        Familiar faces had the most. For everyone else a call is kept only when older than 90
        days and an ED visit only when older than a year, so today's priorities (911 calls in
        90 days, ED visits in 12 months) are as before. Drawn from a generator of its own
        (seeded from the client and the main generator's state, which it leaves untouched), so
        every other draw of the demo is what it was."""
        rng = random.Random(f"{c}:{enrolled}:{self.rng.getstate()[1][0]}")
        calls = rng.randint(5, 14) if familiar_face else rng.randint(0, 3)
        visits = rng.randint(3, 9) if familiar_face else rng.randint(0, 2)
        for kind, n, keep_after in (
            (EventKind.CALL_911, calls, self.days_ago(90)),
            (EventKind.ED_VISIT, visits, self.days_ago(365)),
        ):
            for _ in range(n):
                day = enrolled - timedelta(days=int(rng.triangular(1, 365, 1)))
                if day >= keep_after and not familiar_face:
                    continue
                when = self.at(day, rng.uniform(0, 24))
                if kind is EventKind.ED_VISIT:
                    self.event(c, kind, when, rng.choice(ED_SOURCES))
                    continue
                self.event(c, kind, when, "Durham 911 (CAD)")
                if rng.random() < 0.6:
                    transported = when + timedelta(minutes=rng.randint(12, 35))
                    self.event(c, EventKind.EMS_TRANSPORT, transported, "Durham County EMS (ePCR)")

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
