"""Re-plan during the day: an urgent visit comes in at 11:00 and the rest of the day is planned
again from each crew's last recorded stop and the time now.

Visits with a recorded outcome (`caseload.outcomes`) are done: they stay first on their crew's
route, at their recorded times, in the order they were done, and are never routed again; a
visit cancelled or rescheduled without anyone going is listed as not planned, with its outcome. Each
crew continues from its last done stop (its location, the later of its end and now), or from
its base at now when nothing is recorded yet; its route still ends at its base. The plan's other
visits stay selected (preferring their crew), every MUST on the list now joins, and `add` names
any other visit to take on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from caseload import settings
from caseload.actor import Actor
from caseload.enums import Tier, VisitStatus
from caseload.errors import UserError
from caseload.outcomes.model import OutcomeInfo
from caseload.outcomes.service import outcomes_on
from caseload.planning.build import CrewStart, DoneVisit, PlanEdits, build_problem
from caseload.planning.candidates import Candidate, day_candidates
from caseload.planning.model import DayPlan, PlannedStop
from caseload.planning.service import Progress
from caseload.planning.translate import to_day_plan
from caseload.planning.travel import travel_time_provider
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.users.permissions import Permission, require
from routing.solve import solve


def _went(outcome: OutcomeInfo) -> bool:
    """Whether the crew went to the stop: anything but a visit called off without times."""
    called_off = outcome.status in (VisitStatus.CANCELLED, VisitStatus.RESCHEDULED)
    return not called_off or outcome.started_at is not None or outcome.ended_at is not None


def _done_times(stop: PlannedStop, outcome: OutcomeInfo) -> tuple[datetime, datetime]:
    """The recorded start and end; what is missing comes from the plan."""
    start = outcome.started_at or stop.start
    end = outcome.ended_at or (start + (stop.departure - stop.start))
    return start, max(start, end)


def replan_from_now(
    db: Database,
    actor: Actor,
    plan: DayPlan,
    *,
    now: datetime,
    add: Sequence[str] = (),
    time_limit_s: float | None = None,
    solution_limit: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DayPlan:
    """Plan the rest of `plan`'s day from `now` (aware), keeping what is done. Nothing is
    stored: save the result as a new version."""
    require(actor, Permission.EDIT_PLAN)
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass a timezone-aware time")
    if plan.basis is None:
        raise UserError("This plan version was not computed in this session; re-plan it first.")
    on = plan.plan_date
    program = settings.load(db, ProgramSettings)
    recorded = outcomes_on(db, on, actor)
    crews = plan.basis.built.crews
    known = (
        {c.key: c for c in plan.basis.built.candidates}
        | {c.key: c for c, _ in plan.basis.built.unroutable}
        | {d.candidate.key: d.candidate for d in plan.basis.built.done}
    )

    done: list[DoneVisit] = []
    called_off: list[tuple[Candidate, str]] = []  # cancelled or rescheduled without a visit
    starts: dict[str, CrewStart] = {}
    for route in plan.routes:
        finished = []
        for stop in route.stops:
            outcome = recorded.get(stop.client_id)
            if outcome is None:
                continue
            if _went(outcome):
                finished.append((stop, *_done_times(stop, outcome)))
            else:
                cand = replace(known[stop.key], visit_id=outcome.visit_id)
                called_off.append((cand, f"{outcome.label} (outcome recorded)."))
        finished.sort(key=lambda item: (item[2], item[1]))  # in the order they were done
        for stop, start, end in finished:
            visit_id = recorded[stop.client_id].visit_id
            cand = replace(known[stop.key], visit_id=visit_id)
            done.append(DoneVisit(cand, route.crew.name, start, end))
        if finished:
            last, _, end = finished[-1]
            starts[route.crew.name] = CrewStart(last.location, max(end, now))
        else:
            starts[route.crew.name] = CrewStart(route.crew.base, now)
    done_keys = {d.candidate.key for d in done} | {c.key for c, _ in called_off}
    recorded_keys = {f"c{client_id}" for client_id in recorded}

    if progress is not None:
        progress(0, 100, "Ranking the caseload as of now…")
    fresh = day_candidates(db, on, actor, now=now)
    planned_keys = {s.key for r in plan.routes for s in r.stops} | {
        u.candidate.key for u in plan.unassigned
    }
    wanted = (planned_keys | set(add) | {c.key for c in fresh if c.tier is Tier.MUST}) - (
        done_keys | recorded_keys
    )
    chosen: list[Candidate] = [c for c in fresh if c.key in wanted]
    if not chosen and not done:
        raise UserError("Nothing is left to plan today.")
    current = {s.key: r.crew.name for r in plan.routes for s in r.stops}
    edits = PlanEdits(
        pinned={k: c for k, c in plan.edits.pinned.items() if k in wanted},
        locked={
            crew: tuple(k for k in keys if k in wanted) for crew, keys in plan.edits.locked.items()
        },
        keep={k: c for k, c in current.items() if k in wanted},
    )
    provider = travel_time_provider(program)
    if progress is not None:
        progress(5, 100, "Computing travel times…")
    built = build_problem(
        on,
        program.zone,
        crews,
        chosen,
        lambda locs: provider.durations(locs, cancel=cancel),
        edits=edits,
        program=program,
        starts=starts,
    )
    built = replace(built, done=tuple(done), unroutable=built.unroutable + tuple(called_off))
    limit = program.plan_time_limit_s if time_limit_s is None else time_limit_s
    solution = solve(
        built.problem,
        time_limit_s=limit,
        solution_limit=solution_limit,
        cancel=cancel,
    )
    if progress is not None:
        progress(100, 100, "Done")
    return to_day_plan(built, solution, edits)
