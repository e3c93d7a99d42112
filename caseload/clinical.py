"""The clinical state every reader shares, starting with which enrolments are active on a day.

Ranking (`caseload.priority`) and rebalancing (`caseload.rebalance`) both ask "is this enrolment
active on D?" through `enrollment_active_on`, so they can never disagree about a client whose
enrolment or program has ended.

An enrolment is active from its start to its last day, both included. The last day is the
earlier of the recorded end (`ended_on`) and the day before the program's fixed length runs out
(`enrolled_on` + `duration_weeks`); an open-ended program with no recorded end never ends.
"""

from __future__ import annotations

from datetime import date, timedelta


def enrollment_last_day(
    enrolled_on: date, ended_on: date | None, duration_weeks: int | None
) -> date | None:
    """The last day the enrolment is active, or None while it is open-ended."""
    ends = [] if ended_on is None else [ended_on]
    if duration_weeks is not None:
        ends.append(enrolled_on + timedelta(weeks=duration_weeks) - timedelta(days=1))
    return min(ends) if ends else None


def enrollment_active_on(
    on: date, enrolled_on: date, ended_on: date | None, duration_weeks: int | None
) -> bool:
    """Is the enrolment active on `on` (start <= on <= last day)?"""
    last = enrollment_last_day(enrolled_on, ended_on, duration_weeks)
    return enrolled_on <= on and (last is None or on <= last)
