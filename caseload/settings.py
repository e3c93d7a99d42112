"""Program-wide settings, stored in the database as JSON by key, read as typed dataclasses.

Each settings group is a frozen dataclass with defaults; `load(db, Cls)` returns the stored
values over the defaults (unknown keys ignored, so an older app can read a newer database),
`save(db, value, actor)` replaces the group and records it in the audit log.

Each stored group has a version: `load_versioned` returns it with the value, and a save given
the `expected_version` it started from raises `ConflictError` when someone saved in between.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.enums import Tier
from caseload.errors import ConflictError
from caseload.store.database import Database
from caseload.store.models import Setting
from caseload.users.permissions import Permission, require
from maps.outline import Ring, parse_outline
from routing.geo import LatLon
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
    # The app locks after this long without keyboard or mouse input (a program with accounts:
    # the same user's password unlocks it). HIPAA's automatic logoff.
    auto_lock_minutes: float = 15.0
    plan_time_limit_s: float = 10.0
    # Plan visits whose location is only a ZIP centre (the sheet then says "call ahead");
    # off, each such client needs the manager's yes in "Locations to check".
    plan_approximate_locations: bool = False
    # A first-contact deadline is a soft latest start: each minute late costs as much as this
    # many minutes of driving (MUST >> HIGH; HIGH also applies to ROUTINE).
    must_lateness_cost_per_min: int = 100
    high_lateness_cost_per_min: int = 10
    # The program's area, for maps without base tiles: an outline (GeoJSON text, e.g. the
    # county) and a centre (where an empty map looks, and the OSRM test's drive). Unset: maps
    # draw no outline and centre on their data.
    area_outline_geojson: str = ""
    map_centre_lat: float | None = None
    map_centre_lon: float | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def lateness_cost_per_min(self, tier: Tier) -> int:
        if tier is Tier.MUST:
            return self.must_lateness_cost_per_min
        return self.high_lateness_cost_per_min

    @property
    def map_centre(self) -> LatLon | None:
        if self.map_centre_lat is None or self.map_centre_lon is None:
            return None
        return LatLon(self.map_centre_lat, self.map_centre_lon)

    def outline(self) -> tuple[Ring, ...]:
        """The area outline's rings; () when none is set (`OutlineError` if it is unreadable)."""
        return parse_outline(self.area_outline_geojson)


def _from_json(cls: type[S], raw: str) -> S:
    data = json.loads(raw)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclasses.dataclass(frozen=True, slots=True)
class StoredSettings(Generic[S]):
    """A settings group as stored, with the version a later save must start from."""

    value: S
    version: int  # 0: never saved (the defaults)


_CONFLICT = (
    "Someone else changed the settings since this window opened; nothing was saved. "
    "Close it and open Settings again to see their changes."
)


def load_in(session: Session, cls: type[S]) -> S:
    row = session.get(Setting, cls.KEY)
    return cls() if row is None else _from_json(cls, row.value_json)


def load(db: Database, cls: type[S]) -> S:
    with db.session() as session:
        return load_in(session, cls)


def load_versioned(db: Database, cls: type[S]) -> StoredSettings[S]:
    with db.session() as session:
        row = session.get(Setting, cls.KEY)
        if row is None:
            return StoredSettings(cls(), 0)
        return StoredSettings(_from_json(cls, row.value_json), row.version)


def save_in(
    session: Session, value: SettingsGroup, actor: Actor, *, expected_version: int | None = None
) -> int:
    """Replace the group; returns its new version. With `expected_version`, refuses with
    `ConflictError` when the stored version differs (someone saved since it was read)."""
    require(actor, Permission.MANAGE_SETTINGS)
    raw = json.dumps(dataclasses.asdict(value), sort_keys=True)
    row = session.get(Setting, value.KEY)
    if expected_version is not None and (0 if row is None else row.version) != expected_version:
        raise ConflictError(_CONFLICT)
    before = None if row is None else _json_object(row.value_json)
    if row is None:
        row = Setting(key=value.KEY, value_json=raw)
        session.add(row)
    else:
        row.value_json = raw
    audit.record(
        session,
        actor,
        "settings.save",
        "settings",
        value.KEY,
        raw,
        before=before,
        after=_json_object(raw),
    )
    session.flush()  # the version counter moves here; a concurrent save fails here or at commit
    return row.version


def _json_object(raw: str) -> dict[str, object] | None:
    """A stored settings group as a dict for the audit's before/after (None if unreadable)."""
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def save(
    db: Database, value: SettingsGroup, actor: Actor, *, expected_version: int | None = None
) -> int:
    """Save one group (see `save_in`); returns its new version."""
    require(actor, Permission.MANAGE_SETTINGS)
    return save_all(db, [(value, expected_version)], actor)[0]


def save_all(
    db: Database, groups: Sequence[tuple[SettingsGroup, int | None]], actor: Actor
) -> list[int]:
    """Save several groups, each from its expected version (None: unchecked), in one unit of
    work: all are saved or, on a `ConflictError`, none. Returns the new versions."""
    require(actor, Permission.MANAGE_SETTINGS)
    try:
        with db.session() as session:
            return [
                save_in(session, value, actor, expected_version=expected)
                for value, expected in groups
            ]
    except IntegrityError as exc:  # two first saves of the same group at once
        raise ConflictError(_CONFLICT) from exc
