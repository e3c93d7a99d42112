"""Adding and editing staff: validation, unique names, stale edits refused, audit, expiry flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from caseload.errors import ConflictError, UserError
from caseload.store.database import Database
from caseload.store.models import AuditEntry
from caseload.team.skills import Held
from caseload.team.staff import (
    StaffDraft,
    add_staff,
    list_staff,
    staff_problems,
    update_staff,
)
from tests.caseload.team.helpers import ACTOR

DAY = date(2026, 12, 8)
ANA = StaffDraft(
    "Ana Reyes",
    "community_paramedic",
    (Held("community_paramedic", date(2026, 12, 20)), Held("immunizer", date(2026, 11, 30))),
    ("en", "es"),
    "Station 1",
    35.99,
    -78.89,
    40.0,
)


def test_problems_name_each_bad_field() -> None:
    bad = StaffDraft(
        " ",
        "doctor",
        (Held("pilot"), Held("cpr"), Held("cpr")),
        weekly_hours=90,
        home_lat=1.0,
        extra_skills=("flying",),
    )
    problems = "\n".join(staff_problems(bad))
    for part in (
        "needs a name",
        "Role 'doctor'",
        "Certification 'pilot'",
        "'cpr' is listed twice",
        "Skill 'flying'",
        "from 0 to 80",
        "latitude and longitude",
    ):
        assert part in problems
    assert staff_problems(ANA) == []


def test_add_list_and_flag_expiry(db: Database) -> None:
    staff_id = add_staff(db, ACTOR, ANA)
    [info] = list_staff(db, ACTOR, DAY)
    assert info.id == staff_id and info.draft == ANA
    assert [c.name for c in info.expired] == ["immunizer"]  # expired on 30 Nov
    assert [c.name for c in info.expiring] == ["community_paramedic"]  # within 30 days
    assert "paramedic" in info.skills and "vaccine" not in info.skills
    with db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions == ["staff.add"]


def test_names_are_unique_regardless_of_case(db: Database) -> None:
    add_staff(db, ACTOR, ANA)
    with pytest.raises(UserError, match="already a staff member called"):
        add_staff(db, ACTOR, replace(ANA, name="ana reyes"))


def test_edit_saves_and_audits_the_changed_fields_and_refuses_stale_versions(db: Database) -> None:
    staff_id = add_staff(db, ACTOR, ANA)
    [info] = list_staff(db, ACTOR, DAY)
    renewed = replace(
        ANA,
        certifications=(Held("community_paramedic", date(2028, 12, 31)),),
        active=False,
    )
    update_staff(db, ACTOR, staff_id, info.version, renewed)
    [after] = list_staff(db, ACTOR, DAY)
    assert after.draft.certifications == renewed.certifications and not after.draft.active
    with db.session() as session:
        details = session.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "staff.edit")
        )
    assert details == "certifications,active"
    with pytest.raises(ConflictError):
        update_staff(db, ACTOR, staff_id, info.version, ANA)
    with pytest.raises(UserError, match="Role"):
        update_staff(db, ACTOR, staff_id, after.version, replace(ANA, role="pilot"))
