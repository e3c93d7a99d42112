"""The client panel's lifecycle: consent with date/scope/who, the two-person flag, enrol,
graduate, disenrol with a reason and reopen, and a status change that takes the client off the
list — each saved through the caseload page's background tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate

from caseload.clients import client_detail
from caseload.enums import ConsentState
from caseload.lifecycle import consent_of, enrol, enrollments
from desktop import client_lifecycle, tasks
from desktop.caseload_page import CaseloadPage
from desktop.context import AppContext
from tests.caseload.referral_data import client, programs


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


@pytest.fixture
def page(qtbot: Any, context: AppContext) -> CaseloadPage:
    programs(context.db)
    for n, first in enumerate(("Dolores", "Marcus")):
        cid = client(context.db, f"C{n}", first, "Whitfield")
        enrol(context.db, context.actor, cid, "chronic_disease", date(2026, 1, 5))
    widget = CaseloadPage(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    with qtbot.waitSignal(widget.rows_loaded, timeout=10_000):
        widget.refresh()
    with qtbot.waitSignal(widget.detail_loaded, timeout=10_000):
        widget.table.selectRow(0)
    qtbot.waitUntil(lambda: widget.detail.lifecycle.program.count() > 0, timeout=10_000)
    return widget


def _reloaded(qtbot: Any, page: CaseloadPage, check: Any) -> None:
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and check(page.detail.detail), timeout=10_000
    )


def test_consent_with_date_scope_and_who_is_saved_and_shown(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException]
) -> None:
    form = page.detail.lifecycle
    detail = page.detail.detail
    assert detail is not None and form.consent_state.currentText() == "Not recorded"
    form.consent_state.setCurrentIndex(form.consent_state.findData("given"))
    form.consent_on.setDate(QDate(2026, 11, 30))
    form.consent_scope.setText("home visits")
    form.consent_by.setText("Jo Park")
    form.save_consent_button.click()
    _reloaded(qtbot, page, lambda d: d.consent is ConsentState.GIVEN)
    assert errors == []
    stored = consent_of(page.context.db, detail.client_id)
    assert (stored.on, stored.scope, stored.obtained_by) == (
        date(2026, 11, 30),
        "home visits",
        "Jo Park",
    )
    assert "given 30 Nov 2026 by Jo Park — home visits" in page.detail.summary.toPlainText()


def test_the_two_person_flag_is_edited_on_the_form(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException]
) -> None:
    assert not page.detail.form.two_person.isChecked()
    page.detail.form.two_person.setChecked(True)
    page.detail.form.save_button.click()
    _reloaded(qtbot, page, lambda d: d.two_person_visit)
    assert page.detail.form.two_person.isChecked() and errors == []
    assert "two-person visit" in page.detail.summary.toPlainText()


def test_disenrol_with_a_reason_then_reopen_and_enrol_in_another_program(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    form = page.detail.lifecycle
    detail = page.detail.detail
    assert detail is not None and form.enrolments.count() == 1
    assert not form.disenrol_button.isEnabled()
    form.enrolments.item(0).setSelected(True)
    monkeypatch.setattr(client_lifecycle, "ask_reason", lambda *_a: "declined further visits")
    form.disenrol_button.click()
    _reloaded(qtbot, page, lambda d: d.enrollments[0].end_kind == "disenrolled")
    assert "disenrolled" in form.enrolments.item(0).text()
    assert "declined further visits" in form.enrolments.item(0).text()
    form.enrolments.item(0).setSelected(True)
    assert form.reopen_button.isEnabled()
    form.reopen_button.click()
    _reloaded(qtbot, page, lambda d: d.enrollments[0].end_kind == "")
    form.program.setCurrentIndex(form.program.findData("fall_prevention"))
    form.enrol_button.click()
    _reloaded(qtbot, page, lambda d: len(d.enrollments) == 2)
    codes = {e.program_code for e in enrollments(page.context.db, detail.client_id)}
    assert codes == {"chronic_disease", "fall_prevention"} and errors == []


def test_marking_a_client_deceased_takes_them_off_the_list(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        client_lifecycle, "confirm", lambda _p, title, _t: asked.append(title) or True
    )
    form = page.detail.lifecycle
    detail = page.detail.detail
    assert detail is not None and page.model.rowCount() == 2
    form.status.setCurrentIndex(form.status.findData("deceased"))
    form.status_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert asked == ["Change status"] and errors == []
    stored = client_detail(page.context.db, detail.client_id, page.day, page.context.actor)
    assert stored.status == "deceased" and not stored.active
    assert stored.enrollments[0].end_kind == "disenrolled"
