"""Importing referrals into the queue: all rows or none.

Each row becomes a referral with status `new`, waiting for triage. With `accept=True`
(`rounds import referrals FILE --accept`), a row that names a program is accepted at once, exactly
as triage would: linked to the client named by `external_id`, or to the one client on file with
the same name and date of birth, or to a new client made from the row. A row whose person only
*may* be on file (same date of birth and a similar name, or two exact matches) is left `new` with
a warning, so a person decides and no duplicate client is made.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import ReferralSource
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport, RowWarning, report_duplicates
from caseload.importing.events import _client_ids
from caseload.importing.fields import RowChecker, _key, not_after
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.referrals.intake import add_referral_in
from caseload.referrals.matching import find_matches, name_key
from caseload.referrals.model import NewReferral
from caseload.referrals.triage import accept_in
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Program, Referral
from caseload.users.permissions import Permission, require

REFERRAL_REQUIRED = ("source", "received_at")
REFERRAL_COLUMNS = (
    *REFERRAL_REQUIRED,
    *("reason", "event_kind", "event_at", "external_id"),
    *("first_name", "last_name", "date_of_birth", "phone", "address", "city", "zip", "program"),
)

# Accepted spellings of a referral source (compared like event kinds).
SOURCE_ALIASES: Mapping[str, ReferralSource] = {
    **{s.value: s for s in ReferralSource},
    "ems": ReferralSource.EMS_CREW,
    "ed": ReferralSource.HOSPITAL,
    "er": ReferralSource.HOSPITAL,
    "ed_discharge_planner": ReferralSource.HOSPITAL,
    "discharge_planner": ReferralSource.HOSPITAL,
    "hospital_discharge_planner": ReferralSource.HOSPITAL,
    "adult_protective_services": ReferralSource.ADULT_PROTECTIVE_SERVICES,
    "law_enforcement": ReferralSource.POLICE,
    "self_referral": ReferralSource.SELF,
}


@dataclass(frozen=True, slots=True)
class _ReferralRow:
    row: int
    referral: NewReferral
    external_id: str


def import_referrals(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    accept: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import referrals into the queue (see the module docstring); all rows or none. `now`
    (default: the clock) is the latest time a referral or its event may carry."""
    require(actor, Permission.IMPORT)
    moment = now or datetime.now(UTC)

    def start(session: Session) -> _ReferralJob:
        return _ReferralJob(session, actor, accept, moment)

    kind = ImportKind("referrals", REFERRAL_REQUIRED, REFERRAL_COLUMNS, start)
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _ReferralJob(ImportJob[_ReferralRow]):
    def __init__(self, session: Session, actor: Actor, accept: bool, now: datetime) -> None:
        self.session = session
        self.actor = actor
        self.accept = accept
        self.zone = load_in(session, ProgramSettings).zone
        self.now = now
        self.latest = not_after(self.now)
        self.programs = set(session.scalars(select(Program.code)))
        self.client_ids: dict[str, int] = {}
        self.accepting: dict[int, int | None] = {}  # row -> client id (None: a new client)

    def check_row(self, cells: RowChecker) -> _ReferralRow | None:
        c = cells
        source = self._source(c)
        received = c.moment("received_at", zone=self.zone, latest=self.latest)
        reason = c.text("reason", max_len=2000)
        event_kind = c.event_kind("event_kind") if c.row.get("event_kind") else None
        event_at = None
        if c.row.get("event_at") or event_kind is not None:
            event_at = c.moment("event_at", zone=self.zone, latest=self.latest)
        if c.row.get("event_at") and not c.row.get("event_kind"):
            c.problem("event_kind", "", "the kind of the event at event_at (both or neither)")
        external_id = c.text("external_id", max_len=64)
        first = c.text("first_name", max_len=80)
        last = c.text("last_name", max_len=80)
        dob = c.day("date_of_birth", latest=self.now.astimezone(self.zone).date())
        if not external_id and not (first and last):
            column = "first_name" if not first else "last_name"
            c.problem(column, "", "the person's first and last name (or a client's external_id)")
        phone = c.text("phone", max_len=40)
        address = c.text("address", max_len=200)
        city = c.text("city", max_len=80)
        zip_code = c.zip_code("zip")
        program = c.row.get("program").strip().lower()
        if program and program not in self.programs:
            c.problem(
                "program", program, "a program code from: " + ", ".join(sorted(self.programs))
            )
        if received is not None and event_at is not None and event_at > received:
            c.problem("event_at", c.row.get("event_at"), "a time before the referral's received_at")
        if not c.ok or source is None or received is None:
            return None
        return _ReferralRow(
            c.row.number,
            NewReferral(
                source=source,
                received_at=received,
                reason=reason,
                event_kind=event_kind,
                event_at=event_at,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                phone=phone,
                address=address,
                city=city,
                zip=zip_code,
                program_code=program,
            ),
            external_id,
        )

    def _source(self, c: RowChecker) -> ReferralSource | None:
        value = c.row.get("source")
        source = SOURCE_ALIASES.get(_key(value))
        if source is None:
            allowed = ", ".join(s.value for s in ReferralSource)
            c.problem("source", value, f"one of {allowed} (or EMS, ED, discharge planner, APS)")
        return source

    def check_file(
        self, table: Table, rows: Sequence[_ReferralRow], problems: list[RowProblem]
    ) -> None:
        self.client_ids = _client_ids(self.session, [r.external_id for r in rows if r.external_id])
        for r in rows:
            if r.external_id and r.external_id not in self.client_ids:
                problems.append(
                    RowProblem(
                        r.row,
                        "external_id",
                        r.external_id,
                        "the external_id of a client already in the database, or blank",
                    )
                )
        report_duplicates(
            problems,
            (
                (
                    r.row,
                    r.referral.received_at.isoformat(),
                    _identity(r),
                    "a referral not listed twice (same source, time and person)",
                )
                for r in rows
            ),
            "received_at",
        )
        stored = {
            (source, at.astimezone(UTC), name_key(first, last), dob)
            for source, at, first, last, dob in self.session.execute(
                select(
                    Referral.source,
                    Referral.referred_at,
                    Referral.first_name,
                    Referral.last_name,
                    Referral.date_of_birth,
                )
            )
        }
        for r in rows:
            n = r.referral
            key = (
                n.source.value,
                n.received_at.astimezone(UTC),
                name_key(n.first_name, n.last_name),
                n.date_of_birth,
            )
            if key in stored:
                problems.append(
                    RowProblem(
                        r.row,
                        "received_at",
                        n.received_at.isoformat(),
                        "a new referral: one from this source, for this person, at this time is "
                        "already in the queue",
                    )
                )

    def plan(self, rows: Sequence[_ReferralRow], steps: Steps) -> Planned:
        warnings: list[RowWarning] = []
        self.accepting = {}
        made: dict[tuple[str, date | None], int] = {}  # new clients this file makes, by person
        for r in rows:
            n = r.referral
            if not (self.accept and n.program_code):
                continue
            if r.external_id:
                self.accepting[r.row] = self.client_ids[r.external_id]
                continue
            matches = find_matches(self.session, n.first_name, n.last_name, n.date_of_birth)
            exact = [m for m in matches if m.exact]
            person = (name_key(n.first_name, n.last_name), n.date_of_birth)
            if len(exact) == 1 and len(matches) == 1:
                self.accepting[r.row] = exact[0].client_id
            elif matches:
                warnings.append(
                    RowWarning(
                        r.row,
                        "program",
                        f"left as new for triage: {len(matches)} client(s) on file may be this "
                        "person — match them on the Referrals page",
                    )
                )
            elif n.date_of_birth is None:
                warnings.append(
                    RowWarning(
                        r.row,
                        "date_of_birth",
                        "left as new for triage: a date of birth is needed to make a new client",
                    )
                )
            elif person in made:
                warnings.append(
                    RowWarning(
                        r.row,
                        "program",
                        f"left as new for triage: row {made[person]} makes this person's client",
                    )
                )
            else:
                made[person] = r.row
                self.accepting[r.row] = None
        return Planned(
            created=len(rows),
            enrollments=len(self.accepting),
            warnings=tuple(warnings),
            audited={"accepted": len(self.accepting)},
        )

    def write(self, rows: Sequence[_ReferralRow], steps: Steps) -> None:
        for done, r in enumerate(rows, 1):
            steps.checkpoint()
            client_id = self.client_ids.get(r.external_id) if r.external_id else None
            new = r.referral
            if client_id is not None:
                new = replace(new, client_id=client_id)
            referral = add_referral_in(self.session, self.actor, new, now=self.now)
            if r.row in self.accepting:
                accept_in(
                    self.session,
                    self.actor,
                    referral,
                    program_code=new.program_code,
                    client_id=self.accepting[r.row],
                )
            if done % 100 == 0:
                steps.report(done, "writing referrals")
        self.session.flush()


def _identity(r: _ReferralRow) -> tuple[object, ...]:
    n = r.referral
    who = r.external_id or name_key(n.first_name, n.last_name)
    return (n.source, n.received_at.astimezone(UTC), who, n.date_of_birth)
