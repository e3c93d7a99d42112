"""The Team page and its dialogs over a real store: what a program manager sees (staff,
certification warnings, weekly patterns, exceptions), add and edit with validation, undo;
the Programs dialog; the crew editor adding someone who is off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import QDialogButtonBox

from caseload.enums import Certification, ShiftExceptionKind
from caseload.planning.crews import crews_on_shift
from caseload.team.programs import list_program_infos
from caseload.team.shifts import exceptions_between, weekly_pattern
from caseload.team.skills import Held
from caseload.team.staff import StaffDraft, list_staff, update_staff
from desktop.context import AppContext
from desktop.crews_dialog import CrewsDialog
from desktop.team import page as page_module
from desktop.team.page import TeamPage
from desktop.team.programs_dialog import ProgramsDialog
from desktop.team.staff_model import CERTS, NAME, ROLE, WARNINGS, StaffTableModel
from tests.caseload.team.helpers import Team, make_team


@pytest.fixture
def team(context: AppContext) -> Team:
    return make_team(context.db, context.today())


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(page_module, "show_error", lambda _p, exc, **_k: shown.append(exc))
    return shown


def open_page(qtbot: Any, context: AppContext) -> TeamPage:
    page = TeamPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded):
        page.refresh()
    return page


def cell(page: TeamPage, name: str, col: int) -> str:
    model = page.model
    row = next(r for r in range(model.rowCount()) if model.index(r, NAME).data() == name)
    return str(model.index(row, col).data())


def select(page: TeamPage, name: str) -> None:
    model = page.model
    page.table.selectRow(
        next(r for r in range(model.rowCount()) if model.index(r, NAME).data() == name)
    )


def ok(buttons: QDialogButtonBox) -> Any:
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_model_keeps_qts_model_contract(
    qtmodeltester: Any, context: AppContext, team: Team
) -> None:
    model = StaffTableModel()
    model.set_staff(list_staff(context.db, context.actor, context.today()))
    qtmodeltester.check(model)


def test_page_shows_roles_certifications_warnings_and_patterns(
    qtbot: Any, context: AppContext, team: Team
) -> None:
    expiring = context.today() + timedelta(days=10)
    info = next(
        s for s in list_staff(context.db, context.actor, context.today()) if s.id == team.peer
    )
    update_staff(
        context.db,
        context.actor,
        team.peer,
        info.version,
        StaffDraft(
            "Dee Jackson",
            "peer_support",
            (Held("peer_support", expiring), Held("cpr", context.today() - timedelta(days=1))),
        ),
    )
    page = open_page(qtbot, context)
    assert page.model.rowCount() == 4
    assert cell(page, "Ana Reyes", ROLE) == "Community paramedic"
    assert cell(page, "Chris Dunn", ROLE) == "EMT"
    assert "Community Paramedic (to 2027-06-30)" in cell(page, "Ana Reyes", CERTS)
    warning = cell(page, "Dee Jackson", WARNINGS)
    assert warning == (
        f"Expired: CPR / BLS ({context.today() - timedelta(days=1)}); "
        f"expires soon: Certified peer support specialist ({expiring})"
    )
    assert "1 with certifications expired or expiring soon" in page.status_label.text()
    select(page, "Chris Dunn")
    assert page.pattern_label.text().splitlines() == [
        f"{day} 15:00–23:00 (30 min break)" for day in ("Mon", "Tue", "Wed", "Thu")
    ]


def test_add_staff_checks_fields_and_saves(qtbot: Any, context: AppContext, team: Team) -> None:
    page = open_page(qtbot, context)
    dialog = page.add_staff()
    qtbot.addWidget(dialog)
    assert not ok(dialog.buttons).isEnabled()
    assert "needs a name" in dialog.problems_label.text()
    dialog.name.setText("Eli Moore")
    dialog.role.setCurrentIndex(dialog.role.findData("nurse"))
    dialog.lat.setText("35.99")
    assert "both the home station's latitude and longitude" in dialog.problems_label.text()
    dialog.lon.setText("-78.9")
    row = next(r for r in dialog.cert_rows if r.cert is Certification.REGISTERED_NURSE)
    row.held.setChecked(True)
    row.expires.setChecked(True)
    row.on.setDate(QDate(2028, 1, 31))
    assert ok(dialog.buttons).isEnabled()
    with qtbot.waitSignal(page.loaded):
        ok(dialog.buttons).click()
    assert cell(page, "Eli Moore", ROLE) == "Nurse"
    eli = next(
        s for s in list_staff(context.db, context.actor, context.today()) if s.name == "Eli Moore"
    )
    assert eli.draft.certifications == (Held("registered_nurse", date(2028, 1, 31)),)
    assert {"vaccine", "wound_care"} <= eli.skills


def test_edit_then_undo_restores_the_staff_member(
    qtbot: Any, context: AppContext, team: Team
) -> None:
    page = open_page(qtbot, context)
    select(page, "Chris Dunn")
    dialog = page.edit_selected()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.hours.setValue(24)
    dialog.active.setChecked(False)
    with qtbot.waitSignal(page.loaded):
        ok(dialog.buttons).click()
    assert "inactive" in cell(page, "Chris Dunn", WARNINGS)
    assert page.undo_button.isEnabled()
    with qtbot.waitSignal(page.loaded):
        page.undo()
    chris = next(
        s for s in list_staff(context.db, context.actor, context.today()) if s.id == team.emt
    )
    assert chris.draft.active and chris.draft.weekly_hours == 40
    assert not page.undo_button.isEnabled()


def test_weekly_pattern_edit_and_undo(qtbot: Any, context: AppContext, team: Team) -> None:
    page = open_page(qtbot, context)
    select(page, "Chris Dunn")
    dialog = page.edit_pattern()
    assert dialog is not None
    qtbot.addWidget(dialog)
    saturday = dialog.rows[5]
    saturday.works.setChecked(True)
    saturday.start.setTime(QTime(15, 0))
    saturday.end.setTime(QTime(0, 0))  # midnight
    saturday.crew.setText("Medic 2")
    dialog.rows[0].end.setTime(QTime(14, 0))  # Monday ends before it starts
    assert "Mon: A shift must end after it starts" in dialog.problems_label.text()
    assert not ok(dialog.buttons).isEnabled()
    dialog.rows[0].works.setChecked(False)
    with qtbot.waitSignal(page.loaded):
        ok(dialog.buttons).click()
    slots = weekly_pattern(context.db, context.actor, team.emt)
    assert [(s.weekday, s.end_minute, s.crew_name) for s in slots] == [
        (1, 23 * 60, ""),
        (2, 23 * 60, ""),
        (3, 23 * 60, ""),
        (5, 24 * 60, "Medic 2"),
    ]
    assert "Sat 15:00–24:00 (30 min break) · Medic 2" in page.pattern_label.text()
    with qtbot.waitSignal(page.loaded):
        page.undo()
    assert [s.weekday for s in weekly_pattern(context.db, context.actor, team.emt)] == [0, 1, 2, 3]


def test_exceptions_on_a_day_add_remove_and_undo(
    qtbot: Any, context: AppContext, team: Team, errors: list[BaseException]
) -> None:
    page = open_page(qtbot, context)
    day = context.today() + timedelta(days=(1 - context.today().weekday()) % 7 or 7)  # a Tuesday
    with qtbot.waitSignal(page.loaded):
        page.day_edit.setDate(QDate(day.year, day.month, day.day))
    assert page.exception_list.item(0).text().startswith("No exceptions")
    select(page, "Dee Jackson")
    dialog = page.add_exception()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ShiftExceptionKind.SICK.value))
    with qtbot.waitSignal(page.loaded):
        ok(dialog.buttons).click()
    assert page.exception_list.item(0).text() == "Dee Jackson: sick"
    crews = {c.name: c.member_names for c in crews_on_shift(context.db, day, context.actor)}
    assert crews["Medic 1"] == "Ana Reyes"
    page.exception_list.setCurrentRow(0)
    with qtbot.waitSignal(page.loaded):
        page.remove_selected_exception()
    assert exceptions_between(context.db, context.actor, day, day) == []
    with qtbot.waitSignal(page.loaded):
        page.undo()  # puts the sick day back
    [back] = exceptions_between(context.db, context.actor, day, day)
    assert back.exception.kind is ShiftExceptionKind.SICK and back.staff_name == "Dee Jackson"
    assert errors == []


def test_programs_dialog_adds_edits_reverts_and_undoes(qtbot: Any, context: AppContext) -> None:
    dialog = ProgramsDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 6)
    dialog.new_program()
    assert not dialog.save_button.isEnabled()
    dialog.code.setText("crisis_navigation")
    dialog.name.setText("Crisis navigation")
    dialog.cadence.setValue(3)
    dialog.skills[next(s for s in dialog.skills if s.value == "peer_support")].setChecked(True)
    dialog.has_deadline.setChecked(True)
    dialog.deadline.setValue(24)
    assert "needs the events" in dialog.problems_label.text()
    next(iter(dialog.events.values())).setChecked(True)  # after an overdose
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded):
        dialog.save()
    crisis = next(
        p for p in list_program_infos(context.db, context.actor) if p.code == "crisis_navigation"
    )
    assert (crisis.cadence_days, crisis.first_contact_hours) == (3, 24.0)
    assert crisis.required_skills == {"peer_support"} and crisis.first_contact_events == {
        "overdose"
    }
    # A built-in program: its code cannot be changed; Revert drops edits; Undo restores a save.
    row = next(i for i, p in enumerate(dialog.programs) if p.code == "fall_prevention")
    dialog.list.setCurrentRow(row)
    assert not dialog.code.isEnabled()
    dialog.cadence.setValue(99)
    dialog.revert_button.click()
    assert dialog.cadence.value() == 14
    dialog.cadence.setValue(7)
    with qtbot.waitSignal(dialog.loaded):
        dialog.save()
    falls = next(
        p for p in list_program_infos(context.db, context.actor) if p.code == "fall_prevention"
    )
    assert falls.cadence_days == 7
    with qtbot.waitSignal(dialog.loaded):
        dialog.undo()
    falls = next(
        p for p in list_program_infos(context.db, context.actor) if p.code == "fall_prevention"
    )
    assert falls.cadence_days == 14


def test_crews_dialog_adds_someone_who_is_off(qtbot: Any, context: AppContext, team: Team) -> None:
    friday = context.today() + timedelta(days=(4 - context.today().weekday()) % 7 or 7)
    dialog = CrewsDialog(context, friday)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and dialog.table.isEnabled())
    add = dialog.add_someone()
    assert add is not None
    qtbot.addWidget(add)
    with qtbot.waitSignal(add.loaded) as loaded:
        pass
    assert loaded.args == [1] and add.person.currentText() == "Chris Dunn (EMT)"
    add.start.setTime(QTime(10, 0))
    add.end.setTime(QTime(18, 0))
    with qtbot.waitSignal(dialog.shifts_loaded):
        ok(add.buttons).click()
    assert dialog.model.rowCount() == 3
    names = {c.name for c in crews_on_shift(context.db, friday, context.actor)}
    assert names == {"Medic 1", "Chris Dunn"}


def test_import_staff_and_shifts_from_the_page(
    qtbot: Any, context: AppContext, errors: list[BaseException]
) -> None:
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    page = open_page(qtbot, context)
    assert page.model.rowCount() == 0
    with qtbot.waitSignal(page.loaded):
        page.import_file("staff", str(examples / "staff.csv"))
    assert page.model.rowCount() == 7
    assert "Imported staff.csv: 7 rows read, 7 staff members created." in page.status_label.text()
    bad = Path(context.db.url.split("///", 1)[1]).parent / "bad.csv"
    bad.write_text("staff,days,start,end\nNobody,Mon,07:00,15:00\n", encoding="utf-8")
    with qtbot.waitSignal(page.loaded):
        page.import_file("shifts", str(bad))
    assert len(errors) == 1 and "row 2, column 'staff'" in str(errors[0])
    with qtbot.waitSignal(page.loaded):
        page.import_file("shifts", str(examples / "shifts.csv"))
    select(page, "Ana Reyes")
    assert page.pattern_label.text().startswith("Mon 07:00–15:00 (30 min break) · Medic 1 · CP-1")
