"""Rebalancing services on a real database (SQLite and PostgreSQL): the workload snapshot,
suggestions that write nothing, apply in one audited transaction, conflicts, manual preview."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseload.actor import Actor, Role
from caseload.errors import ConflictError, UserError
from caseload.rebalance import apply_moves, load_snapshot, move_preview, suggest_rebalance
from caseload.rebalance.apply import AUDIT_ACTION
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, Crew, CrewMember, Enrollment, Program, Staff
from caseload.users.permissions import PermissionDenied
from tests.caseload.rebalance_data import (
    TODAY,
    ClientSpec,
    StaffSpec,
    add_clients,
    add_shift,
    add_staff,
)

SUPERVISOR = Actor("sam", Role.SUPERVISOR)


def _team(db: Database) -> dict[str, int]:
    return add_staff(
        db,
        [
            StaffSpec("Lee", 35.99, -78.90, capacity=10.0),
            StaffSpec("Ortiz", 36.00, -78.91, languages="en,es", capacity=30.0),
            StaffSpec("Kim", 35.98, -78.89, role="peer_support", skills="naloxone"),
            StaffSpec("Pat", 35.98, -78.89, role="supervisor"),
            StaffSpec("Gone", 35.98, -78.89, active=False),
        ],
    )


def _overloaded_lee(db: Database, staff: dict[str, int]) -> dict[str, int]:
    specs = [
        ClientSpec(f"C{i:02d}", "Lee", 35.99 + i * 0.001, -78.90, programs=("high_utilizer",))
        for i in range(12)
    ]
    specs.append(ClientSpec("ES1", "Lee", 35.995, -78.905, language="es"))
    specs.append(ClientSpec("LOCK", "Lee", 35.995, -78.905, locked=True))
    return add_clients(db, specs, staff)


def _versions(db: Database) -> dict[str, tuple[int | None, int]]:
    with db.session() as session:
        return {
            c.external_id: (c.assigned_clinician_id, c.version)
            for c in session.scalars(select(Client))
        }


def _audit(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)))


def test_snapshot_capacity_from_shifts_less_reserve(db: Database) -> None:
    staff = _team(db)
    add_shift(db, staff["Ortiz"], TODAY, 10.0)
    add_shift(db, staff["Ortiz"], TODAY + timedelta(days=3), 10.0)
    add_shift(db, staff["Ortiz"], TODAY + timedelta(days=5), 10.0, sick=True)
    add_shift(db, staff["Ortiz"], TODAY + timedelta(days=14), 10.0)  # beyond the horizon
    snapshot = load_snapshot(db, SUPERVISOR, today=TODAY)
    names = [c.name for c in snapshot.clinicians]
    assert names == ["Kim", "Lee", "Ortiz"]  # no supervisor, nobody inactive
    ortiz = snapshot.clinician(staff["Ortiz"])
    assert ortiz.capacity_source == "shifts"
    assert ortiz.shift_hours_per_week == pytest.approx(10.0)  # 20 h over 14 days
    assert ortiz.capacity_hours == pytest.approx(8.5)
    lee = snapshot.clinician(staff["Lee"])
    assert lee.capacity_source == "contract"
    assert lee.capacity_hours == pytest.approx(8.5)


def test_snapshot_capacity_counts_a_shared_crew_once(db: Database) -> None:
    staff = _team(db)
    for day in (TODAY, TODAY + timedelta(days=1)):
        add_shift(db, staff["Ortiz"], day, 10.0)
        add_shift(db, staff["Kim"], day, 10.0)
    # On the first day Ortiz and Kim ride together; on the second each works a crew of one.
    with db.session() as session:
        session.add(
            Crew(
                crew_date=TODAY,
                name="Medic 1",
                members=[
                    CrewMember(staff_id=staff["Ortiz"], position=0),
                    CrewMember(staff_id=staff["Kim"], position=1),
                ],
            )
        )
    snapshot = load_snapshot(db, SUPERVISOR, today=TODAY)
    for name in ("Ortiz", "Kim"):
        facts = snapshot.clinician(staff[name])
        # (5 h shared + 10 h alone) over the 14-day horizon, per week.
        assert facts.shift_hours_per_week == pytest.approx(15.0 * 7 / 14)


def test_snapshot_client_facts(db: Database) -> None:
    staff = _team(db)
    ids = add_clients(
        db,
        [
            ClientSpec(
                "A", "Lee", 36.0, -78.9, programs=("overdose_followup",), seen_recently=True
            ),
            ClientSpec("B", "Gone", None, None, language="ES"),
            ClientSpec("C", "Ortiz", 36.01, -78.9, programs=()),
        ],
        staff,
    )
    with db.session() as session:  # an ended enrollment does not count
        client = session.get(Client, ids["A"])
        program = session.scalars(select(Program).where(Program.code == "fall_prevention")).one()
        assert client is not None
        client.enrollments.append(
            Enrollment(
                program=program,
                enrolled_on=TODAY - timedelta(days=40),
                ended_on=TODAY - timedelta(days=1),
            )
        )
    snapshot = load_snapshot(db, SUPERVISOR, today=TODAY)
    a, b = (snapshot.client(ids[x]) for x in "AB")
    assert [p.code for p in a.programs] == ["overdose_followup"]
    assert a.required_skills == {"naloxone"}
    assert a.seen_recently_by_current
    assert a.location is not None and a.nearby_km is not None
    assert b.clinician_id is None  # their clinician is inactive: unassigned
    assert b.language == "spanish" and b.location is None
    assert snapshot.hours[(ids["C"], staff["Ortiz"])] == 0.0
    assert snapshot.acuity_source.startswith(("neutral", "priority"))
    text = snapshot.explain(ids["A"], staff["Lee"])
    assert "Post-overdose follow-up: 1.00 visits/wk x 45 min = 0.75 h/wk" in text


def test_suggest_narrows_spread_and_writes_nothing(db: Database) -> None:
    staff = _team(db)
    _overloaded_lee(db, staff)
    before = _versions(db)
    proposal = suggest_rebalance(db, SUPERVISOR, max_moves=6, time_limit_s=5.0, today=TODAY)
    assert proposal.status == "OPTIMAL"
    assert 0 < len(proposal.moves) <= 6
    assert proposal.spread_after < proposal.spread_before
    assert proposal.worst_after < proposal.worst_before
    moved = {m.external_id for m in proposal.moves}
    assert "LOCK" not in moved
    for move in proposal.moves:
        assert move.from_name == "Lee"
        assert move.reason.startswith("Lee: ")
        assert f"-> {move.to_name}: " in move.reason
        assert "km from" in move.reason
        if move.external_id == "ES1":
            assert move.to_name == "Ortiz"
    after = {x.clinician_id: x.load_hours for x in proposal.after}
    for x in proposal.before:
        delta = sum(m.hours_to for m in proposal.moves if m.to_id == x.clinician_id) - sum(
            m.hours_from for m in proposal.moves if m.from_id == x.clinician_id
        )
        assert after[x.clinician_id] == pytest.approx(x.load_hours + delta)
    assert _versions(db) == before
    assert _audit(db) == []


def test_apply_moves_changes_assignments_and_audits(db: Database) -> None:
    staff = _team(db)
    _overloaded_lee(db, staff)
    proposal = suggest_rebalance(db, SUPERVISOR, max_moves=4, time_limit_s=5.0, today=TODAY)
    applied = apply_moves(db, SUPERVISOR, proposal.moves, proposal.expected_versions, today=TODAY)
    assert len(applied) == len(proposal.moves) > 0
    now = _versions(db)
    for move in proposal.moves:
        assert now[move.external_id] == (move.to_id, move.version + 1)
    entries = _audit(db)
    assert len(entries) == len(proposal.moves)
    assert {e.actor for e in entries} == {"sam"}
    details = json.loads(entries[0].details)
    assert details["from_id"] == staff["Lee"]
    assert details["reason"].startswith("Lee: ")


def test_apply_conflict_names_client_and_applies_nothing(db: Database) -> None:
    staff = _team(db)
    _overloaded_lee(db, staff)
    proposal = suggest_rebalance(db, SUPERVISOR, max_moves=4, time_limit_s=5.0, today=TODAY)
    assert len(proposal.moves) >= 2
    victim = proposal.moves[-1]
    with db.session() as session:  # someone edits one of the clients meanwhile
        row = session.get(Client, victim.client_id)
        assert row is not None
        row.phone = "919-555-0100"
    before = _versions(db)
    with pytest.raises(ConflictError, match=victim.external_id) as err:
        apply_moves(db, SUPERVISOR, proposal.moves, proposal.expected_versions, today=TODAY)
    assert "nothing was applied" in str(err.value)
    assert _versions(db) == before
    assert _audit(db) == []


def test_apply_refuses_locked_and_rule_breaking_moves(db: Database) -> None:
    staff = _team(db)
    ids = _overloaded_lee(db, staff)
    preview = move_preview(db, SUPERVISOR, ids["ES1"], staff["Kim"], today=TODAY)
    assert not preview.allowed
    assert preview.problems == (
        "Kim does not speak Spanish",
        "Kim is a peer-support specialist; peer support may not serve "
        "Chronic disease (CHF/COPD/diabetes)",
    )
    with pytest.raises(UserError, match=r"Kim cannot carry client ES1.*does not speak Spanish"):
        apply_moves(db, SUPERVISOR, [preview.move], {ids["ES1"]: 1}, today=TODAY)
    locked = move_preview(db, SUPERVISOR, ids["LOCK"], staff["Ortiz"], today=TODAY)
    assert locked.problems == ("Client 0013's assignment is locked.",)
    with pytest.raises(UserError, match="locked"):
        apply_moves(db, SUPERVISOR, [locked.move], {ids["LOCK"]: 1}, today=TODAY)
    assert _audit(db) == []


def test_move_preview_shows_the_workload_effect(db: Database) -> None:
    staff = _team(db)
    ids = _overloaded_lee(db, staff)
    preview = move_preview(db, SUPERVISOR, ids["C03"], staff["Ortiz"], today=TODAY)
    assert preview.allowed
    assert preview.from_before is not None and preview.from_after is not None
    assert preview.from_after.load_hours == pytest.approx(
        preview.from_before.load_hours - preview.move.hours_from
    )
    assert preview.to_after.load_hours == pytest.approx(
        preview.to_before.load_hours + preview.move.hours_to
    )
    assert preview.to_after.clients == preview.to_before.clients + 1
    assert "Familiar faces" in preview.explain_to
    applied = apply_moves(db, SUPERVISOR, [preview.move], {ids["C03"]: 1}, today=TODAY)
    assert applied[0].to_id == staff["Ortiz"]


def test_a_peer_specialist_is_given_no_chronic_disease_client(db: Database) -> None:
    """Lee is overloaded with chronic-disease and familiar-face clients; Kim, a peer-support
    specialist, has room: only clients whose programs allow peer support may go to Kim."""
    staff = _team(db)
    specs = [
        ClientSpec(f"CH{i}", "Lee", 35.98 + i * 0.001, -78.89, programs=("chronic_disease",))
        for i in range(8)
    ] + [
        ClientSpec(f"FF{i}", "Lee", 35.98 + i * 0.001, -78.89, programs=("high_utilizer",))
        for i in range(4)
    ]
    ids = add_clients(db, specs, staff)
    snapshot = load_snapshot(db, SUPERVISOR, today=TODAY)
    assert snapshot.client(ids["FF0"]).programs[0].peer_support_allowed
    assert not snapshot.client(ids["CH0"]).programs[0].peer_support_allowed
    proposal = suggest_rebalance(db, SUPERVISOR, max_moves=8, time_limit_s=5.0, today=TODAY)
    to_kim = {m.external_id for m in proposal.moves if m.to_id == staff["Kim"]}
    assert to_kim, "Kim has room and Lee's familiar-face clients may go to Kim"
    assert all(key.startswith("FF") for key in to_kim)
    chronic = move_preview(db, SUPERVISOR, ids["CH0"], staff["Kim"], today=TODAY)
    assert not chronic.allowed
    with pytest.raises(UserError, match="peer support may not serve Chronic disease"):
        apply_moves(db, SUPERVISOR, [chronic.move], {ids["CH0"]: 1}, today=TODAY)


def test_clinicians_may_not_reassign(db: Database) -> None:
    staff = _team(db)
    ids = _overloaded_lee(db, staff)
    preview = move_preview(db, SUPERVISOR, ids["C03"], staff["Ortiz"], today=TODAY)
    with pytest.raises(PermissionDenied, match=r"paramedic\) cannot apply caseload moves"):
        apply_moves(db, Actor("lee", Role.PARAMEDIC, 1), [preview.move], {ids["C03"]: 1})


def test_no_caseload_staff_is_a_user_error(db: Database) -> None:
    add_staff(db, [StaffSpec("Pat", 35.98, -78.89, role="supervisor")])
    with pytest.raises(UserError, match="no active community paramedic"):
        suggest_rebalance(db, SUPERVISOR, max_moves=3, today=TODAY)


def test_staff_listing_unchanged_by_suggest(db: Database) -> None:
    """Suggesting reads only: staff versions stay as they were."""
    _team(db)
    with db.session() as session:
        versions = {s.name: s.version for s in session.scalars(select(Staff))}
    suggest_rebalance(db, SUPERVISOR, max_moves=3, time_limit_s=1.0, today=TODAY)
    with db.session() as session:
        assert {s.name: s.version for s in session.scalars(select(Staff))} == versions
