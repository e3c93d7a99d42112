"""SQLAlchemy 2.0 ORM models. These never leave `caseload/`: services convert them to read models.

Editable rows carry `version` (SQLAlchemy's version counter): a stale write raises instead of
silently overwriting somebody else's change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from caseload.enums import ConsentState
from caseload.store.orm_types import AwareDateTime


class Base(DeclarativeBase):
    pass


class Versioned:
    """Mixin: an optimistic-locking version counter."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Staff(Versioned, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(40))
    skills: Mapped[str] = mapped_column(String(300), default="")  # comma-separated Skill values
    languages: Mapped[str] = mapped_column(String(120), default="en")  # comma-separated codes
    base_name: Mapped[str] = mapped_column(String(120), default="")
    base_lat: Mapped[float | None] = mapped_column(Float)
    base_lon: Mapped[float | None] = mapped_column(Float)
    weekly_capacity_hours: Mapped[float] = mapped_column(Float, default=36.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    certifications: Mapped[list[StaffCertification]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffCertification.id"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class StaffCertification(Base):
    """A certification or licence (a `Certification` value) held until `expires_on` (inclusive;
    None: does not expire)."""

    __tablename__ = "staff_certifications"
    __table_args__ = (UniqueConstraint("staff_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)

    staff: Mapped[Staff] = relationship(back_populates="certifications")


class ShiftPattern(Base):
    """One weekday of a staff member's weekly pattern: the hours, the break, and the crew they
    ride in (staff with the same crew name on a weekday ride together; "" = alone)."""

    __tablename__ = "shift_patterns"
    __table_args__ = (UniqueConstraint("staff_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday ... 6 = Sunday
    start_minute: Mapped[int] = mapped_column(Integer)  # minutes after midnight
    end_minute: Mapped[int] = mapped_column(Integer)
    break_minutes: Mapped[int] = mapped_column(Integer, default=30)
    crew_name: Mapped[str] = mapped_column(String(60), default="")
    vehicle: Mapped[str] = mapped_column(String(60), default="")


class ShiftException(Base):
    """A change to the weekly pattern on one day: leave, sick, a swap or a one-off shift."""

    __tablename__ = "shift_exceptions"
    __table_args__ = (UniqueConstraint("staff_id", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a ShiftExceptionKind value
    start_minute: Mapped[int | None] = mapped_column(Integer)  # extra shifts only
    end_minute: Mapped[int | None] = mapped_column(Integer)
    break_minutes: Mapped[int] = mapped_column(Integer, default=30)
    crew_name: Mapped[str] = mapped_column(String(60), default="")
    vehicle: Mapped[str] = mapped_column(String(60), default="")
    swap_with_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str] = mapped_column(String(200), default="")


class Program(Versioned, Base):
    __tablename__ = "programs"
    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    cadence_days: Mapped[int] = mapped_column(Integer)  # a visit at least every N days
    duration_weeks: Mapped[int | None] = mapped_column(Integer)  # None: open-ended
    visit_minutes: Mapped[int] = mapped_column(Integer, default=45)
    required_skills: Mapped[str] = mapped_column(String(300), default="")
    # Whether a peer-support specialist (no clinical licence) may carry its clients alone.
    peer_support_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    eligibility_note: Mapped[str] = mapped_column(Text, default="")
    # First contact due this many hours after a triggering event (EventKind values, comma-
    # separated) for an enrolled client; None: the program sets no first-contact deadline.
    first_contact_hours: Mapped[float | None] = mapped_column(Float)
    first_contact_events: Mapped[str] = mapped_column(String(120), default="")
    # What a visit may tick off (comma-separated `caseload.outcomes.checklist` codes; empty:
    # the general list).
    checklist: Mapped[str] = mapped_column(String(600), default="")


# The longest safety note accepted (import and edit): about a page of a route sheet, so a crew
# still reads all of it; anything longer belongs in the care record, not on the sheet.
SAFETY_NOTES_MAX_CHARS = 4000


class Client(Versioned, Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(40), default="en")
    housing_status: Mapped[str] = mapped_column(String(20), default="housed")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(20), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    # At most SAFETY_NOTES_MAX_CHARS (checked on import and edit); printed in full on sheets.
    safety_notes: Mapped[str] = mapped_column(Text, default="")
    needs_peer_support: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    two_person_visit: Mapped[bool] = mapped_column(Boolean, default=False)  # safety: 2+ attend
    # A ConsentState value; nothing on file is "not recorded", never silently "given".
    consent: Mapped[str] = mapped_column(String(20), default=ConsentState.NOT_RECORDED.value)
    consent_on: Mapped[date | None] = mapped_column(Date)  # when consent was given/declined
    consent_scope: Mapped[str] = mapped_column(String(200), default="")  # e.g. "home visits"
    consent_obtained_by: Mapped[str] = mapped_column(String(120), default="")
    # Kept equal to `status == "active"` by caseload.lifecycle: ranking and planning read it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A ClientStatus value: active, deceased, moved_away, transferred, merged.
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    discharged_on: Mapped[date | None] = mapped_column(Date)
    assigned_clinician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    assignment_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)

    places: Mapped[list[ClientPlace]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientPlace.id"
    )
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="client", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class SharedPlace(Versioned, Base):
    """A named place many clients use (shelter, camp, day centre, library, bus station), kept
    once: its coordinates and description are copied to every client place that links it."""

    __tablename__ = "shared_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a SharedPlaceKind value
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    # As written ("Mon-Fri 07:00-19:00; Sat 09:00-13:00"); "" = unknown, treated as open.
    opening_hours: Mapped[str] = mapped_column(String(240), default="")

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class ClientPlace(Base):
    """Where to find a client: a home, or for unsheltered clients the usual places."""

    __tablename__ = "client_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geocode_quality: Mapped[str] = mapped_column(String(20), default="none")  # GeocodeQuality
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the geocoder matched ('3808 Guess Road, Durham 27705', or how close it came).
    geocode_match: Mapped[str] = mapped_column(String(240), default="")
    # Where the import placed it: a later move of more than 500 m is listed for checking.
    imported_lat: Mapped[float | None] = mapped_column(Float)
    imported_lon: Mapped[float | None] = mapped_column(Float)
    # Who set the coordinates by hand (a pin on the map, typed coordinates) and when.
    located_by: Mapped[str] = mapped_column(String(80), default="")
    located_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The manager accepted an approximate (ZIP centre) location: planned, "call ahead".
    approximate_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    # A shared place this usual place is (its coordinates and description come from there).
    shared_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("shared_places.id", ondelete="SET NULL"), index=True
    )
    # When the client is usually there: "morning, evening" or "07:00-11:00"; "" = any time.
    times_of_day: Mapped[str] = mapped_column(String(120), default="")

    client: Mapped[Client] = relationship(back_populates="places")
    shared_place: Mapped[SharedPlace | None] = relationship()


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("client_id", "program_id", "enrolled_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    enrolled_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # How it ended (an EnrollmentEnd value: graduated, disenrolled) and why, in the user's words.
    end_kind: Mapped[str] = mapped_column(String(20), default="")
    end_reason: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(back_populates="enrollments")
    program: Mapped[Program] = relationship()


class UtilizationEvent(Base):
    """A 911 call, ED visit, non-fatal overdose, fall or hospital discharge."""

    __tablename__ = "utilization_events"
    __table_args__ = (
        UniqueConstraint("client_id", "kind", "occurred_at"),
        Index("ix_events_client_time", "client_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime)
    source: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Referral(Versioned, Base):
    """A referral into the program, from its arrival in the queue to its triage and first contact.

    The referred person's contact details are kept as received until the referral is linked to a
    client (`client_id`); the triggering event becomes a utilization event when accepted.
    """

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_status_received", "status", "referred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(30))  # a ReferralSource value
    referred_at: Mapped[datetime] = mapped_column(AwareDateTime)  # received
    reason: Mapped[str] = mapped_column(Text, default="")
    event_kind: Mapped[str] = mapped_column(String(30), default="")  # an EventKind value or ""
    event_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))  # asked / accepted
    # A ReferralStatus value: new, accepted, declined, unable_to_reach.
    status: Mapped[str] = mapped_column(String(20), default="new")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    contact_attempts: Mapped[int] = mapped_column(Integer, default=0)
    triaged_by: Mapped[str] = mapped_column(String(80), default="")
    triaged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    first_contact_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Visit(Versioned, Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_client_date", "client_id", "visit_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    visit_type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    # Fixed appointments carry a window; other visits may be done any time in the shift.
    window_start: Mapped[datetime | None] = mapped_column(AwareDateTime)
    window_end: Mapped[datetime | None] = mapped_column(AwareDateTime)
    is_fixed_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_min: Mapped[int] = mapped_column(Integer, default=45)
    required_skills: Mapped[str] = mapped_column(String(300), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    purpose: Mapped[str] = mapped_column(String(200), default="")
    outcome_notes: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The recorded outcome (`caseload.outcomes`): when the crew was there, who recorded it, where
    # they looked for a client not found, what was done, and a visit nobody planned.
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    performed_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    looked_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("client_places.id", ondelete="SET NULL")
    )
    looked_where: Mapped[str] = mapped_column(String(200), default="")
    checklist_done: Mapped[str] = mapped_column(String(600), default="")
    unplanned: Mapped[bool] = mapped_column(Boolean, default=False)
    rescheduled_to: Mapped[date | None] = mapped_column(Date)
    rescheduled_from_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Shift(Versioned, Base):
    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("staff_id", "shift_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    shift_date: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime)
    base_name: Mapped[str] = mapped_column(String(120), default="")
    base_lat: Mapped[float | None] = mapped_column(Float)
    base_lon: Mapped[float | None] = mapped_column(Float)
    break_earliest: Mapped[datetime | None] = mapped_column(AwareDateTime)
    break_latest: Mapped[datetime | None] = mapped_column(AwareDateTime)
    break_minutes: Mapped[int] = mapped_column(Integer, default=30)
    out_sick: Mapped[bool] = mapped_column(Boolean, default=False)
    # Made from the weekly pattern (`caseload.team.days`); with version 1 it was never edited,
    # so a change to the pattern may make it again.
    from_pattern: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Crew(Versioned, Base):
    """One or two staff working together on a day (e.g. paramedic + peer-support specialist)."""

    __tablename__ = "crews"
    __table_args__ = (UniqueConstraint("crew_date", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crew_date: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(60))
    vehicle: Mapped[str] = mapped_column(String(60), default="")
    from_pattern: Mapped[bool] = mapped_column(Boolean, default=False)  # cleared by any edit
    members: Mapped[list[CrewMember]] = relationship(
        back_populates="crew", cascade="all, delete-orphan", order_by="CrewMember.position"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class CrewMember(Base):
    __tablename__ = "crew_members"
    __table_args__ = (UniqueConstraint("crew_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    crew: Mapped[Crew] = relationship(back_populates="members")


class Plan(Base):
    """A stored plan for a date. Each save is a new version; versions are never rewritten."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("plan_date", "version_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_date: Mapped[date] = mapped_column(Date, index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    # The routing problem and solution as routing JSON, and the plan as saved (crews, stops,
    # clock times, reasons: caseload.planning.snapshot), so a version reopens exactly.
    problem_json: Mapped[str] = mapped_column(Text)
    solution_json: Mapped[str] = mapped_column(Text)
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")
    stops: Mapped[list[PlanStop]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStop.id"
    )


class PlanStop(Base):
    __tablename__ = "plan_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    crew_name: Mapped[str | None] = mapped_column(String(60))  # None: unassigned
    seq: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    arrival: Mapped[datetime | None] = mapped_column(AwareDateTime)
    departure: Mapped[datetime | None] = mapped_column(AwareDateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    unassigned_reason: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="stops")


class Setting(Versioned, Base):
    """Program-wide settings (priority rules, planning defaults) as JSON values by key; the
    version makes a save from a stale window fail instead of overwriting someone's change."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class AuditEntry(Base):
    """Who changed, viewed or printed what, when, from which machine. Written by services in the
    same unit of work as the change. Tamper-evident (caseload.audit_chain): `seq` numbers the
    rows 1, 2, 3… in chain order and `chain` is an HMAC over the row and the previous row's
    chain, keyed with a secret kept outside the database."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    machine: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="")
    # The client the entry concerns (any entity: a visit, a location…), for the viewer's filter.
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # JSON {"before": {...}, "after": {...}} of the changed columns ("" for views and prints).
    # PHI lives here, in the protected database only: never copied into logs or messages.
    changes: Mapped[str] = mapped_column(Text, default="")
    chain: Mapped[str] = mapped_column(String(64), default="")


class AuditHead(Base):
    """One row: the audit chain's latest position and value. Writers update it first, which
    serialises them (a row lock on PostgreSQL, the write lock on SQLite), so the chain never
    forks; `rounds audit verify` also compares it with the rows (removed newest rows)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    chain: Mapped[str] = mapped_column(String(64), default="")


class AddressPoint(Base):
    """The agency's local address table: the offline geocoder looks here first."""

    __tablename__ = "address_points"
    __table_args__ = (Index("ix_address_points_key", "match_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(20), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    match_key: Mapped[str] = mapped_column(String(240))  # normalised "address|zip"
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class GeocodeCacheEntry(Base):
    """Answers from a configured geocoder, so the same address is never asked twice."""

    __tablename__ = "geocode_cache"

    query_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(AwareDateTime)


class UserAccount(Versioned, Base):
    """A person who signs in: a unique user name (compared case-insensitively through
    `username_key`), a role (`caseload.actor.Role`), an Argon2 password hash (never the
    password), and the staff member they are (a paramedic's crew and clients follow from it).
    Five wrong passwords lock the account for a while (`locked_until`)."""

    __tablename__ = "user_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))  # as typed, for display
    username_key: Mapped[str] = mapped_column(String(60), unique=True)  # casefolded
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class ProgramAccess(Versioned, Base):
    """One row (id 1): how the database is opened. `demo` marks a demo database (opens without
    log-in, refuses real imports); `local_mode` is the administrator's single-user local mode.
    No row: a program database that needs log-in (or its first administrator)."""

    __tablename__ = "program_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    local_mode: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012
