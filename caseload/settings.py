"""Program-wide settings, stored in the database as JSON by key, read as typed dataclasses.

Each settings group is a frozen dataclass with defaults; `load(db, Cls)` returns the stored
values over the defaults (unknown keys ignored, so an older app can read a newer database),
`save(db, value, actor)` replaces the group and records it in the audit log.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.store.database import Database
from caseload.store.models import Setting
from routing.matrix import DEFAULT_CIRCUITY, DEFAULT_LEG_OVERHEAD_S, DEFAULT_SPEED_KMH


class SettingsGroup(Protocol):
    KEY: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Any]]


S = TypeVar("S", bound=SettingsGroup)


@dataclasses.dataclass(frozen=True, slots=True)
class ProgramSettings:
    """Who we are and how we work: names, zone, printing, optional services (all offline by
    default: no tile server, no OSRM, no geocoder unless the agency configures its own)."""

    KEY: ClassVar[str] = "program"

    program_name: str = "Community Paramedicine Program"
    timezone: str = "America/New_York"
    paper_size: str = "Letter"  # or "A4"
    phi_minimised_sheets: bool = False
    navigation_url: str = "geo:{lat},{lon}"  # e.g. "https://maps.example.org/?q={lat},{lon}"
    tile_url: str = ""
    tile_attribution: str = ""
    osrm_url: str = ""
    geocoder_url: str = ""
    circuity: float = DEFAULT_CIRCUITY
    speed_kmh: float = DEFAULT_SPEED_KMH
    leg_overhead_s: int = DEFAULT_LEG_OVERHEAD_S
    default_visit_minutes: int = 45
    plan_time_limit_s: float = 10.0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _from_json(cls: type[S], raw: str) -> S:
    data = json.loads(raw)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def load_in(session: Session, cls: type[S]) -> S:
    row = session.get(Setting, cls.KEY)
    return cls() if row is None else _from_json(cls, row.value_json)


def load(db: Database, cls: type[S]) -> S:
    with db.session() as session:
        return load_in(session, cls)


def save_in(session: Session, value: SettingsGroup, actor: Actor) -> None:
    raw = json.dumps(dataclasses.asdict(value), sort_keys=True)
    row = session.get(Setting, value.KEY)
    if row is None:
        session.add(Setting(key=value.KEY, value_json=raw))
    else:
        row.value_json = raw
    audit.record(session, actor, "settings.save", "settings", value.KEY, raw)


def save(db: Database, value: SettingsGroup, actor: Actor) -> None:
    with db.session() as session:
        save_in(session, value, actor)
