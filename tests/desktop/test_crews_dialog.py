"""The crews-on-shift dialog: its model keeps Qt's contract, edits reach the database through
the caseload services, and invalid or stale edits are refused with a message."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from caseload.actor import local_actor
from caseload.errors import ConflictError, UserError
from caseload.planning.crew_edits import set_shift_times
from caseload.planning.crews import ShiftInfo, crews_on_shift, shifts_on
from desktop import crews_dialog
from desktop.context import AppContext
from desktop.crews_dialog import CrewsDialog
from desktop.crews_model import CREW, END, SICK, START, CrewTableModel, parse_clock
from tests.desktop.artifacts import save_screenshot
from tests.desktop.seed import Seed


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error the dialog would show, instead of a modal message box."""
    shown: list[BaseException] = []
    monkeypatch.setattr(crews_dialog, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


def open_dialog(qtbot: Any, context: AppContext, seed: Seed) -> CrewsDialog:
    dialog = CrewsDialog(context, seed.day)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 and dialog.table.isEnabled())
    return dialog


def row_of(dialog: CrewsDialog, name: str) -> int:
    return next(
        r for r in range(dialog.model.rowCount()) if dialog.model.index(r, 0).data() == name
    )


def press_ok(qtbot: Any, dialog: CrewsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def shift_of(context: AppContext, seed: Seed, name: str) -> ShiftInfo:
    return next(s for s in shifts_on(context.db, seed.day, context.actor) if s.staff_name == name)


def local(context: AppContext, moment: datetime) -> str:
    return f"{moment.astimezone(context.program.zone):%H:%M}"


def test_model_keeps_qts_model_contract(
    qtmodeltester: Any, context: AppContext, seed: Seed
) -> None:
    model = CrewTableModel(context.program.zone)
    model.set_shifts(shifts_on(context.db, seed.day, context.actor))
    qtmodeltester.check(model)
    model.setData(model.index(0, CREW), "Medic 9")
    qtmodeltester.check(model)


def test_dialog_lists_routed_staff_with_local_times_and_crews(
    qtbot: Any, context: AppContext, seed: Seed
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert sorted(names) == ["Ana Reyes", "Ben Okoro", "Cleo Park", "Dee Walsh"]  # no manager
    ana, ben, dee = (
        row_of(dialog, "Ana Reyes"),
        row_of(dialog, "Ben Okoro"),
        row_of(dialog, "Dee Walsh"),
    )
    assert [model.index(ana, c).data() for c in range(6)] == [
        "Ana Reyes",
        "Community paramedic",
        "08:00",
        "16:00",
        "",
        "Medic 1",
    ]
    assert model.index(ben, CREW).data() == "works alone"
    assert model.index(ben, CREW).data(Qt.ItemDataRole.EditRole) == ""
    assert model.index(dee, 1).data() == "Nurse"
    assert model.index(ben, SICK).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert dialog.status_label.text() == "4 staff on shift, 1 named crew(s); no changes."
    assert dialog.problems_label.isHidden()


def test_marking_out_sick_reaches_the_database_and_the_crews(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    assert model.setData(
        model.index(row_of(dialog, "Ben Okoro"), SICK),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert "1 change(s) not saved yet" in dialog.status_label.text()
    with qtbot.waitSignal(dialog.crews_changed, timeout=5000):
        press_ok(qtbot, dialog)
    assert errors == []
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert shift_of(context, seed, "Ben Okoro").out_sick
    working = {
        m.name for c in crews_on_shift(context.db, seed.day, context.actor) for m in c.members
    }
    assert "Ben Okoro" not in working and "Ana Reyes" in working


def test_changing_times_reaches_the_database(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    ana = row_of(dialog, "Ana Reyes")
    assert model.setData(model.index(ana, START), QTime(9, 30))
    assert model.setData(model.index(ana, END), "17:15")
    assert model.index(ana, START).data() == "09:30"
    assert model.index(ana, START).data(Qt.ItemDataRole.BackgroundRole) is not None  # changed
    assert not model.setData(model.index(ana, END), "not a time")
    with qtbot.waitSignal(dialog.crews_changed, timeout=5000):
        press_ok(qtbot, dialog)
    assert errors == []
    saved = shift_of(context, seed, "Ana Reyes")
    assert (local(context, saved.starts_at), local(context, saved.ends_at)) == ("09:30", "17:15")
    assert saved.version == 2
    assert shift_of(context, seed, "Ben Okoro").version == 1  # untouched rows are not written


def test_pairing_and_unpairing_reach_the_crews(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    model.setData(model.index(row_of(dialog, "Ben Okoro"), CREW), "Medic 2")
    model.setData(model.index(row_of(dialog, "Dee Walsh"), CREW), "  Medic   2 ")
    model.setData(model.index(row_of(dialog, "Cleo Park"), CREW), "")
    assert model.crew_names() == ["Medic 1", "Medic 2"]
    with qtbot.waitSignal(dialog.crews_changed, timeout=5000):
        press_ok(qtbot, dialog)
    assert errors == []
    crews = {c.name: c for c in crews_on_shift(context.db, seed.day, context.actor)}
    assert crews["Medic 2"].member_names == "Ben Okoro + Dee Walsh"
    assert crews["Medic 1"].member_names == "Ana Reyes"
    assert crews["Cleo Park"].crew_id is None  # works alone
    # the pair works the overlap of their shifts: 12:00-16:00
    assert local(context, crews["Medic 2"].starts_at) == "12:00"
    assert local(context, crews["Medic 2"].ends_at) == "16:00"


def test_a_crew_of_three_is_refused_with_a_message(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    dialog.model.setData(dialog.model.index(row_of(dialog, "Ben Okoro"), CREW), "Medic 1")
    assert dialog.problems_label.isVisibleTo(dialog)
    assert "Crew 'Medic 1' has 3 people" in dialog.problems_label.text()
    press_ok(qtbot, dialog)
    assert len(errors) == 1 and isinstance(errors[0], UserError)
    assert "Ana Reyes, Ben Okoro, Cleo Park" in str(errors[0])
    assert "a crew is one or two" in str(errors[0])
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert shift_of(context, seed, "Ben Okoro").crew_name == ""


def test_an_end_before_the_start_is_refused_with_a_message(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    dialog.model.setData(dialog.model.index(row_of(dialog, "Ana Reyes"), END), "07:00")
    press_ok(qtbot, dialog)
    assert len(errors) == 1
    assert "Ana Reyes's shift ends at 07:00, before it starts at 08:00" in str(errors[0])
    assert local(context, shift_of(context, seed, "Ana Reyes").ends_at) == "16:00"


def test_a_pair_that_never_overlaps_is_refused(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    ben = row_of(dialog, "Ben Okoro")
    model.setData(model.index(ben, END), "11:00")
    model.setData(model.index(ben, CREW), "Early")
    model.setData(model.index(row_of(dialog, "Dee Walsh"), CREW), "Early")
    assert "Crew 'Early': Ben Okoro, Dee Walsh are never on shift at the same time." in (
        dialog.problems_label.text()
    )
    press_ok(qtbot, dialog)
    assert len(errors) == 1


def test_a_shift_changed_meanwhile_shows_a_conflict_and_saves_nothing(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    model = dialog.model
    model.setData(model.index(row_of(dialog, "Ana Reyes"), START), "07:00")
    model.setData(model.index(row_of(dialog, "Ben Okoro"), SICK), 2, Qt.ItemDataRole.CheckStateRole)
    ben = shift_of(context, seed, "Ben Okoro")
    set_shift_times(  # someone else, behind the dialog's back
        context.db,
        local_actor(),
        ben.shift_id,
        ben.version,
        ben.starts_at,
        ben.ends_at + timedelta(hours=1),
    )
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ConflictError)
    assert "Someone else changed this shift" in str(errors[0])
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.table.isEnabled()
    # one transaction: Ana's earlier change was not saved either
    assert local(context, shift_of(context, seed, "Ana Reyes").starts_at) == "08:00"
    # Reload shows the other person's change and drops ours
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.model.changed_count() == 0 and dialog.table.isEnabled())
    assert dialog.model.index(row_of(dialog, "Ben Okoro"), END).data() == "17:00"


def test_a_crew_changed_meanwhile_shows_a_conflict(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    from caseload.planning.crew_edits import pair_staff

    dialog = open_dialog(qtbot, context, seed)
    dialog.model.setData(dialog.model.index(row_of(dialog, "Ben Okoro"), CREW), "Medic 2")
    pair_staff(context.db, local_actor(), seed.day, "Medic 7", [seed.staff["Ben Okoro"]])
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ConflictError)
    assert "Ben Okoro's crew" in str(errors[0])
    assert shift_of(context, seed, "Ben Okoro").crew_name == "Medic 7"


def test_ok_without_changes_closes_without_writing(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    dialog = open_dialog(qtbot, context, seed)
    changed: list[bool] = []
    dialog.crews_changed.connect(lambda: changed.append(True))
    press_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert changed == [] and errors == []


def test_an_overnight_shift_keeps_its_next_day_end(
    qtbot: Any, context: AppContext, seed: Seed, errors: list[BaseException]
) -> None:
    zone = context.program.zone
    dee = shift_of(context, seed, "Dee Walsh")
    start = datetime.combine(seed.day, time(18), tzinfo=zone)
    set_shift_times(
        context.db, local_actor(), dee.shift_id, dee.version, start, start + timedelta(hours=8)
    )
    dialog = open_dialog(qtbot, context, seed)
    row = row_of(dialog, "Dee Walsh")
    assert dialog.model.index(row, END).data() == "02:00 (+1 day)"
    dialog.model.setData(dialog.model.index(row, END), "03:00")
    assert dialog.model.index(row, END).data() == "03:00 (+1 day)"
    assert dialog.problems() == []


def test_parse_clock_reads_qtime_time_and_text() -> None:
    assert parse_clock(QTime(7, 5)) == time(7, 5)
    assert parse_clock(time(7, 5, 30)) == time(7, 5)
    assert parse_clock(" 21:45 ") == time(21, 45)
    assert parse_clock("25:00") is None
    assert parse_clock("noon") is None
    assert parse_clock(QTime()) is None


def test_screenshot(qtbot: Any, context: AppContext, seed: Seed) -> None:
    """Saves test-artifacts/crews_dialog.png (look at it) with a pending change and a problem."""
    dialog = open_dialog(qtbot, context, seed)
    dialog.show()
    model = dialog.model
    model.setData(model.index(row_of(dialog, "Ben Okoro"), SICK), 2, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(row_of(dialog, "Dee Walsh"), CREW), "Medic 1")
    path = save_screenshot(dialog, "crews_dialog")
    assert path.stat().st_size > 0
    header = dialog.table.horizontalHeader()
    assert header.sectionViewportPosition(CREW) + header.sectionSize(CREW) <= (
        dialog.table.viewport().width()
    )
