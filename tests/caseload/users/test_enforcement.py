"""Permissions are enforced in the services, not only in the UI: for each role family a refused
call raises `PermissionDenied` and writes nothing (no row, no audit entry), and a paramedic's
lists hold only their part of the caseload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from caseload import settings
from caseload.actor import Actor, Role
from caseload.clients import client_detail, list_client_rows
from caseload.demo.create import create_demo
from caseload.enums import VisitStatus
from caseload.errors import UserError
from caseload.importing.clients import import_clients
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import record_outcome
from caseload.outcomes.stops import stops_for_outcomes
from caseload.planning.crew_edits import pair_staff
from caseload.planning.service import load_day, plan_day
from caseload.planning.sheets import build_crew_sheets
from caseload.planning.versions import load_plan, save_plan
from caseload.priority.service import rank_caseload
from caseload.rebalance import apply_moves, suggest_rebalance
from caseload.referrals.intake import list_referrals
from caseload.reports.service import build_report
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Base, Client, Staff
from caseload.users import accounts
from caseload.users.permissions import PermissionDenied
from caseload.users.scope import visible_client_ids

DAY = date(2026, 3, 2)
MANAGER = Actor("pm", Role.PROGRAM_MANAGER)
SUPERVISOR = Actor("sam", Role.SUPERVISOR)
ADMIN = Actor("ada", Role.ADMINISTRATOR)
CLIENTS_CSV = "examples/clients.csv"

Call = Callable[[Database, Actor], object]

CALLS: dict[str, Call] = {
    "import": lambda db, a: import_clients(db, a, CLIENTS_CSV),
    "settings": lambda db, a: settings.save(db, ProgramSettings(program_name="X"), a),
    "rebalance": lambda db, a: apply_moves(db, a, [], {}),
    "suggest": lambda db, a: suggest_rebalance(db, a, max_moves=2, today=DAY),
    "report": lambda db, a: build_report(db, DAY, DAY, a),
    "referrals": lambda db, a: list_referrals(db, a),
    "plan": lambda db, a: plan_day(db, DAY, a),
    "crews": lambda db, a: pair_staff(db, a, DAY, "Medic 9", []),
    "caseload": lambda db, a: list_client_rows(db, DAY, a),
    "users": lambda db, a: accounts.add_user(db, a, "kim", "Kim", Role.SUPERVISOR, "pw pw pw pw"),
    "local mode": lambda db, a: accounts.set_local_mode(db, a, True),
}

REFUSED: dict[Role, tuple[str, ...]] = {
    Role.PARAMEDIC: (
        "import",
        "settings",
        "rebalance",
        "suggest",
        "report",
        "referrals",
        "plan",
        "crews",
        "users",
        "local mode",
    ),
    Role.PEER_SUPPORT: ("import", "rebalance", "plan", "users"),
    Role.SUPERVISOR: ("import", "settings", "users", "local mode"),
    Role.PROGRAM_MANAGER: ("users", "local mode"),
    Role.ADMINISTRATOR: ("import", "rebalance", "report", "referrals", "plan", "crews", "caseload"),
}


def _counts(db: Database) -> dict[str, int]:
    """Rows in every table: a refused call must leave each count as it was."""
    with db.session() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def _demo(db: Database) -> tuple[int, set[int]]:
    """A small demo; a community paramedic's staff id and their assigned clients."""
    create_demo(db, MANAGER, clients=12, today=DAY)
    with db.session() as session:
        medics = session.scalars(select(Staff.id).where(Staff.role == "community_paramedic"))
        assigned = {
            m: set(session.scalars(select(Client.id).where(Client.assigned_clinician_id == m)))
            for m in medics
        }
    staff_id, clients = max(assigned.items(), key=lambda pair: len(pair[1]))
    return staff_id, clients


