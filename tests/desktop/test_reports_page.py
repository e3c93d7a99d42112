"""The Reports page: computes in a worker when shown, lists every measure with its definition,
follows the period and program pickers, suppresses small numbers on request, draws the chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QListWidget
from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.settings import ProgramSettings
from caseload.store.database import open_database
from caseload.store.models import AuditEntry
from desktop.context import AppContext
from desktop.reports.page import ReportsPage
from tests.desktop.artifacts import save_screenshot


def _rows(page: ReportsPage) -> dict[str, str]:
    model = page.model
    return {model.index(r, 1).data(): model.index(r, 2).data() for r in range(model.rowCount())}


def test_reports_page_shows_measures_for_the_chosen_period(
    qtbot: Any, qtmodeltester: Any, tmp_path: Path
) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}", create=True)
    today = date.today()
    create_demo(db, local_actor(), seed=5, clients=40, today=today)
    context = AppContext(db, local_actor(), settings.load(db, ProgramSettings))
    page = ReportsPage(context)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0  # nothing computed before it is shown
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None, timeout=20_000)
    qtmodeltester.check(page.model)
    assert page.period.currentIndex() == 1  # the last complete month
    first = page.report
    assert first is not None and first.period.start == page.period.currentData().start
    rows = _rows(page)
    assert "Reach rate" in rows and "Estimated cost avoided" in rows
    definitions = [page.model.index(r, 3).data() for r in range(page.model.rowCount())]
    assert all(definitions)
    assert not page.chart.pixmap().isNull()
    assert not page.trend.pixmap().isNull()
    save_screenshot(page, "reports_page")

    # Drill-down: the clients behind the caseload, audited as a view.
    row = next(
        r for r in range(page.model.rowCount()) if page.model.measure_at(r).key == "caseload"
    )
    expected = len(page.model.measure_at(row).clients)
    page.open_drilldown(row)
    qtbot.waitUntil(lambda: page.drilldown is not None, timeout=10_000)
    assert page.drilldown is not None
    listing = page.drilldown.findChild(QListWidget)
    assert listing is not None and listing.count() == expected > 0
    assert "(DEMO-" in listing.item(0).text()
    with db.session() as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "report.drilldown")
        ).all()
    assert [a.entity_id for a in audited] == ["Caseload (clients)"]
    assert f'"clients": {expected}' in audited[0].details
    page.drilldown.close()

    # A quarter for one program: a new report, scoped to it.
    page.kind.setCurrentIndex(1)
    index = page.program.findText("Post-overdose follow-up")
    assert index > 0
    page.program.setCurrentIndex(index)
    qtbot.waitUntil(
        lambda: page.report is not None and page.report.scope == "Post-overdose follow-up",
        timeout=20_000,
    )
    assert page.report is not None and page.report.period.start.month in (1, 4, 7, 10)

    # Twelve months: a trend measure for each month.
    page.kind.setCurrentIndex(2)
    qtbot.waitUntil(
        lambda: (
            page.report is not None
            and page.report.period.start.day == 1
            and (page.report.period.end - page.report.period.start).days > 300
        ),
        timeout=20_000,
    )
    assert page.report is not None
    months = {m.subgroup for m in page.report.measures if m.key == "trend_visits_completed"}
    assert len(months) == 12
    save_screenshot(page, "reports_page_12_months")

    # Save report…: the same three private files as `rounds report`.
    assert page.save.isEnabled()
    page.save_report(tmp_path / "saved")
    qtbot.waitUntil(lambda: len(page.saved) == 3, timeout=20_000)
    stem = f"report-{page.report.period.start}-to-{page.report.period.end}"
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == [
        f"{stem}-clients-deidentified.csv",
        f"{stem}-measures.csv",
        f"{stem}-summary.pdf",
    ]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in page.saved)
    assert "Saved 3 files" in page.status.text()

    # Suppression: small counts read "<11" once ticked.
    page.suppress.setChecked(True)
    values = list(_rows(page).values())
    assert not any(v.isdigit() and 0 < int(v) < 11 for v in values)
    db.dispose()
