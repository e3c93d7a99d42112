"""The planner's day without Qt: the day, its crews and candidates, the saved versions and the
current state (plan, selected visits, the version it is based on, unsaved changes).

Every transition is a method that returns the next `PlanState` without applying it; the page
pushes (before, after) onto its undo stack and `apply` makes one current. So the rules of the
page (what a solve starts from, what an edit or a save leaves behind) are tested without Qt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from caseload.errors import UserError
from caseload.planning.build import PlanEdits
from caseload.planning.candidates import Candidate, preselect
from caseload.planning.crews import CrewInfo
from caseload.planning.edit import Draft, keep_current, remove_stop, retime
from caseload.planning.model import DayPlan, PlanVersionInfo
from caseload.planning.service import PlanningDay
from caseload.planning.versions import latest_version_no

Change = Callable[[Draft], Draft]


@dataclass(frozen=True, slots=True)
class PlanState:
    """Everything an undo step restores."""

    plan: DayPlan | None
    selected: frozenset[str]
    based_on_version: int | None
    dirty: bool


@dataclass(frozen=True, slots=True)
class SolveRequest:
    """What a (re-)plan solves: the day's crews and candidates, the visits and the edits."""

    on: date
    crews: tuple[CrewInfo, ...]
    candidates: tuple[Candidate, ...]
    selected: tuple[str, ...]
    edits: PlanEdits


class PlanSession:
    """One day being planned. Not thread-safe: the UI thread owns it."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.crews: tuple[CrewInfo, ...] = ()
        self.candidates: tuple[Candidate, ...] = ()
        self.versions: tuple[PlanVersionInfo, ...] = ()
        self.state = PlanState(None, frozenset(), None, dirty=False)
        # Visits of the day with a recorded outcome: key -> outcome label. They are done: no
        # edit moves or removes them, and a re-plan goes on from them (`replan_from_now`).
        self.done: dict[str, str] = {}

    # --- the day --------------------------------------------------------------------------------
    @property
    def latest_version(self) -> int | None:
        return latest_version_no(list(self.versions))

    def load(self, day: PlanningDay) -> PlanState:
        """Take the freshly loaded day; the returned state starts it with the suggestion."""
        self.day = day.plan_date
        self.crews, self.candidates = day.crews, day.candidates
        self.versions = day.versions
        return PlanState(None, day.suggested, self.latest_version, dirty=False)

    def apply(self, state: PlanState) -> None:
        self.state = state

    # --- selecting visits ----------------------------------------------------------------------
    def select(self, selected: frozenset[str], *, ticked: bool = True) -> PlanState:
        """A new selection; ticking visits by hand leaves a shown plan unsaved (the suggestion
        and "none" buttons only choose what the next plan covers)."""
        dirty = self.state.dirty or (ticked and self.state.plan is not None)
        return dataclasses.replace(self.state, selected=selected, dirty=dirty)

    def suggested(self) -> frozenset[str]:
        return frozenset(preselect(self.candidates, self.crews))

    # --- solving -------------------------------------------------------------------------------
    def solve_request(self, *, replan: bool) -> SolveRequest:
        """Plan the selected visits keeping the current plan's pins and locks; a re-plan also
        prefers every stop's current crew. UserError when there is nothing to plan."""
        if not self.crews:
            raise UserError("Nobody is on shift on this day: use Crews… first.")
        if not self.state.selected:
            raise UserError("No visits are selected: tick at least one.")
        plan = self.state.plan
        if plan is None:
            edits = PlanEdits()
        elif replan:
            edits = keep_current(Draft.of(plan))
        else:
            edits = plan.edits
        return SolveRequest(
            self.day, self.crews, self.candidates, tuple(sorted(self.state.selected)), edits
        )

    def solved(self, before: PlanState, request: SolveRequest, plan: DayPlan) -> PlanState:
        return PlanState(plan, frozenset(request.selected), before.based_on_version, dirty=True)

    # --- manual edits --------------------------------------------------------------------------
    def edit(self, change: Change) -> tuple[PlanState, list[str]]:
        """Apply a draft change to the current plan and re-time it (UserError if it cannot)."""
        plan = self._plan()
        before = Draft.of(plan)
        after = change(before)
        self._keep_done(before, after)
        edited, problems = retime(plan, after)
        return dataclasses.replace(self.state, plan=edited, dirty=True), problems

    def _keep_done(self, before: Draft, after: Draft) -> None:
        """Refuse a change that would move or remove a visit that is done."""
        for key in self.done:
            crew = before.crew_of(key)
            if crew is None:
                continue
            if after.crew_of(key) != crew or before.orders[crew].index(key) != after.orders[
                crew
            ].index(key):
                raise UserError(
                    f"That visit is done ({self.done[key]}): it stays where it is. Correct "
                    "its outcome from Outcomes… if it was recorded by mistake."
                )

    def remove(self, key: str) -> PlanState:
        """Take a visit out of the plan and out of the selection."""
        plan = self._plan()
        self._keep_done(Draft.of(plan), remove_stop(Draft.of(plan), key))
        edited, _ = retime(plan, remove_stop(Draft.of(plan), key))
        selected = self.state.selected - {key}
        return dataclasses.replace(self.state, plan=edited, selected=selected, dirty=True)

    def _plan(self) -> DayPlan:
        if self.state.plan is None:
            raise UserError("Plan the day first.")
        return self.state.plan

    # --- versions ------------------------------------------------------------------------------
    def saved(self, stored: DayPlan, versions: Sequence[PlanVersionInfo]) -> PlanState:
        """After a save: the plan shown gets the stored identity and is clean."""
        self.versions = tuple(versions)
        shown = self._plan()
        plan = dataclasses.replace(
            shown,
            plan_id=stored.plan_id,
            version_no=stored.version_no,
            created_by=stored.created_by,
            created_at=stored.created_at,
        )
        return PlanState(plan, self.state.selected, stored.version_no, dirty=False)

    def opened(self, plan: DayPlan) -> PlanState:
        """A saved version reopened: its visits become the selection; a save builds on the
        newest version (a conflict says so if someone saved meanwhile)."""
        return PlanState(plan, plan.keys, self.latest_version, dirty=False)

    @property
    def unsaved(self) -> bool:
        return self.state.dirty and self.state.plan is not None

    def printable_plan_id(self) -> int:
        """The stored version the route sheets print (UserError unless saved and unchanged)."""
        plan = self._plan()
        if plan.plan_id is None or self.state.dirty:
            raise UserError(
                "Save this plan as a version first (Ctrl+S), so the sheets show which version "
                "the crews carry."
            )
        return plan.plan_id
