"""Weekly shift patterns and their exceptions, with validation and audit.

A change here forgets the days already made from the pattern that nobody edited or planned, so
they are made again with the change (`caseload.team.days`). A sick day or leave on a day whose
crews were edited or planned is applied to that day's stored shift (out sick); other changes to
such a day are made in the crew editor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import ShiftExceptionKind
from caseload.errors import NotFoundError, UserError
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Shift, ShiftException, ShiftPattern, Staff
from caseload.team.days import (
    at_minute,
    break_window,
    day_exception,
    ensure_day_in,
    forget_generated_days,
    pattern_slot,
)
from caseload.team.rota import MINUTES_PER_DAY, WEEKDAYS, DayException, PatternSlot, clock
from caseload.users.permissions import Permission, require


def slot_problems(
    start_minute: int | None, end_minute: int | None, break_minutes: int, crew_name: str
) -> list[str]:
    """What is wrong with one shift's hours, break and crew name (empty: nothing)."""
    if start_minute is None or end_minute is None:
        return ["A shift needs a start and an end time (HH:MM)."]
    problems = []
    if not 0 <= start_minute < MINUTES_PER_DAY or not 0 < end_minute <= MINUTES_PER_DAY:
        problems.append("Shift times are from 00:00 to 24:00.")
    elif end_minute <= start_minute:
        problems.append(
            f"A shift must end after it starts ({clock(start_minute)}–{clock(end_minute)})."
        )
    elif not 0 <= break_minutes < end_minute - start_minute:
        problems.append("The break must be shorter than the shift (0 for no break).")
    if len(crew_name.strip()) > 60:
        problems.append("A crew name has at most 60 characters.")
    return problems


def pattern_problems(slots: Sequence[PatternSlot]) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    for slot in slots:
        day = WEEKDAYS[slot.weekday] if 0 <= slot.weekday < 7 else str(slot.weekday)
        if slot.weekday in seen:
            problems.append(f"{day} is listed twice; one shift per day.")
        seen.add(slot.weekday)
        problems += [
            f"{day}: {p}"
            for p in slot_problems(
                slot.start_minute, slot.end_minute, slot.break_minutes, slot.crew_name
            )
        ]
    return problems


def crew_size_problems(slots: Iterable[PatternSlot], names: dict[int, str]) -> list[str]:
    """A crew is one or two people on a weekday."""
    riders: dict[tuple[int, str], list[int]] = defaultdict(list)
    for slot in slots:
        if slot.crew_name.strip():
            riders[(slot.weekday, slot.crew_name.strip())].append(slot.staff_id)
    return [
        f"Crew '{crew}' on {WEEKDAYS[day]} has {len(ids)} people "
        f"({', '.join(names.get(i, str(i)) for i in ids)}); a crew is one or two."
        for (day, crew), ids in sorted(riders.items())
        if len(ids) > 2
    ]


def weekly_pattern(db: Database, actor: Actor, staff_id: int) -> list[PatternSlot]:
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        rows = session.scalars(
            select(ShiftPattern)
            .where(ShiftPattern.staff_id == staff_id)
            .order_by(ShiftPattern.weekday)
        )
        return [pattern_slot(r) for r in rows]


def all_patterns(db: Database, actor: Actor) -> list[PatternSlot]:
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        rows = session.scalars(select(ShiftPattern).order_by(ShiftPattern.staff_id, "weekday"))
        return [pattern_slot(r) for r in rows]


def set_patterns_in(
    session: Session, actor: Actor, patterns: dict[int, Sequence[PatternSlot]], today: date
) -> None:
    """Replace the weekly pattern of each staff id in `patterns` (checked first)."""
    require(actor, Permission.MANAGE_TEAM)
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    problems: list[str] = []
    for staff_id, slots in patterns.items():
        if staff_id not in names:
            raise NotFoundError(f"Staff member {staff_id} no longer exists.")
        problems += [f"{names[staff_id]}: {p}" for p in pattern_problems(slots)]
    others = [
        pattern_slot(p)
        for p in session.scalars(select(ShiftPattern).where(ShiftPattern.staff_id.not_in(patterns)))
    ]
    mine = [s for slots in patterns.values() for s in slots]
    problems += crew_size_problems([*others, *mine], names)
    if problems:
        raise UserError("\n".join(problems))
    for staff_id, slots in patterns.items():
        old_days = []
        for row in session.scalars(select(ShiftPattern).where(ShiftPattern.staff_id == staff_id)):
            old_days.append(_pattern_text(row))
            session.delete(row)
        session.flush()
        for s in slots:
            session.add(
                ShiftPattern(
                    staff_id=staff_id,
                    weekday=s.weekday,
                    start_minute=s.start_minute,
                    end_minute=s.end_minute,
                    break_minutes=s.break_minutes,
                    crew_name=s.crew_name.strip(),
                    vehicle=s.vehicle.strip(),
                )
            )
        audit.record(
            session,
            actor,
            "shift_pattern.set",
            "staff",
            staff_id,
            f"{len(slots)} days",
            before={"pattern": sorted(old_days)},
            after={"pattern": sorted(_pattern_text(s) for s in slots)},
        )
    session.flush()
    forget_generated_days(session, today)


