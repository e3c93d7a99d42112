"""`import staff` and `import shifts`: good files stored, every bad row named (row, column,
value, expected) and nothing written when any row is bad."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.enums import ShiftExceptionKind
from caseload.errors import InputFileError
from caseload.importing.shifts import import_shifts
from caseload.importing.staff import import_staff
from caseload.store.database import Database
from caseload.store.models import ShiftException, ShiftPattern, Staff, StaffCertification
from caseload.team.shifts import all_patterns, exceptions_between
from caseload.team.staff import list_staff
from tests.caseload.team.helpers import ACTOR

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _count(db: Database, model: type[object]) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _problems(err: pytest.ExceptionInfo[InputFileError]) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.value) for p in err.value.problems]


def test_the_example_files_import(db: Database) -> None:
    staff = import_staff(db, ACTOR, EXAMPLES / "staff.csv")
    shifts = import_shifts(db, ACTOR, EXAMPLES / "shifts.csv")
    assert (staff.created, shifts.created) == (7, 11)
    by_name = {s.name: s for s in list_staff(db, ACTOR, date(2026, 12, 8))}
    ana = by_name["Ana Reyes"].draft
    assert ana.role == "community_paramedic" and ana.languages == ("en", "es")
    assert ana.home_lat == pytest.approx(35.996845)
    assert next((c.name, c.expires_on) for c in ana.certifications) == (
        "community_paramedic",
        date(2027, 6, 30),
    )
    assert by_name["Chris Dunn"].draft.role == "emt"
    assert len(all_patterns(db, ACTOR)) == 5 + 5 + 4 + 4 + 2 + 5 + 1 + 1
    kinds = [
        e.exception.kind for e in exceptions_between(db, ACTOR, date(2026, 1, 1), date(2027, 1, 1))
    ]
    assert kinds == [ShiftExceptionKind.LEAVE, ShiftExceptionKind.SWAP, ShiftExceptionKind.SWAP]


def test_reimporting_staff_updates_by_name(db: Database, tmp_path: Path) -> None:
    header = "name,role,certifications,weekly_hours\n"
    import_staff(db, ACTOR, _write(tmp_path / "a.csv", header + "Ana Reyes,CP,cp:2026-01-31,40\n"))
    report = import_staff(
        db,
        ACTOR,
        _write(tmp_path / "b.csv", header + "ana reyes,cp,CP:2028-01-31;bls,32\nBo Li,RN,,36\n"),
    )
    assert (report.created, report.updated) == (1, 1)
    assert _count(db, Staff) == 2
    with db.session() as session:
        certs = sorted(
            session.execute(select(StaffCertification.name, StaffCertification.expires_on)).all()
        )
    assert [tuple(c) for c in certs] == [("community_paramedic", date(2028, 1, 31)), ("cpr", None)]


def test_bad_staff_rows_are_all_reported_and_nothing_is_stored(
    db: Database, tmp_path: Path
) -> None:
    text = (
        "name,role,certifications,home_lat,home_lon,weekly_hours,active,skills\n"
        "Ana Reyes,pilot,,,,40,,\n"  # row 2: role
        ",emt,,,,40,,\n"  # row 3: name
        "Bo Li,emt,emt:2027-13-01;jedi,,,40,,\n"  # row 4: certification date, unknown name
        "Cy Ng,emt,,95,-78,,maybe,flying\n"  # row 5: lat, active, skills
        "Dee Jackson,peer,,,,120,,\n"  # row 6: hours
        "ana reyes,emt,,,,,,\n"  # row 7: repeats row 2's name
    )
    with pytest.raises(InputFileError) as err:
        import_staff(db, ACTOR, _write(tmp_path / "staff.csv", text))
    assert _problems(err) == [
        (2, "role", "pilot"),
        (3, "name", ""),
        (4, "certifications", "emt:2027-13-01"),
        (4, "certifications", "jedi"),
        (5, "home_lat", "95"),
        (5, "active", "maybe"),
        (5, "skills", "flying"),
        (6, "weekly_hours", "120"),
        (7, "name", "ana reyes"),
    ]
    assert "staff.csv" in str(err.value) and "expected one of community_paramedic" in str(err.value)
    assert _count(db, Staff) == 0


def test_bad_shift_rows_are_all_reported_and_nothing_is_stored(
    db: Database, tmp_path: Path
) -> None:
    import_staff(db, ACTOR, EXAMPLES / "staff.csv")
    header = "staff,days,date,kind,start,end,break_minutes,crew,swap_with\n"
    rows = (
        "Nobody,Mon,,,07:00,15:00,,,\n"  # 2: unknown staff
        "Ana Reyes,Mon-Fry,,,07:00,15:00,,,\n"  # 3: days
        "Ana Reyes,Sat,,,15:00,07:00,,,\n"  # 4: end before start
        "Ana Reyes,Sun,,,7:00,25:00,,,\n"  # 5: end
        "Ben Carter,Mon,2026-12-08,sick,07:00,15:00,,,\n"  # 6: both days and date
        "Ben Carter,,2026-12-08,holiday,,,,,\n"  # 7: kind
        "Ben Carter,,2026-12-09,swap,,,,,\n"  # 8: swap without colleague
        "Ben Carter,,2026-12-10,extra,,,,,\n"  # 9: extra needs start and end
        "Ben Carter,Tue,,,07:00,15:00,,,\n"  # 10
        "Ben Carter,Mon;Tue,,,07:00,15:00,,M1,\n"  # 11: Monday twice for Ben
        "Chris Dunn,Mon,,,07:00,15:00,,M1,\n"  # 12
        "Dee Jackson,Mon,,,07:00,15:00,,M1,\n"  # 13: a third person in crew M1 on Monday
        "Eli Moore,,2026-12-13,swap,,,,,Ana Reyes\n"  # 14: Eli has no Sunday shift to swap
        "Eli Moore,Mon,,,07:00,15:00,500,,\n"  # 15: break
    )
    with pytest.raises(InputFileError) as err:
        import_shifts(db, ACTOR, _write(tmp_path / "shifts.csv", header + rows))
    found = _problems(err)
    assert found == [
        (2, "staff", "Nobody"),
        (3, "days", "Mon-Fry"),
        (4, "end", "07:00"),
        (5, "end", "25:00"),
        (6, "date", "Mon"),
        (7, "kind", "holiday"),
        (8, "swap_with", ""),
        (9, "start", ""),
        (9, "end", ""),
        (11, "days", "ben carter"),
        (13, "crew", "m1"),
        (14, "date", "2026-12-13"),
        (15, "break_minutes", "500"),
    ]
    assert _count(db, ShiftPattern) == 0 and _count(db, ShiftException) == 0


def test_a_pattern_row_replaces_only_the_people_it_names(db: Database, tmp_path: Path) -> None:
    import_staff(db, ACTOR, EXAMPLES / "staff.csv")
    import_shifts(db, ACTOR, EXAMPLES / "shifts.csv")
    header = "staff,days,start,end\n"
    import_shifts(db, ACTOR, _write(tmp_path / "s.csv", header + "Chris Dunn,daily,08:00,16:00\n"))
    patterns = all_patterns(db, ACTOR)
    with db.session() as session:
        chris = session.scalar(select(Staff.id).where(Staff.name == "Chris Dunn"))
    assert sorted(p.weekday for p in patterns if p.staff_id == chris) == list(range(7))
    assert len(patterns) == 5 + 5 + 4 + 2 + 5 + 1 + 7
    with pytest.raises(InputFileError, match="no exception already recorded"):
        import_shifts(db, ACTOR, EXAMPLES / "shifts.csv")


def test_an_exceptions_only_file_keeps_everyones_weekly_pattern(
    db: Database, tmp_path: Path
) -> None:
    """A sick day imported on its own is one day's exception: the person's weekly pattern (and
    so every other day's shift) stays."""
    import_staff(db, ACTOR, EXAMPLES / "staff.csv")
    import_shifts(db, ACTOR, EXAMPLES / "shifts.csv")
    before = all_patterns(db, ACTOR)
    sick = "staff,date,kind\nAna Reyes,2026-12-08,sick\n"
    import_shifts(db, ACTOR, _write(tmp_path / "sick.csv", sick))
    assert all_patterns(db, ACTOR) == before
    [recorded] = exceptions_between(db, ACTOR, date(2026, 12, 8), date(2026, 12, 8))
    assert (recorded.staff_name, recorded.exception.kind) == ("Ana Reyes", ShiftExceptionKind.SICK)
