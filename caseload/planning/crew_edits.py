"""Changing the crews on a day: shift times, out sick, who pairs with whom.

The crew editor's changes are checked (`crew_problems`) and saved together in one transaction
(`apply_shift_edits`); single changes have their own functions. Every change is audited and
checks the shift version (or the crew names) it was loaded with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import Values, row_values
from caseload.errors import ConflictError, UserError
from caseload.planning.crews import ShiftInfo, crew_names_in
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Crew, CrewMember, Shift
from caseload.store.versioned import row_for_update
from caseload.users.permissions import Permission, require


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    details: str,
    *,
    before: Values | None = None,
    after: Values | None = None,
) -> None:
    audit.record(session, actor, action, entity, entity_id, details, before=before, after=after)


def _shift_for_update(session: Session, shift_id: int, expected_version: int) -> Shift:
    return row_for_update(
        session,
        Shift,
        shift_id,
        expected_version,
        name="Shift",
        conflict=lambda _s: (
            "Someone else changed this shift since you opened it; nothing was saved. "
            "Reload the day and try again."
        ),
    )


def _set_out_sick_in(session: Session, actor: Actor, shift: Shift, out_sick: bool) -> None:
    old_values = row_values(shift)
    shift.out_sick = out_sick
    _audit(
        session,
        actor,
        "shift.out_sick",
        "shift",
        shift.id,
        f"out_sick={out_sick}",
        before=old_values,
        after=row_values(shift),
    )


def _set_times_in(
    session: Session, actor: Actor, shift: Shift, starts_at: datetime, ends_at: datetime
) -> None:
    if ends_at <= starts_at:
        raise UserError("A shift must end after it starts.")
    old_values = row_values(shift)
    shift.starts_at, shift.ends_at = starts_at, ends_at
    details = f"{starts_at.isoformat()}..{ends_at.isoformat()}"
    _audit(
        session,
        actor,
        "shift.times",
        "shift",
        shift.id,
        details,
        before=old_values,
        after=row_values(shift),
    )


def set_out_sick(
    db: Database, actor: Actor, shift_id: int, expected_version: int, out_sick: bool
) -> None:
    """Mark a staff member's shift out sick (or back); their crew plans without them."""
    require(actor, Permission.EDIT_PLAN)
    with db.session() as session:
        shift = _shift_for_update(session, shift_id, expected_version)
        _set_out_sick_in(session, actor, shift, out_sick)


