"""Demo clients: who they are, where to find them, their programs and referrals.

Pure: plain rows (dicts keyed by ORM attribute names) from a seeded `random.Random`, dated
relative to `today`. Foreign keys are placeholders resolved on write: `_client` (index into the
client rows), `_staff` (index into the team), `_program` (a program code). Their history
(events, visits, appointments) comes from `caseload.demo.history`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from caseload.demo.history import CONDITIONS, PURPOSE, ClientRows, HistoryBuilder
from caseload.demo.roster import Roster
from caseload.demo.seeds import Site, demo_seeds
from caseload.enums import (
    ConsentState,
    EnrollmentEnd,
    GeocodeQuality,
    HousingStatus,
    ProgramCode,
    ReferralSource,
)

P = ProgramCode
# How discharged clients' enrolments ended: most graduate, the rest leave for these reasons.
DISENROL_REASONS = (
    "declined further visits",
    "declined further visits",
    "lost to follow-up",
    "moved away: out of county",
    "transferred: home health agency",
    "deceased",
)


def how_it_ended(c: int) -> tuple[str, str]:
    """(end kind, reason) for discharged client `c`, from its own generator so the demo's
    other draws stay as they were."""
    rng = random.Random(f"ended-{c}")
    if rng.random() < 0.65:
        return EnrollmentEnd.GRADUATED.value, "care plan goals met"
    return EnrollmentEnd.DISENROLLED.value, rng.choice(DISENROL_REASONS)


BBOX = (35.86, 36.24, -79.01, -78.75)  # south, north, west, east: Durham County, roughly

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
DISCHARGES_PER_CLIENT = 6 / 150
DISCHARGE_WEIGHT = {
    P.CHRONIC_DISEASE: 3.0,
    P.HIGH_UTILIZER: 2.0,
    P.FALL_PREVENTION: 1.5,
    P.HOMEBOUND_VACCINE: 1.0,
    P.COMMUNITY_ADVOCACY: 0.5,
    "od_older": 0.5,
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


class _Builder(HistoryBuilder):
    def scatter(self, lat: float, lon: float, spread: float) -> tuple[float, float]:
        south, north, west, east = BBOX
        lat = min(max(self.rng.gauss(lat, spread), south + 0.01), north - 0.01)
        lon = min(max(self.rng.gauss(lon, spread * 1.2), west + 0.01), east - 0.01)
        return round(lat, 6), round(lon, 6)

    def client(
        self,
        c: int,
        kind: str,
        housing: HousingStatus,
        *,
        active: bool = True,
        recent_discharge: bool = False,
    ) -> None:
        rng, seeds = self.rng, demo_seeds()
        spanish = rng.random() < 0.12
        hispanic_name = spanish or rng.random() < 0.05
        first = rng.choice(seeds.hispanic_first_names if hispanic_name else seeds.first_names)
        last = rng.choice(seeds.hispanic_last_names if hispanic_name else seeds.last_names)
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
            safety = rng.choice(seeds.safety_notes).format(last=last)
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
                "two_person_visit": _needs_two_people(safety),
                "consent": _consent(rng.random()).value,
                "active": active,
                "discharged_on": discharged_on,
                "_staff": clinician if active else None,
                "assignment_locked": False,
                "created_at": self.at(enrolled, 9 + rng.random() * 8),
            }
        )
        self.places(c, housing)
        end_kind, end_reason = ("", "") if discharged_on is None else how_it_ended(c)
        for n, program in enumerate(programs):
            start = enrolled if n == 0 else enrolled + timedelta(days=rng.randint(0, 15))
            self.rows.enrollments.append(
                {
                    "_client": c,
                    "_program": program.value,
                    "enrolled_on": min(start, self.today),
                    "ended_on": discharged_on,
                    "end_kind": end_kind,
                    "end_reason": end_reason,
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
            c,
            kind,
            programs,
            enrolled,
            discharged_on,
            clinician,
            condition,
            od_day,
            housing,
            recent_discharge,
        )

    def pick_clinician(self, spanish: bool) -> int | None:
        if spanish and self.spanish_clinicians and self.rng.random() < 0.7:
            return self.rng.choice(self.spanish_clinicians)
        return self.rng.choices(self.clinicians, weights=self.weights)[0]

    def places(self, c: int, housing: HousingStatus) -> None:
        rng, row, seeds = self.rng, self.rows.clients[c], demo_seeds()
        if housing is HousingStatus.HOUSED:
            hood = rng.choices(seeds.neighbourhoods, [h.weight for h in seeds.neighbourhoods])[0]
            number = rng.randint(1, 30) * 100 + rng.randint(0, 45) * 2 + 1
            street = f"{number} {rng.choice(hood.streets)}"
            quality = rng.choices(
                (GeocodeQuality.EXACT, GeocodeQuality.STREET, GeocodeQuality.ZIP),
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
                    # The demo's ZIP-centre homes are accepted: planned, "call ahead".
                    "approximate_accepted": quality is GeocodeQuality.ZIP,
                    "is_primary": True,
                }
            )
            return
        if housing is HousingStatus.SHELTERED:
            sites: list[Site] = [rng.choice(seeds.shelters)]
            if rng.random() < 0.4:
                sites.append(rng.choice(seeds.day_centres))
        else:
            sites = [rng.choice(seeds.camps)]
            if rng.random() < 0.55:
                sites.append(rng.choice(seeds.day_centres + seeds.shelters))
        for n, site in enumerate(sites):
            camp = site.kind in ("camp", "other")
            lat, lon = self.scatter(site.lat, site.lon, 0.0008) if camp else (site.lat, site.lon)
            detail = f", {rng.choice(seeds.camp_details)}" if site.kind == "camp" else ""
            self.rows.places.append(
                {
                    "_client": c,
                    "kind": site.kind,
                    "label": site.label,
                    "description": site.description + detail,
                    "lat": lat,
                    "lon": lon,
                    "geocode_quality": (
                        GeocodeQuality.MANUAL if camp else GeocodeQuality.EXACT
                    ).value,
                    "approximate_accepted": False,
                    "is_primary": n == 0,
                }
            )


def _needs_two_people(safety_notes: str) -> bool:
    """The structured flag for a safety note that says two people must attend."""
    text = safety_notes.lower()
    return "two-person" in text or "two person" in text


def _consent(r: float) -> ConsentState:
    """One draw (as the demo always made): mostly given, a few declined or not recorded."""
    if r < 0.97:
        return ConsentState.GIVEN
    return ConsentState.DECLINED if r < 0.985 else ConsentState.NOT_RECORDED


def _quota_kinds(rng: random.Random, active: int) -> list[str]:
    kinds: list[str] = []
    for kind, share in MAIN_PROGRAM_SHARES:
        kinds += [str(kind)] * max(1, round(active * share))
    kinds = kinds[:active]
    kinds += [P.CHRONIC_DISEASE.value] * (active - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _weighted_sample(rng: random.Random, weights: list[float], count: int) -> set[int]:
    """`count` distinct indices, each as likely as its weight (weight 0: never)."""
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return {i for _, i in keyed[:count]}


def _housing(rng: random.Random, kinds: list[str]) -> list[HousingStatus]:
    """About a third unsheltered (weighted towards overdose, familiar faces, advocacy)."""
    weights = [UNSHELTERED_WEIGHT.get(k, 0.0) for k in kinds]
    unsheltered = _weighted_sample(rng, weights, round(len(kinds) / 3))
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
    housing = _housing(rng, kinds)
    # Recent hospital discharges: about 6 per 150 clients, mostly chronic disease and
    # familiar faces, never a client whose overdose is the recent event.
    weights = [DISCHARGE_WEIGHT.get(k, 0.0) for k in kinds]
    discharged = _weighted_sample(rng, weights, max(1, round(active * DISCHARGES_PER_CLIENT)))
    for c, (kind, home) in enumerate(zip(kinds, housing, strict=True)):
        builder.client(c, kind, home, recent_discharge=c in discharged)
    for n in range(max(1, active // 30)):
        kind = rng.choice((P.CHRONIC_DISEASE.value, P.COMMUNITY_ADVOCACY.value))
        builder.client(active + n, kind, HousingStatus.HOUSED, active=False)
    made = builder.appointments(max(3, round(active * 0.04)))
    return builder.rows, made
