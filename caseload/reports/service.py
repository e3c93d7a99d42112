"""Put a report together: load the rows once, narrow them, compute every measure."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from caseload.actor import Actor
from caseload.errors import UserError
from caseload.reports.data import ReportData, load_report_data, narrow
from caseload.reports.deidentify import DeidentifiedRows, client_rows
from caseload.reports.measure import Measure, Period
from caseload.reports.outcomes import OUTCOME_MEASURES
from caseload.reports.process import PROCESS_MEASURES
from caseload.reports.trend import TREND_MEASURES
from caseload.store.database import Database
from caseload.users.permissions import Permission, require


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    scope: str  # "All programs", or the program / clinician asked for
    measures: tuple[Measure, ...]
    clients: DeidentifiedRows
    suppress_below: int

    def get(self, key: str, subgroup: str = "") -> Measure:
        return next(m for m in self.measures if m.key == key and m.subgroup == subgroup)


def compute_measures(data: ReportData, period: Period) -> tuple[Measure, ...]:
    return tuple(
        m
        for fn in (*PROCESS_MEASURES, *OUTCOME_MEASURES, *TREND_MEASURES)
        for m in fn(data, period)
    )


def _program_code(data: ReportData, program: str) -> str:
    wanted = program.strip().lower()
    for code, name in data.programs.items():
        if wanted in (code.lower(), name.lower()):
            return code
    known = ", ".join(sorted(data.programs))
    raise UserError(f"--program: no program {program!r}; expected one of {known}")


def build_report(
    db: Database,
    start: date,
    end: date,
    actor: Actor,
    *,
    program: str | None = None,
    clinician_id: int | None = None,
    as_of: datetime | None = None,
    rng: random.Random | None = None,
) -> Report:
    """Every measure for `start`..`end` (inclusive), for one program or clinician if given.
    `actor` is who asks (reports hold no PHI; the drill-down to clients is audited apart)."""
    require(actor, Permission.VIEW_REPORTS)
    del actor  # the seam for permissions when accounts exist
    if end < start:
        raise UserError(f"--to {end} is before --from {start}; expected a range forwards in time")
    data = load_report_data(db, tiers_on=end)
    scope = "All programs"
    code = None
    if program is not None:
        code = _program_code(data, program)
        scope = data.programs[code]
    if clinician_id is not None:
        if clinician_id not in data.staff:
            raise UserError(f"clinician: no staff member with id {clinician_id}")
        scope = f"{scope}, caseload of {data.staff[clinician_id]}"
    data = narrow(data, code, clinician_id)
    period = Period(start, end, as_of or datetime.now(data.zone))
    return Report(
        period,
        scope,
        compute_measures(data, period),
        client_rows(data, period, rng),
        data.costs.suppress_below,
    )