def set_weekly_pattern(
    db: Database, actor: Actor, staff_id: int, slots: Sequence[PatternSlot], today: date
) -> None:
    """Replace one person's weekly pattern; days from `today` on made from it are remade."""
    require(actor, Permission.MANAGE_TEAM)
    with db.session() as session:
        set_patterns_in(session, actor, {staff_id: slots}, today)


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    exception: DayException
    staff_name: str
    swap_with_name: str = ""

    @property
    def text(self) -> str:
        e = self.exception
        if e.kind is ShiftExceptionKind.SWAP:
            return f"swap: {self.swap_with_name} works this shift"
        if e.kind is ShiftExceptionKind.EXTRA and e.start_minute is not None:
            crew = f", {e.crew_name}" if e.crew_name else ""
            return f"extra shift {clock(e.start_minute)}–{clock(e.end_minute or 0)}{crew}"
        return e.kind.value


def exceptions_between(db: Database, actor: Actor, first: date, last: date) -> list[ExceptionInfo]:
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        names = dict(session.execute(select(Staff.id, Staff.name)).all())
        rows = session.scalars(
            select(ShiftException)
            .where(ShiftException.on_date >= first, ShiftException.on_date <= last)
            .order_by(ShiftException.on_date, ShiftException.id)
        )
        return [
            ExceptionInfo(
                day_exception(r),
                names.get(r.staff_id, ""),
                names.get(r.swap_with_id, "") if r.swap_with_id is not None else "",
            )
            for r in rows
        ]


def exception_problems_in(session: Session, e: DayException) -> list[str]:
    problems = []
    if session.get(Staff, e.staff_id) is None:
        return [f"Staff member {e.staff_id} no longer exists."]
    if e.kind is ShiftExceptionKind.EXTRA:
        problems += slot_problems(e.start_minute, e.end_minute, e.break_minutes, e.crew_name)
    if e.kind is ShiftExceptionKind.SWAP:
        if e.swap_with_id is None or session.get(Staff, e.swap_with_id) is None:
            problems.append("A swap names the colleague who works the shift instead.")
        elif e.swap_with_id == e.staff_id:
            problems.append("A swap is with someone else.")
        has_shift = session.scalar(
            select(ShiftPattern.id).where(
                ShiftPattern.staff_id == e.staff_id, ShiftPattern.weekday == e.on.weekday()
            )
        )
        if has_shift is None:
            problems.append(
                f"There is no shift to swap: the weekly pattern has none on "
                f"{WEEKDAYS[e.on.weekday()]}."
            )
    taken = session.scalar(
        select(ShiftException.id).where(
            ShiftException.staff_id == e.staff_id, ShiftException.on_date == e.on
        )
    )
    if taken is not None:
        problems.append(
            f"There is already an exception for this person on {e.on}; remove it first."
        )
    return problems


