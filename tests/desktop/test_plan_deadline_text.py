"""The Plan page's window column and the planning map say when a first contact was due and
how late its planned start is (computed at the planned start, not at the start of the day)."""

from __future__ import annotations

from datetime import timedelta

from caseload.planning.model import DayPlan
from caseload.settings import ProgramSettings
from desktop.plan.map_data import plan_map_data
from desktop.plan.models import window_text
from tests.caseload import plan_data


def _late_plan() -> DayPlan:
    overdue = plan_data.spread(2, due_by=plan_data.at(5, 16))
    return plan_data.timed_plan(
        [plan_data.crew("Medic 1", 7, 15)], {"Medic 1": [plan_data.spread(1), overdue]}
    )


def test_the_window_column_says_due_planned_and_how_late() -> None:
    stop = _late_plan().routes[0].stops[1]
    text = window_text(stop.window, plan_data.ZONE, due=stop.due_by, planned=stop.start)
    assert text == "due 05:16, planned 08:05 (2 h 49 min late)"


def test_an_on_time_deadline_and_a_slot_read_as_before() -> None:
    due = plan_data.at(10)
    assert window_text(None, plan_data.ZONE, due=due, planned=plan_data.at(9)) == "due by 10:00"
    slot = (plan_data.at(9), plan_data.at(11))
    assert window_text(slot, plan_data.ZONE, due=due, planned=plan_data.at(9)) == "09:00–11:00"
    assert window_text(None, plan_data.ZONE) == "any time"


def test_a_deadline_on_another_day_names_the_day() -> None:
    """Due tomorrow at 05:16 and planned today at 11:48: on time, and it must not read as if
    05:16 today had passed."""
    due = plan_data.at(5, 16) + timedelta(days=1)
    text = window_text(None, plan_data.ZONE, due=due, planned=plan_data.at(11, 48))
    assert text == f"due by {due.astimezone(plan_data.ZONE):%a} 05:16"


def test_the_map_tooltip_carries_the_lateness() -> None:
    data = plan_map_data(_late_plan(), ProgramSettings(timezone="America/New_York"))
    tooltips = {m.key: m.tooltip for m in data.markers}
    assert tooltips["c2"] == "2. Client 2 — 08:05 (due 05:16, planned 08:05 (2 h 49 min late))"
    assert tooltips["c1"] == "1. Client 1 — 07:10"
