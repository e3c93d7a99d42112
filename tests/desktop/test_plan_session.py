"""The Plan page's rules without Qt: what loading, selecting, solving, editing, saving and
reopening leave behind (pure transitions on tiny in-memory plans)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from caseload.errors import UserError
from caseload.planning.edit import move_stop
from caseload.planning.model import DayPlan, PlanVersionInfo
from caseload.planning.service import PlanningDay
from desktop.plan.session import PlanSession, PlanState
from tests.caseload.plan_data import DAY, crew, spread, timed_plan

CREWS = (crew("Medic 1", 7, 15, staff_id=1), crew("Medic 2", 7, 15, staff_id=2))
CANDIDATES = tuple(spread(i) for i in range(1, 6))


def _version(no: int) -> PlanVersionInfo:
    return PlanVersionInfo(no, DAY, no, datetime(2026, 3, 7, 20, tzinfo=UTC), "alice", "", 3, 2)


def _session(*, versions: tuple[PlanVersionInfo, ...] = ()) -> PlanSession:
    session = PlanSession(DAY)
    start = session.load(
        PlanningDay(DAY, CREWS, CANDIDATES, frozenset({"c1", "c2", "c3"}), versions)
    )
    session.apply(start)
    return session


def _plan() -> DayPlan:
    return timed_plan(
        CREWS, {"Medic 1": [CANDIDATES[0], CANDIDATES[1]], "Medic 2": [CANDIDATES[2]]}
    )


def _with_plan(session: PlanSession) -> PlanSession:
    request = session.solve_request(replan=False)
    session.apply(session.solved(session.state, request, _plan()))
    return session


def test_a_loaded_day_starts_from_the_suggestion_and_the_newest_version() -> None:
    session = _session(versions=(_version(2), _version(1)))
    assert session.state == PlanState(None, frozenset({"c1", "c2", "c3"}), 2, dirty=False)
    assert session.crews == CREWS and session.latest_version == 2


def test_ticking_visits_leaves_a_shown_plan_unsaved_but_not_an_empty_day() -> None:
    session = _session()
    assert not session.select(frozenset({"c1"})).dirty
    _with_plan(session)
    session.apply(dataclasses.replace(session.state, dirty=False))
    assert session.select(frozenset({"c1"})).dirty
    assert not session.select(frozenset(), ticked=False).dirty
    assert session.select(session.suggested(), ticked=False).selected == session.suggested()


def test_a_solve_needs_crews_and_visits() -> None:
    session = _session()
    session.apply(session.select(frozenset()))
    with pytest.raises(UserError, match="No visits are selected"):
        session.solve_request(replan=False)
    nobody = PlanSession(DAY)
    nobody.apply(nobody.load(PlanningDay(DAY, (), CANDIDATES, frozenset({"c1"}), ())))
    with pytest.raises(UserError, match="Nobody is on shift"):
        nobody.solve_request(replan=False)


def test_a_replan_keeps_pins_and_prefers_current_crews() -> None:
    session = _with_plan(_session())
    after, problems = session.edit(lambda d: move_stop(d, "c3", "Medic 1", 0))
    assert problems == [] and after.dirty
    session.apply(after)
    fresh = session.solve_request(replan=False)
    again = session.solve_request(replan=True)
    assert fresh.edits.pinned == again.edits.pinned == {"c3": "Medic 1"}
    assert fresh.edits.keep == {}
    assert again.edits.keep == {"c3": "Medic 1", "c1": "Medic 1", "c2": "Medic 1"}
    assert again.selected == ("c1", "c2", "c3")


def test_a_solved_plan_is_unsaved_and_keeps_the_base_version() -> None:
    session = _session(versions=(_version(4),))
    request = session.solve_request(replan=False)
    after = session.solved(session.state, request, _plan())
    assert after.dirty and after.based_on_version == 4 and after.selected == {"c1", "c2", "c3"}


def test_removing_a_stop_unplans_and_unselects_it() -> None:
    session = _with_plan(_session())
    after = session.remove("c2")
    assert after.plan is not None and "c2" in {u.candidate.key for u in after.plan.unassigned}
    assert after.selected == {"c1", "c3"} and after.dirty


def test_saving_gives_the_shown_plan_its_identity_and_a_clean_state() -> None:
    session = _with_plan(_session())
    assert session.unsaved
    with pytest.raises(UserError, match="Save this plan"):
        session.printable_plan_id()
    shown = session.state.plan
    assert shown is not None
    stored = dataclasses.replace(shown, plan_id=7, version_no=1, created_by="bob")
    after = session.saved(stored, [_version(1)])
    session.apply(after)
    assert after.plan is not None and after.plan.plan_id == 7 and after.plan.version_no == 1
    assert after.based_on_version == 1 and not after.dirty and not session.unsaved
    assert session.printable_plan_id() == 7
    assert session.versions == (_version(1),)


def test_a_reopened_version_selects_its_visits_and_builds_on_the_newest() -> None:
    session = _session(versions=(_version(3), _version(2)))
    plan = dataclasses.replace(
        timed_plan(CREWS, {"Medic 1": [CANDIDATES[0]]}, left_out=[CANDIDATES[4]]),
        plan_id=2,
        version_no=2,
    )
    after = session.opened(plan)
    assert after == PlanState(plan, frozenset({"c1", "c5"}), 3, dirty=False)
