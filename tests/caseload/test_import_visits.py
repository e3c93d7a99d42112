"""`import_visits`: outcomes from a crew's spreadsheet land on the day's planned stops; a file
with any bad row imports nothing and names every problem by row, column, value and expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.enums import VisitStatus
from caseload.errors import InputFileError
from caseload.importing.visits import VISIT_COLUMNS, import_visits
from caseload.outcomes.checklist import ChecklistItem
from caseload.outcomes.service import outcome_history
from caseload.outcomes.stops import stops_for_outcomes
from caseload.store.database import Database
from caseload.store.models import Visit
from tests.caseload.outcome_program import (
    OVERPASS,
    Program,
    build_program,
    plan_and_save,
    write_csv,
)

ACTOR = local_actor()
HEADER = list(VISIT_COLUMNS)


@pytest.fixture
def program(db: Database, tmp_path: Path) -> Program:
    return build_program(db, tmp_path)


def row(day: str, ext: str, outcome: str, **cells: str) -> list[str]:
    values = {"external_id": ext, "visit_date": day, "outcome": outcome, **cells}
    return [values.get(name, "") for name in HEADER]


def _outcomes(db: Database) -> int:
    with db.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Visit).where(Visit.status != "planned")) or 0
        )


def test_a_good_file_records_each_outcome_on_the_planned_stop(
    program: Program, tmp_path: Path
) -> None:
    day = program.day(1).isoformat()
    plan = plan_and_save(program, program.day(1), selected=[program.key(e) for e in program.ids])
    assert plan.plan_id is not None
    crew = plan.routes[0].crew.name
    rows = [
        row(day, "FP1", "completed", started_at="09:05", ended_at="09:50",
            checklist="vitals; Fall-risk assessment", note="Rug taped down.", crew=crew),
        row(day, "OD1", "not found", looked_where=OVERPASS.upper()),
        row(day, "CA1", "Declined"),
        row(day, "HU1", "rescheduled", rescheduled_to=program.day(3).isoformat()),
        row(day, "OD1", "completed", started_at="15:00", ended_at="15:20", unplanned="yes"),
    ]  # fmt: skip
    report = import_visits(
        program.db, ACTOR, write_csv(tmp_path / "visits.csv", HEADER, rows),
        now=program.at(program.day(1), 20),
    )  # fmt: skip
    assert report.created == 5
    stops = {s.client_id: s for s in stops_for_outcomes(program.db, plan.plan_id, ACTOR)}
    fp = stops[program.ids["FP1"]].outcome
    assert fp is not None and fp.status is VisitStatus.COMPLETED
    assert fp.checklist == (ChecklistItem.VITALS, ChecklistItem.FALL_RISK_ASSESSMENT)
    assert fp.started_at == program.at(program.day(1), 9, 5)
    od = stops[program.ids["OD1"]].outcome
    assert od is not None and od.status is VisitStatus.NO_CONTACT
    assert od.looked_place_id == program.place_id("OD1", OVERPASS)  # matched by its label
    history = outcome_history(program.db, program.ids["OD1"], ACTOR)
    assert sorted((o.status, o.unplanned) for o in history) == [
        (VisitStatus.COMPLETED, True),
        (VisitStatus.NO_CONTACT, False),
    ]


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    program: Program, tmp_path: Path
) -> None:
    day = program.day(1).isoformat()
    plan_and_save(program, program.day(1), selected=[program.key(e) for e in program.ids])
    rows = [
        row(day, "FP1", "completed", started_at="09:05", ended_at="09:50"),  # good
        row(day, "NOPE", "completed", started_at="09:05", ended_at="09:50"),
        row(day, "HU1", "seen-ish"),
        row(day, "CA1", "completed", started_at="10:00", ended_at="09:00"),
        row(day, "OD1", "not_found"),
        row(day, "FP1", "declined"),
        row("2026-02-30", "HU1", "declined"),
        row(day, "CA1", "declined", checklist="vitals;hugs", crew="Nobody"),
    ]
    path = write_csv(tmp_path / "visits.csv", HEADER, rows)
    with pytest.raises(InputFileError) as info:
        import_visits(program.db, ACTOR, path, now=program.at(program.day(1), 20))
    found = {(p.row, p.column) for p in info.value.problems}
    assert found >= {
        (3, "external_id"),
        (4, "outcome"),
        (5, "ended_at"),
        (6, "looked_where"),
        (7, "visit_date"),  # FP1 twice on the same day
        (8, "visit_date"),  # no 30 February
        (9, "checklist"),
    }
    text = str(info.value)
    assert "visits.csv" in text and "row 4, column 'outcome': got 'seen-ish'" in text
    assert _outcomes(program.db) == 0


def test_an_outcome_already_recorded_is_refused_and_a_wrong_crew_named(
    program: Program, tmp_path: Path
) -> None:
    day = program.day(1).isoformat()
    plan_and_save(program, program.day(1), selected=[program.key(e) for e in program.ids])
    first = [row(day, "CA1", "declined")]
    import_visits(
        program.db, ACTOR, write_csv(tmp_path / "a.csv", HEADER, first),
        now=program.at(program.day(1), 20),
    )  # fmt: skip
    again = [row(day, "CA1", "completed", started_at="09:00", ended_at="09:30"),
             row(day, "HU1", "declined", crew="Medic 9")]  # fmt: skip
    with pytest.raises(InputFileError) as info:
        import_visits(
            program.db, ACTOR, write_csv(tmp_path / "b.csv", HEADER, again),
            now=program.at(program.day(1), 20),
        )  # fmt: skip
    problems = {(p.row, p.column): p.expected for p in info.value.problems}
    assert "correct a recorded outcome in the app" in problems[(2, "visit_date")]
    assert "the crew the day's newest saved plan sent" in problems[(3, "crew")]
    assert _outcomes(program.db) == 1
