"""The priority rules: every threshold and every number of points, as a settings group.

Stored in the database (table `settings`, key `priority_rules`, JSON) and read with
`caseload.settings.load(db, PriorityRules)`; anything not stored falls back to the defaults
below, which follow published MIH/CP practice (first contact within 72 hours of a non-fatal
overdose or a hospital discharge; "familiar faces" = frequent 911 / ED users).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class PriorityRules:
    """How a client's priority for a day is worked out. Points add up to the score."""

    KEY: ClassVar[str] = "priority_rules"

    # --- First contact after a non-fatal overdose or a hospital discharge: MUST -------------
    first_contact_hours: float = 72.0  # first contact due within this many hours of the event
    first_contact_lookback_days: int = 30  # events older than this no longer trigger a MUST
    overdose_first_contact_points: float = 100.0
    # (also the points of an accepted referral nobody has reached yet: MUST the same way)
    discharge_first_contact_points: float = 80.0
    # After a completed contact the MUST is cleared; a recent event still counts a little.
    recent_event_days: int = 30
    overdose_seen_points: float = 10.0
    discharge_seen_points: float = 5.0

    # --- Familiar faces (high utilizers) ------------------------------------------------------
    familiar_face_calls: int = 3  # this many 911 calls ...
    familiar_face_calls_days: int = 90  # ... within this many days
    familiar_face_ed_visits: int = 4  # or this many ED visits ...
    familiar_face_ed_days: int = 365  # ... within this many days
    familiar_face_points: float = 20.0
    familiar_face_points_per_extra_event: float = 2.0  # per call/visit above the threshold
    familiar_face_max_points: float = 40.0

    # --- Housing ------------------------------------------------------------------------------
    unsheltered_points: float = 15.0
    sheltered_points: float = 0.0

    # --- Program cadence ----------------------------------------------------------------------
    due_today_points: float = 5.0  # a program visit falls due on the day
    overdue_points: float = 5.0  # a program visit is overdue (at least one day) ...
    overdue_points_per_day: float = 2.0  # ... plus this much per day overdue ...
    overdue_max_points: float = 40.0  # ... up to this much per program

    # --- Falls --------------------------------------------------------------------------------
    recent_fall_days: int = 14
    recent_fall_points: float = 25.0
    recent_fall_points_per_extra_fall: float = 5.0
    # A fall after the last completed contact (or with none on record) is "unseen": it makes the
    # client at least HIGH, whatever the score, until a completed visit.
    unseen_fall_lookback_days: int = 30  # an unseen fall counts (past recent_fall_days) this long
    unseen_fall_points: float = 10.0  # added with a "no completed contact since the fall" reason

    # --- Homebound vaccination ----------------------------------------------------------------
    # Due when enrolled in homebound vaccination and no vaccination visit within the cadence.
    vaccine_due_points: float = 15.0

    # --- A fixed appointment on the day: MUST, with its time window ---------------------------
    appointment_points: float = 50.0

    # --- Days since last completed contact ----------------------------------------------------
    contact_points_per_day: float = 0.5
    contact_max_points: float = 15.0  # also the points when there is no contact on record

    # --- After visits: what recorded outcomes change ------------------------------------------
    # declined visits in a row before disenrolment is proposed
    declines_to_propose_disenrolment: int = 3
    transported_points: float = 10.0  # after an ED transport from a visit ...
    transported_days: int = 14  # ... for this many days
    rescheduled_points: float = 30.0  # a visit rescheduled to the day (it is at least HIGH)

    # --- Tiers --------------------------------------------------------------------------------
    # Not MUST and score >= this (or an unseen fall): HIGH; otherwise ROUTINE.
    high_tier_min_score: float = 30.0
