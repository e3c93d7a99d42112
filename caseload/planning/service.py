"""Plan the day: the one sequence the Plan page and `rounds plan` both follow.

`load_day` gathers what a planner starts from (crews on shift, ranked candidates, the suggested
visits, saved versions); `plan_day` builds the routing problem and solves it (long work: it
takes `progress(done, total, message)` and a cancel Event and runs in a worker thread in the
app); `caseload.planning.versions.save_plan` stores the result.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from caseload import settings
from caseload.actor import Actor
from caseload.enums import ConsentState
from caseload.errors import UserError
from caseload.planning.build import PlanEdits, build_problem
from caseload.planning.candidates import Candidate, day_candidates, preselect
from caseload.planning.crews import CrewInfo, crews_on_shift
from caseload.planning.model import DayPlan, PlanVersionInfo
from caseload.planning.ordering import improve_order
from caseload.planning.translate import to_day_plan
from caseload.planning.travel import travel_time_provider
from caseload.planning.versions import latest_version_no, list_versions
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.users.permissions import Permission, require
from routing.solve import ProgressInfo, solve

Progress = Callable[[int, int, str], None]
SEARCH_PROCESSES = 2
DECLINED_CONSENT = "Declined consent on record"


@dataclass(frozen=True, slots=True)
class PlanningDay:
    """What planning `plan_date` starts from."""

    plan_date: date
    crews: tuple[CrewInfo, ...]
    candidates: tuple[Candidate, ...]  # most urgent first
    suggested: frozenset[str]  # every MUST, then HIGH while the crews have time
    versions: tuple[PlanVersionInfo, ...]  # newest first

    @property
    def latest_version(self) -> int | None:
        return latest_version_no(list(self.versions))


def load_day(db: Database, on: date, actor: Actor) -> PlanningDay:
    """Crews on shift, candidates, the suggested visits and the saved versions for `on`."""
    require(actor, Permission.PLAN)
    crews = crews_on_shift(db, on, actor)
    candidates = day_candidates(db, on, actor)
    versions = list_versions(db, on, actor)
    suggested = frozenset(preselect(candidates, crews))
    return PlanningDay(on, tuple(crews), tuple(candidates), suggested, tuple(versions))


def plan_day(
    db: Database,
    on: date,
    actor: Actor,
    *,
    selected: Sequence[str] | None = None,
    edits: PlanEdits | None = None,
    time_limit_s: float | None = None,
    solution_limit: int | None = None,
    crews: Sequence[CrewInfo] | None = None,
    candidates: Sequence[Candidate] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DayPlan:
    """Plan `on` for the crews on shift. `selected` = candidate keys to visit (default: every
    MUST and as many HIGH as the crews have time for). `solution_limit` ends each search after
    that many solutions even before the time limit (the same plan on a busy or idle machine).
    A client who declined consent is never sent to routing: the plan lists them as not planned
    with `DECLINED_CONSENT`. Nothing is stored: call `save_plan`."""
    require(actor, Permission.PLAN)
    edits = edits or PlanEdits()
    program = settings.load(db, ProgramSettings)
    if crews is None:
        crews = crews_on_shift(db, on, actor)
    if candidates is None:
        candidates = day_candidates(db, on, actor)
    chosen_keys = set(selected) if selected is not None else preselect(candidates, crews)
    chosen_keys |= set(edits.pinned) | {k for keys in edits.locked.values() for k in keys}
    chosen = [c for c in candidates if c.key in chosen_keys]
    declined = [c for c in chosen if c.consent is ConsentState.DECLINED]
    chosen = [c for c in chosen if c.consent is not ConsentState.DECLINED]
    if not chosen and not declined:
        raise UserError(f"No visits are selected for {on:%a %d %b %Y}: pick at least one client.")
    limit = program.plan_time_limit_s if time_limit_s is None else time_limit_s
    if progress is not None:
        progress(0, 100, "Computing travel times…")
    provider = travel_time_provider(program)
    built = build_problem(
        on,
        program.zone,
        crews,
        chosen,
        lambda locs: provider.durations(locs, cancel=cancel),
        edits=edits,
        program=program,
    )
    # Left out before solving, like a visit without a location: edits and saved versions keep
    # the reason because it travels with the built problem.
    built = replace(
        built, unroutable=built.unroutable + tuple((c, DECLINED_CONSENT) for c in declined)
    )

    def on_progress(info: ProgressInfo) -> None:
        if progress is not None:
            done = min(99, int(100 * info.elapsed_s / limit)) if limit > 0 else 99
            progress(
                done,
                100,
                f"{info.served_jobs} visits planned, {info.unassigned_jobs} not (yet) placed",
            )

    # Search in separate processes: both cores work, and OR-Tools (which holds the GIL between
    # callbacks) can never freeze the app's UI thread.
    workers = max(1, min(SEARCH_PROCESSES, os.cpu_count() or 1))
    solution = solve(
        built.problem,
        time_limit_s=limit,
        solution_limit=solution_limit,
        progress=on_progress,
        cancel=cancel,
        workers=workers,
    )
    if progress is not None:
        progress(100, 100, "Done")
    fixed = {key for keys in edits.locked.values() for key in keys}
    return to_day_plan(built, improve_order(built, solution, fixed), edits)
