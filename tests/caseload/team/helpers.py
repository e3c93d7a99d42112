"""A small team built through the public services (no demo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseload.actor import local_actor
from caseload.store.database import Database
from caseload.team.rota import PatternSlot
from caseload.team.shifts import set_weekly_pattern
from caseload.team.skills import Held
from caseload.team.staff import StaffDraft, add_staff

ACTOR = local_actor()
TUESDAY = date(2026, 12, 8)
STATION = {"home_station": "Station 1", "home_lat": 35.9968, "home_lon": -78.898}


@dataclass(frozen=True, slots=True)
class Team:
    medic: int
    peer: int
    emt: int
    manager: int


def make_team(db: Database, today: date = date(2026, 12, 1)) -> Team:
    medic = add_staff(
        db,
        ACTOR,
        StaffDraft(
            "Ana Reyes",
            "community_paramedic",
            (Held("community_paramedic", date(2027, 6, 30)), Held("naloxone_trainer")),
            ("en", "es"),
            **STATION,  # type: ignore[arg-type]
        ),
    )
    peer = add_staff(db, ACTOR, StaffDraft("Dee Jackson", "peer_support", **STATION))  # type: ignore[arg-type]
    emt = add_staff(db, ACTOR, StaffDraft("Chris Dunn", "emt", **STATION))  # type: ignore[arg-type]
    manager = add_staff(db, ACTOR, StaffDraft("Fay Brooks", "program_manager"))
    for sid, crew in ((medic, "Medic 1"), (peer, "Medic 1")):
        set_weekly_pattern(
            db,
            ACTOR,
            sid,
            [PatternSlot(sid, d, 7 * 60, 15 * 60, 30, crew, "CP-1") for d in range(5)],
            today,
        )
    set_weekly_pattern(
        db, ACTOR, emt, [PatternSlot(emt, d, 15 * 60, 23 * 60, 30) for d in range(4)], today
    )
    set_weekly_pattern(
        db, ACTOR, manager, [PatternSlot(manager, d, 9 * 60, 17 * 60) for d in range(5)], today
    )
    return Team(medic, peer, emt, manager)