def set_shift_times(
    db: Database,
    actor: Actor,
    shift_id: int,
    expected_version: int,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    """Adjust a shift's start and end (aware datetimes)."""
    require(actor, Permission.EDIT_PLAN)
    if ends_at <= starts_at:
        raise UserError("A shift must end after it starts.")
    with db.session() as session:
        shift = _shift_for_update(session, shift_id, expected_version)
        _set_times_in(session, actor, shift, starts_at, ends_at)


def _drop_members_in(session: Session, on: date, staff_ids: Collection[int]) -> list[Crew]:
    """Take `staff_ids` out of every crew on `on`; returns the day's crews."""
    day_crews = list(session.scalars(select(Crew).where(Crew.crew_date == on)))
    for crew in day_crews:
        crew.from_pattern = False  # the day was edited by hand: the pattern no longer remakes it
        crew.members = [m for m in crew.members if m.staff_id not in staff_ids]
    session.flush()  # delete the old memberships before re-adding any (unique crew/staff)
    return day_crews


def _delete_empty_in(session: Session, day_crews: list[Crew], keep: Crew | None) -> None:
    for empty in [c for c in day_crews if not c.members and c is not keep]:
        session.delete(empty)


def _pair_in(session: Session, actor: Actor, on: date, name: str, staff_ids: list[int]) -> None:
    if not 1 <= len(staff_ids) <= 2:
        raise UserError("A crew has one or two members.")
    if not name.strip():
        raise UserError("A crew needs a name, e.g. 'Medic 1'.")
    day_crews = _drop_members_in(session, on, staff_ids)
    existing = next((c for c in day_crews if c.name == name.strip()), None)
    crew = existing if existing is not None else Crew(crew_date=on, name=name.strip())
    if existing is None:
        session.add(crew)
    crew.members = [CrewMember(staff_id=sid, position=i) for i, sid in enumerate(staff_ids)]
    session.flush()
    _delete_empty_in(session, day_crews, crew)
    _audit(session, actor, "crew.pair", "crew", crew.id, f"{on} {name}: {staff_ids}")


def pair_staff(db: Database, actor: Actor, on: date, name: str, staff_ids: list[int]) -> None:
    """Make (or remake) crew `name` on `on` from 1-2 staff; they leave any other crew that day."""
    require(actor, Permission.EDIT_PLAN)
    with db.session() as session:
        _pair_in(session, actor, on, name, staff_ids)


def unpair_staff(db: Database, actor: Actor, on: date, staff_ids: list[int]) -> None:
    """Take staff out of their crews on `on`: each then works alone (a crew of one)."""
    require(actor, Permission.EDIT_PLAN)
    with db.session() as session:
        _unpair_in(session, actor, on, staff_ids)


def _unpair_in(session: Session, actor: Actor, on: date, staff_ids: list[int]) -> None:
    day_crews = _drop_members_in(session, on, staff_ids)
    _delete_empty_in(session, day_crews, None)
    _audit(session, actor, "crew.unpair", "staff", ",".join(map(str, staff_ids)), f"{on}")


@dataclass(frozen=True, slots=True)
class ShiftEdit:
    """What the crew editor wants one shift to be (from the `ShiftInfo` it loaded)."""

    shift_id: int
    expected_version: int
    staff_id: int
    staff_name: str
    starts_at: datetime
    ends_at: datetime
    out_sick: bool
    crew_name: str  # "" = works alone


def edit_of(info: ShiftInfo) -> ShiftEdit:
    """The editable copy of a loaded shift, unchanged."""
    return ShiftEdit(
        shift_id=info.shift_id,
        expected_version=info.version,
        staff_id=info.staff_id,
        staff_name=info.staff_name,
        starts_at=info.starts_at,
        ends_at=info.ends_at,
        out_sick=info.out_sick,
        crew_name=info.crew_name,
    )


def crew_groups(edits: Sequence[ShiftEdit]) -> dict[str, list[ShiftEdit]]:
    """Staff by crew name (trimmed); staff working alone are left out."""
    groups: dict[str, list[ShiftEdit]] = defaultdict(list)
    for edit in edits:
        if edit.crew_name.strip():
            groups[edit.crew_name.strip()].append(edit)
    return dict(groups)


def crew_problems(edits: Sequence[ShiftEdit], zone: tzinfo = UTC) -> list[str]:
    """Why these edits cannot be saved, one sentence each (empty: they can); times in `zone`."""
    problems = []
    for edit in edits:
        if edit.ends_at <= edit.starts_at:
            problems.append(
                f"{edit.staff_name}'s shift ends at {edit.ends_at.astimezone(zone):%H:%M}, "
                f"before it starts at {edit.starts_at.astimezone(zone):%H:%M}."
            )
    for name, members in crew_groups(edits).items():
        names = ", ".join(m.staff_name for m in members)
        if len(members) > 2:
            problems.append(
                f"Crew '{name}' has {len(members)} people ({names}); a crew is one or two. "
                "Give someone another crew name, or clear it to work alone."
            )
            continue
        working = [m for m in members if not m.out_sick and m.starts_at < m.ends_at]
        if len(working) == 2 and max(m.starts_at for m in working) >= min(
            m.ends_at for m in working
        ):
            problems.append(f"Crew '{name}': {names} are never on shift at the same time.")
    return problems


def apply_shift_edits(
    db: Database, actor: Actor, on: date, loaded: Sequence[ShiftInfo], edits: Sequence[ShiftEdit]
) -> int:
    """Save the crew editor's changes for `on` in one transaction; returns how many shifts
    changed. Raises UserError (nothing saved) for invalid edits and ConflictError when someone
    changed a shift or a crew since `loaded` was read."""
    require(actor, Permission.EDIT_PLAN)
    before = {s.shift_id: s for s in loaded}
    changed: set[int] = set()
    with db.session() as session:
        problems = crew_problems(edits, load_in(session, ProgramSettings).zone)
        if problems:
            raise UserError("\n".join(problems))
        for edit in edits:
            old = before[edit.shift_id]
            times = (edit.starts_at, edit.ends_at) != (old.starts_at, old.ends_at)
            if not times and edit.out_sick == old.out_sick:
                continue
            shift = _shift_for_update(session, edit.shift_id, edit.expected_version)
            if times:
                _set_times_in(session, actor, shift, edit.starts_at, edit.ends_at)
            if edit.out_sick != old.out_sick:
                _set_out_sick_in(session, actor, shift, edit.out_sick)
            changed.add(edit.shift_id)
        moved = [e for e in edits if e.crew_name.strip() != before[e.shift_id].crew_name]
        if moved:
            current = crew_names_in(session, on)
            for edit in moved:
                if current.get(edit.staff_id, "") != before[edit.shift_id].crew_name:
                    raise ConflictError(
                        f"Someone else changed {edit.staff_name}'s crew since you opened the "
                        "day; nothing was saved. Reload the crews and try again."
                    )
            old_groups = {
                name: {m.staff_id for m in members}
                for name, members in _info_groups(loaded).items()
            }
            for name, members in crew_groups(edits).items():
                if {m.staff_id for m in members} != old_groups.get(name, set()):
                    _pair_in(session, actor, on, name, [m.staff_id for m in members])
            alone = [e.staff_id for e in moved if not e.crew_name.strip()]
            if alone:
                _unpair_in(session, actor, on, alone)
            changed |= {e.shift_id for e in moved}
    return len(changed)


def _info_groups(loaded: Sequence[ShiftInfo]) -> dict[str, list[ShiftInfo]]:
    groups: dict[str, list[ShiftInfo]] = defaultdict(list)
    for info in loaded:
        if info.crew_name:
            groups[info.crew_name].append(info)
    return groups