@pytest.mark.parametrize("role", list(REFUSED))
def test_a_refused_call_raises_and_writes_nothing(sqlite_db: Database, role: Role) -> None:
    staff_id, _ = _demo(sqlite_db)
    actor = Actor(f"user-{role.value}", role, staff_id if role in accounts.CREW_ROLES else None)
    before = _counts(sqlite_db)
    for name in REFUSED[role]:
        with pytest.raises(PermissionDenied, match=rf"^Your role \({role.label}\) cannot "):
            CALLS[name](sqlite_db, actor)
    assert _counts(sqlite_db) == before


def test_refusals_on_postgresql_too(db: Database) -> None:
    staff_id, _ = _demo(db)
    before = _counts(db)
    medic = Actor("lee", Role.PARAMEDIC, staff_id)
    for name in ("import", "rebalance", "plan", "users"):
        with pytest.raises(PermissionDenied):
            CALLS[name](db, medic)
    with pytest.raises(PermissionDenied, match="cannot see client records"):
        CALLS["caseload"](db, ADMIN)
    assert _counts(db) == before


def test_a_paramedic_sees_only_their_part_of_the_caseload(db: Database) -> None:
    staff_id, assigned = _demo(db)
    medic = Actor("lee", Role.PARAMEDIC, staff_id)
    visible = visible_client_ids(db, medic, DAY)
    assert visible is not None and assigned <= visible
    rows = list_client_rows(db, DAY, medic)
    everyone = list_client_rows(db, DAY, SUPERVISOR)
    assert rows and len(rows) < len(everyone)
    assert {r.client_id for r in rows} <= visible
    assert {p.client_id for p in rank_caseload(db, DAY, medic)} <= visible
    outsider = next(r.client_id for r in everyone if r.client_id not in visible)
    with pytest.raises(PermissionDenied, match="cannot see clients outside your crew"):
        client_detail(db, outsider, DAY, medic)
    assert client_detail(db, rows[0].client_id, DAY, medic).client_id == rows[0].client_id


def test_a_demo_database_refuses_real_imports(sqlite_db: Database) -> None:
    _demo(sqlite_db)
    before = _counts(sqlite_db)
    with pytest.raises(UserError, match="This is a demo database; create a program database"):
        import_clients(sqlite_db, MANAGER, CLIENTS_CSV)
    assert _counts(sqlite_db) == before


def test_a_paramedic_gets_their_crews_route_sheet_and_outcome_stops_only(
    sqlite_db: Database,
) -> None:
    create_demo(sqlite_db, MANAGER, clients=40, today=DAY)
    day = load_day(sqlite_db, DAY, MANAGER)
    plan = plan_day(
        sqlite_db,
        DAY,
        MANAGER,
        selected=sorted(day.suggested),
        time_limit_s=1,
        crews=day.crews,
        candidates=day.candidates,
    )
    saved = save_plan(sqlite_db, MANAGER, plan, based_on_version=day.latest_version)
    assert saved.plan_id is not None
    routed = [r for r in saved.routes if r.stops]
    assert len(routed) >= 2
    mine = routed[0]
    medic = Actor("m", Role.PARAMEDIC, mine.crew.members[0].staff_id)

    loaded = load_plan(sqlite_db, saved.plan_id, medic)
    assert [r.crew.name for r in loaded.routes] == [mine.crew.name]
    assert loaded.unassigned == ()
    sheets = build_crew_sheets(sqlite_db, saved.plan_id, medic)
    assert [s.crew_name for s in sheets] == [mine.crew.name]
    stops = {s.client_id for s in stops_for_outcomes(sqlite_db, saved.plan_id, medic)}
    assert stops == {s.client_id for s in mine.stops}
    other = next(s.client_id for r in routed[1:] for s in r.stops if s.client_id not in stops)
    with pytest.raises(PermissionDenied):
        record_outcome(
            sqlite_db, medic, saved.plan_id, other, OutcomeEntry(status=VisitStatus.CANCELLED)
        )
