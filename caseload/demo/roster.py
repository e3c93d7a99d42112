"""The demo team and its rota: staff, shifts covering 07:00-23:00, and the day's crews.

Pure: builds plain rows (dicts keyed by ORM attribute names) from a seeded `random.Random`.
Foreign keys are indices into the staff list (`_staff`), resolved when the rows are written.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caseload.demo.seeds import Station, demo_seeds
from caseload.enums import Skill, StaffRole

Row = dict[str, Any]

ROTA_DAYS = 15  # today and the next 14 days
DAY_SHIFT = (time(7), time(15))
EVENING_SHIFT = (time(15), time(23))
BREAK_MINUTES = 30
DEFAULT_CLINICIANS = 6  # 4 community paramedics + 2 peer-support specialists
CLIENTS_PER_CLINICIAN_LARGE = 100


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    role: StaffRole
    skills: tuple[Skill, ...]
    languages: tuple[str, ...]
    station: Station
    weekly_hours: float
    load_weight: float  # relative share of the caseload assigned to this clinician

    @property
    def is_clinician(self) -> bool:
        return self.role in (StaffRole.COMMUNITY_PARAMEDIC, StaffRole.PEER_SUPPORT)

    @property
    def speaks_spanish(self) -> bool:
        return "es" in self.languages


@dataclass(frozen=True, slots=True)
class CrewSlot:
    """A crew on a day, as the client generator needs it (to place fixed appointments)."""

    day: date
    starts_at: datetime
    ends_at: datetime
    skills: frozenset[str]


@dataclass(frozen=True, slots=True)
class Roster:
    team: tuple[Member, ...]
    staff_rows: list[Row]
    shift_rows: list[Row]
    crews: list[tuple[Row, list[int]]]  # crew row, member staff indices (lead first)
    slots: tuple[CrewSlot, ...]
    scaled: bool  # True when the team was grown for a large caseload

    @property
    def clinician_indices(self) -> list[int]:
        return [i for i, m in enumerate(self.team) if m.is_clinician]


# Languages are not skills here: a member's `languages` gives the crew its language skills.
_P, _N, _V, _W, _PS = (
    Skill.PARAMEDIC,
    Skill.NALOXONE,
    Skill.VACCINE,
    Skill.WOUND_CARE,
    Skill.PEER_SUPPORT,
)


def _fixed_team() -> tuple[tuple[Member, ...], Member, Member]:
    """The named core team (clinicians), the program manager and the supervisor."""
    s1, s3, s4, s7 = demo_seeds().stations
    core = (
        Member(
            "Jordan Whitfield",
            StaffRole.COMMUNITY_PARAMEDIC,
            (_P, _N, _V, _W),
            ("en",),
            s1,
            40.0,
            2.4,
        ),
        Member(
            "Alicia Moreno",
            StaffRole.COMMUNITY_PARAMEDIC,
            (_P, _N, _V, _W),
            ("en", "es"),
            s3,
            40.0,
            1.4,
        ),
        Member("Marcus Bell", StaffRole.COMMUNITY_PARAMEDIC, (_P, _N, _W), ("en",), s4, 36.0, 1.1),
        Member(
            "Tanya Okafor", StaffRole.COMMUNITY_PARAMEDIC, (_P, _N, _V, _W), ("en",), s7, 32.0, 0.9
        ),
        Member("Dwayne Pettiford", StaffRole.PEER_SUPPORT, (_PS, _N), ("en",), s1, 40.0, 0.6),
        Member("Luz Hernández", StaffRole.PEER_SUPPORT, (_PS, _N), ("en", "es"), s3, 32.0, 0.5),
    )
    manager = Member("Renee Carrington", StaffRole.PROGRAM_MANAGER, (), ("en",), s1, 40.0, 0.0)
    supervisor = Member("Samuel Ortiz", StaffRole.SUPERVISOR, (_P,), ("en", "es"), s1, 40.0, 0.0)
    return core, manager, supervisor


def clinician_count(clients: int) -> int:
    """The default team for ordinary caseloads; about one clinician per 100 clients beyond."""
    return max(DEFAULT_CLINICIANS, math.ceil(clients / CLIENTS_PER_CLINICIAN_LARGE))


def _extra_members(rng: random.Random, clinicians: int, fixed: tuple[Member, ...]) -> list[Member]:
    seeds = demo_seeds()
    stations = seeds.stations
    peers = max(2, clinicians // 3)
    paramedics = clinicians - peers
    used = {m.name for m in fixed}
    extra: list[Member] = []

    def fresh_name(spanish: bool) -> str:
        while True:
            first = rng.choice(seeds.hispanic_first_names if spanish else seeds.first_names)
            name = f"{first} {rng.choice(seeds.last_names)}"
            if name not in used:
                used.add(name)
                return name

    for i in range(4, paramedics):
        spanish = i % 5 == 1
        skills = [_P, _N, _W] + ([_V] if i % 3 != 2 else [])
        extra.append(
            Member(
                fresh_name(spanish),
                StaffRole.COMMUNITY_PARAMEDIC,
                tuple(skills),
                ("en", "es") if spanish else ("en",),
                stations[i % len(stations)],
                rng.choice((32.0, 36.0, 40.0)),
                round(rng.uniform(0.6, 2.0), 2),
            )
        )
    for i in range(2, peers):
        spanish = i % 3 == 1
        extra.append(
            Member(
                fresh_name(spanish),
                StaffRole.PEER_SUPPORT,
                (_PS, _N),
                ("en", "es") if spanish else ("en",),
                stations[i % len(stations)],
                rng.choice((32.0, 40.0)),
                round(rng.uniform(0.3, 0.8), 2),
            )
        )
    for i in range(1, max(1, clinicians // 10)):
        extra.append(
            Member(
                fresh_name(False),
                StaffRole.SUPERVISOR,
                (_P,),
                ("en",),
                stations[i % len(stations)],
                40.0,
                0.0,
            )
        )
    return extra


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _days_off(position: int, weekly_hours: float) -> frozenset[int]:
    """Weekday slots (0-6) off: two for full time, three for part time, staggered by position."""
    count = 2 if weekly_hours >= 36 else 3
    return frozenset((2 * position + k) % 7 for k in range(count))


def build_roster(rng: random.Random, clients: int, today: date, zone: ZoneInfo) -> Roster:
    clinicians = clinician_count(clients)
    scaled = clinicians > DEFAULT_CLINICIANS
    core, manager, supervisor = _fixed_team()
    extra = _extra_members(rng, clinicians, (*core, manager, supervisor)) if scaled else ()
    team = (*core, *extra, manager, supervisor)
    staff_rows = [
        {
            "name": m.name,
            "role": m.role.value,
            "skills": ",".join(s.value for s in m.skills),
            "languages": ",".join(m.languages),
            "base_name": f"{m.station.name}, {m.station.address}",
            "base_lat": m.station.lat,
            "base_lon": m.station.lon,
            "weekly_capacity_hours": m.weekly_hours,
            "active": True,
        }
        for m in team
    ]
    medics = [i for i, m in enumerate(team) if m.role is StaffRole.COMMUNITY_PARAMEDIC]
    peers = [i for i, m in enumerate(team) if m.role is StaffRole.PEER_SUPPORT]
    shift_rows: list[Row] = []
    crews: list[tuple[Row, list[int]]] = []
    slots: list[CrewSlot] = []
    for offset in range(ROTA_DAYS):
        day = today + timedelta(days=offset)
        slot = day.toordinal() % 7
        on_medics = [
            i for n, i in enumerate(medics) if slot not in _days_off(n, team[i].weekly_hours)
        ]
        on_medics.sort(key=lambda i: (medics.index(i) + day.toordinal()) % len(medics))
        half = math.ceil(len(on_medics) / 2)
        kind = {i: ("day" if n < half else "evening") for n, i in enumerate(on_medics)}
        day_crews: dict[int, list[int]] = {i: [i] for i in on_medics}
        for n, peer in enumerate(peers):
            if slot in _days_off(2 * n, team[peer].weekly_hours):
                continue
            want = "day" if (n + day.toordinal()) % 3 else "evening"
            free = [i for i in on_medics if len(day_crews[i]) == 1]
            partner = next((i for i in free if kind[i] == want), free[0] if free else None)
            if partner is None:
                kind[peer] = want
                day_crews[peer] = [peer]
            else:
                kind[peer] = kind[partner]
                day_crews[partner].append(peer)
        for i, k in kind.items():
            start, end = DAY_SHIFT if k == "day" else EVENING_SHIFT
            starts_at, ends_at = _at(day, start, zone), _at(day, end, zone)
            station = team[i].station
            shift_rows.append(
                {
                    "_staff": i,
                    "shift_date": day,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "base_name": f"{station.name}, {station.address}",
                    "base_lat": station.lat,
                    "base_lon": station.lon,
                    "break_earliest": starts_at + timedelta(hours=3),
                    "break_latest": starts_at + timedelta(hours=5),
                    "break_minutes": BREAK_MINUTES,
                    "out_sick": False,
                }
            )
        ordered = sorted(day_crews.values(), key=lambda ms: (kind[ms[0]] != "day", ms[0]))
        counters = {"Medic": 0, "Peer": 0}
        for members in ordered:
            prefix = "Medic" if team[members[0]].role is StaffRole.COMMUNITY_PARAMEDIC else "Peer"
            counters[prefix] += 1
            crews.append(({"crew_date": day, "name": f"{prefix} {counters[prefix]}"}, members))
            start, end = DAY_SHIFT if kind[members[0]] == "day" else EVENING_SHIFT
            skills = {s.value for i in members for s in team[i].skills}
            slots.append(
                CrewSlot(day, _at(day, start, zone), _at(day, end, zone), frozenset(skills))
            )
    return Roster(team, staff_rows, shift_rows, crews, tuple(slots), scaled)
