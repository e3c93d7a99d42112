"""A day's shifts and crews made from the weekly pattern, when none are stored for it.

The day's rows are what planning and the crew editor read and change. The first time a day is
asked for and nothing is stored for it, `ensure_day_in` writes the day from the pattern and the
exceptions (`caseload.team.rota`): one shift per person working (from their home station), and
a crew for each crew name. Stored rows win from then on, so edits in the crew editor stay. A
change to the pattern or to an exception forgets the days made from it that nobody has edited
(`forget_generated_days`), so they are made again with the change; a day with a saved plan
keeps the crews it was planned for.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseload.enums import ShiftExceptionKind, StaffRole
from caseload.settings import ProgramSettings, load_in
from caseload.store.models import (
    Crew,
    CrewMember,
    Plan,
    Shift,
    ShiftException,
    ShiftPattern,
    Staff,
)
from caseload.team.rota import DayException, DaySlot, PatternSlot, resolve_day

# Staff who go out on visits (program managers and supervisors plan, they are not routed).
ROUTED_ROLES = frozenset(
    {
        StaffRole.COMMUNITY_PARAMEDIC.value,
        StaffRole.EMT.value,
        StaffRole.PEER_SUPPORT.value,
        StaffRole.NURSE.value,
    }
)
# In a crew, the clinical member leads (their station is the crew's start and end).
_LEAD_ORDER = {
    StaffRole.COMMUNITY_PARAMEDIC.value: 0,
    StaffRole.NURSE.value: 1,
    StaffRole.EMT.value: 2,
    StaffRole.PEER_SUPPORT.value: 3,
}


def pattern_slot(row: ShiftPattern) -> PatternSlot:
    return PatternSlot(
        row.staff_id,
        row.weekday,
        row.start_minute,
        row.end_minute,
        row.break_minutes,
        row.crew_name,
        row.vehicle,
    )


def day_exception(row: ShiftException) -> DayException:
    return DayException(
        staff_id=row.staff_id,
        on=row.on_date,
        kind=ShiftExceptionKind(row.kind),
        start_minute=row.start_minute,
        end_minute=row.end_minute,
        break_minutes=row.break_minutes,
        crew_name=row.crew_name,
        vehicle=row.vehicle,
        swap_with_id=row.swap_with_id,
        note=row.note,
        exception_id=row.id,
    )


def planned_day_in(session: Session, on: date) -> dict[int, DaySlot]:
    """Who the pattern and the exceptions put on shift on `on` (active, routed staff only)."""
    routed = {
        s.id
        for s in session.scalars(
            select(Staff).where(Staff.active.is_(True), Staff.role.in_(ROUTED_ROLES))
        )
    }
    patterns = [
        pattern_slot(p)
        for p in session.scalars(select(ShiftPattern).where(ShiftPattern.weekday == on.weekday()))
    ]
    exceptions = [
        day_exception(e)
        for e in session.scalars(select(ShiftException).where(ShiftException.on_date == on))
    ]
    return {
        sid: slot for sid, slot in resolve_day(on, patterns, exceptions).items() if sid in routed
    }


def at_minute(on: date, minute: int, zone: tzinfo) -> datetime:
    """The aware time `minute` minutes after midnight of `on` (24:00 is the next midnight)."""
    return datetime.combine(on, time(0), tzinfo=zone) + timedelta(minutes=minute)


def break_window(
    starts_at: datetime, ends_at: datetime, minutes: int
) -> tuple[datetime | None, datetime | None]:
    """A break of `minutes` taken within an hour either side of the middle of the shift."""
    if minutes <= 0:
        return None, None
    middle = starts_at + (ends_at - starts_at) / 2
    earliest = max(starts_at, middle - timedelta(hours=1))
    latest = min(ends_at - timedelta(minutes=minutes), middle + timedelta(hours=1))
    return (earliest, latest) if earliest <= latest else (None, None)


def ensure_day_in(session: Session, on: date) -> bool:
    """Write `on`'s shifts and crews from the pattern unless some are stored; True if written."""
    if session.scalar(select(Shift.id).where(Shift.shift_date == on).limit(1)) is not None:
        return False
    slots = planned_day_in(session, on)
    if not slots:
        return False
    try:
        with session.begin_nested():  # another planner may be making the same day right now
            _write_day(session, on, slots)
    except IntegrityError:
        return False  # they did: their rows are the day's
    return True


def _write_day(session: Session, on: date, slots: dict[int, DaySlot]) -> None:
    zone = load_in(session, ProgramSettings).zone
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(slots)))}
    for slot in slots.values():
        person = staff[slot.staff_id]
        starts_at = at_minute(on, slot.start_minute, zone)
        ends_at = at_minute(on, slot.end_minute, zone)
        earliest, latest = break_window(starts_at, ends_at, slot.break_minutes)
        session.add(
            Shift(
                staff_id=slot.staff_id,
                shift_date=on,
                starts_at=starts_at,
                ends_at=ends_at,
                base_name=person.base_name,
                base_lat=person.base_lat,
                base_lon=person.base_lon,
                break_earliest=earliest,
                break_latest=latest,
                break_minutes=slot.break_minutes if earliest is not None else 0,
                out_sick=slot.out_sick,
                from_pattern=True,
            )
        )
    crews: dict[str, list[DaySlot]] = defaultdict(list)
    for slot in slots.values():
        if slot.crew_name.strip():
            crews[slot.crew_name.strip()].append(slot)
    for name, members in sorted(crews.items()):
        members.sort(key=lambda s: (_LEAD_ORDER.get(staff[s.staff_id].role, 9), s.staff_id))
        vehicle = next((m.vehicle for m in members if m.vehicle), "")
        crew = Crew(crew_date=on, name=name, vehicle=vehicle, from_pattern=True)
        crew.members = [
            CrewMember(staff_id=m.staff_id, position=i) for i, m in enumerate(members[:2])
        ]
        session.add(crew)
    session.flush()


def forget_generated_days(session: Session, since: date, until: date | None = None) -> int:
    """Delete the days from `since` on (to `until`, when given) that were made from the
    pattern and never edited, so the next read makes them again from the current pattern;
    returns how many days."""
    shifts_by_day: dict[date, list[Shift]] = defaultdict(list)
    last = until or date.max
    for shift in session.scalars(
        select(Shift).where(Shift.shift_date >= since, Shift.shift_date <= last)
    ):
        shifts_by_day[shift.shift_date].append(shift)
    crews_by_day: dict[date, list[Crew]] = defaultdict(list)
    for crew in session.scalars(
        select(Crew).where(Crew.crew_date >= since, Crew.crew_date <= last)
    ):
        crews_by_day[crew.crew_date].append(crew)
    planned = set(
        session.scalars(
            select(Plan.plan_date).where(Plan.plan_date >= since, Plan.plan_date <= last)
        )
    )
    forgotten = 0
    for day, shifts in shifts_by_day.items():
        untouched = all(s.from_pattern and s.version == 1 for s in shifts) and all(
            c.from_pattern for c in crews_by_day.get(day, [])
        )
        if not untouched or day in planned:  # a saved plan keeps the crews it was made for
            continue
        for crew in crews_by_day.get(day, []):
            session.delete(crew)
        session.flush()
        session.execute(delete(Shift).where(Shift.shift_date == day))
        forgotten += 1
    session.flush()
    return forgotten