def add_exceptions_in(
    session: Session, actor: Actor, exceptions: Sequence[DayException]
) -> list[int]:
    """Add exceptions (checked first, all or none); returns their ids."""
    require(actor, Permission.MANAGE_TEAM)
    problems: list[str] = []
    for e in exceptions:
        problems += exception_problems_in(session, e)
    if problems:
        raise UserError("\n".join(problems))
    rows = []
    for e in exceptions:
        row = ShiftException(
            staff_id=e.staff_id,
            on_date=e.on,
            kind=e.kind.value,
            start_minute=e.start_minute,
            end_minute=e.end_minute,
            break_minutes=e.break_minutes,
            crew_name=e.crew_name.strip(),
            vehicle=e.vehicle.strip(),
            swap_with_id=e.swap_with_id,
            note=e.note.strip(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "shift_exception.add",
            "shift_exception",
            row.id,
            e.kind,
            after=row_values(row),
        )
        rows.append(row)
    for day in sorted({e.on for e in exceptions}):
        forget_generated_days(session, day, until=day)
        _apply_to_edited_day(session, [e for e in exceptions if e.on == day])
    return [r.id for r in rows]


def add_exception(db: Database, actor: Actor, exception: DayException) -> int:
    """Record leave, sickness, a swap or an extra shift for one person on one day."""
    require(actor, Permission.MANAGE_TEAM)
    with db.session() as session:
        return add_exceptions_in(session, actor, [exception])[0]


def remove_exception(db: Database, actor: Actor, exception_id: int) -> None:
    require(actor, Permission.MANAGE_TEAM)
    with db.session() as session:
        row = session.get(ShiftException, exception_id)
        if row is None:
            raise NotFoundError("That exception no longer exists.")
        day, old_values = row.on_date, row_values(row)
        session.delete(row)
        audit.record(
            session,
            actor,
            "shift_exception.remove",
            "shift_exception",
            exception_id,
            before=old_values,
        )
        session.flush()
        forget_generated_days(session, day, until=day)


def _apply_to_edited_day(session: Session, exceptions: Sequence[DayException]) -> None:
    """A day still stored after forgetting was edited by hand: apply sick/leave to it."""
    for e in exceptions:
        shift = session.scalar(
            select(Shift).where(Shift.shift_date == e.on, Shift.staff_id == e.staff_id)
        )
        if shift is None:
            if e.kind in (ShiftExceptionKind.SWAP, ShiftExceptionKind.EXTRA) and _stored(
                session, e.on
            ):
                raise UserError(
                    f"The crews for {e.on} are already set (planned or changed by hand); add this "
                    "person in the Crews dialog for that day instead."
                )
            continue
        if e.kind in (ShiftExceptionKind.SICK, ShiftExceptionKind.LEAVE):
            shift.out_sick = True
        else:
            raise UserError(
                f"The crews for {e.on} are already set (planned or changed by hand); change "
                "this shift in the Crews dialog for that day instead."
            )


def _stored(session: Session, on: date) -> bool:
    return session.scalar(select(Shift.id).where(Shift.shift_date == on).limit(1)) is not None


def add_day_shift(
    db: Database,
    actor: Actor,
    on: date,
    staff_id: int,
    start_minute: int,
    end_minute: int,
    break_minutes: int = 30,
) -> int:
    """Put someone who is off on `on` on shift that day (the crew editor's "Add staff…");
    returns the shift id."""
    require(actor, Permission.MANAGE_TEAM)
    problems = slot_problems(start_minute, end_minute, break_minutes, "")
    if problems:
        raise UserError("\n".join(problems))
    with db.session() as session:
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise NotFoundError(f"Staff member {staff_id} no longer exists.")
        ensure_day_in(session, on)
        existing = session.scalar(
            select(Shift).where(Shift.shift_date == on, Shift.staff_id == staff_id)
        )
        if existing is not None and not existing.out_sick:
            raise UserError(f"{staff.name} is already on shift on {on}.")
        zone = load_in(session, ProgramSettings).zone
        starts_at, ends_at = at_minute(on, start_minute, zone), at_minute(on, end_minute, zone)
        earliest, latest = break_window(starts_at, ends_at, break_minutes)
        old_values = None if existing is None else row_values(existing)
        shift = existing or Shift(staff_id=staff_id, shift_date=on)
        shift.starts_at, shift.ends_at = starts_at, ends_at
        shift.base_name, shift.base_lat, shift.base_lon = (
            staff.base_name,
            staff.base_lat,
            staff.base_lon,
        )
        shift.break_earliest, shift.break_latest = earliest, latest
        shift.break_minutes = break_minutes if earliest is not None else 0
        shift.out_sick = False
        shift.from_pattern = False
        if existing is None:
            session.add(shift)
        session.flush()
        audit.record(
            session,
            actor,
            "shift.add",
            "shift",
            shift.id,
            f"{on} staff={staff_id}",
            before=old_values,
            after=row_values(shift),
        )
        return shift.id


def _pattern_text(slot: ShiftPattern | PatternSlot) -> str:
    """One weekly slot for the audit: 'weekday 0 08:00-16:00 break 30 crew A vehicle M1'."""
    start, end = slot.start_minute, slot.end_minute
    return (
        f"weekday {slot.weekday} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
        f" break {slot.break_minutes} crew {slot.crew_name.strip()} vehicle {slot.vehicle.strip()}"
    )
