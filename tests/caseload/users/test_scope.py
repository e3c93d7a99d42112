"""A crew member's part of the caseload: their crew's stops in the day's latest plan and their
assigned clients; everyone else sees all."""

from __future__ import annotations

from datetime import UTC, date, datetime

from caseload.actor import Actor, Role
from caseload.store.database import Database
from caseload.store.models import Client, Crew, CrewMember, Plan, PlanStop, Staff
from caseload.users.scope import visible_client_ids

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _world(db: Database) -> dict[str, int]:
    """Lee rides in Medic 1 with Kim on DAY; Ortiz in Medic 2. Plan v1 then v2 for DAY."""
    with db.session() as session:
        staff = {n: Staff(name=n, role="community_paramedic") for n in ("Lee", "Kim", "Ortiz")}
        session.add_all(staff.values())
        session.flush()
        clients = {
            name: Client(
                external_id=name,
                first_name=name,
                last_name="X",
                date_of_birth=date(1960, 1, 1),
                created_at=NOW,
                assigned_clinician_id=staff[owner].id if owner else None,
            )
            for name, owner in (
                ("own", "Lee"),
                ("crew", None),
                ("old", None),
                ("other", "Ortiz"),
                ("kims", "Kim"),
            )
        }
        session.add_all(clients.values())
        session.flush()
        for name, members in (("Medic 1", ("Lee", "Kim")), ("Medic 2", ("Ortiz",))):
            crew = Crew(crew_date=DAY, name=name)
            crew.members = [
                CrewMember(staff_id=staff[m].id, position=i) for i, m in enumerate(members)
            ]
            session.add(crew)
        for version, stops in ((1, ("old",)), (2, ("crew", "other"))):
            plan = Plan(
                plan_date=DAY,
                version_no=version,
                created_at=NOW,
                created_by="pm",
                problem_json="{}",
                solution_json="{}",
            )
            plan.stops = [
                PlanStop(
                    crew_name="Medic 1" if c != "other" else "Medic 2",
                    seq=i,
                    client_id=clients[c].id,
                )
                for i, c in enumerate(stops)
            ]
            session.add(plan)
        session.flush()
        return {**{k: v.id for k, v in clients.items()}, **{k: v.id for k, v in staff.items()}}


def test_a_paramedic_sees_their_crews_latest_stops_and_their_own_clients(db: Database) -> None:
    ids = _world(db)
    lee = Actor("lee", Role.PARAMEDIC, ids["Lee"])
    assert visible_client_ids(db, lee, DAY) == {ids["own"], ids["crew"]}
    # Another day: no crew, only the assigned clients.
    assert visible_client_ids(db, lee, date(2026, 3, 3)) == {ids["own"]}
    peer = Actor("kim", Role.PEER_SUPPORT, ids["Kim"])
    assert visible_client_ids(db, peer, DAY) == {ids["kims"], ids["crew"]}


def test_supervisors_and_break_glass_see_everyone_an_unlinked_account_no_one(
    db: Database,
) -> None:
    ids = _world(db)
    assert visible_client_ids(db, Actor("sam", Role.SUPERVISOR), DAY) is None
    assert visible_client_ids(db, Actor("lee", Role.PARAMEDIC, ids["Lee"], True), DAY) is None
    assert visible_client_ids(db, Actor("x", Role.PARAMEDIC), DAY) == set()
    assert visible_client_ids(db, Actor("ada", Role.ADMINISTRATOR), DAY) == set()
