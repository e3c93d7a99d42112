"""`rounds report` on a demo database: three private files, a readable PDF, no PHI in the
de-identified CSV, and the loader's numbers agree with the database."""

from __future__ import annotations

import csv
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.reports.service import build_report
from caseload.store.database import open_database
from caseload.store.models import Client, Referral
from desktop.cli import main

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    try:
        create_demo(db, local_actor(), clients=60, seed=5, today=TODAY)
    finally:
        db.dispose()
    return url


def test_report_writes_pdf_and_csvs(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["report", "--from", "2026-01-01", "--to", "2026-05-31", "--db", demo_url]
    assert main([*args, "--out", str(out)]) == 0
    stem = "report-2026-01-01-to-2026-05-31"
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        f"{stem}-clients-deidentified.csv",
        f"{stem}-measures.csv",
        f"{stem}-summary.pdf",
    ]
    assert all((out / f).stat().st_mode & 0o777 == 0o600 for f in files)
    assert "summary.pdf" in capsys.readouterr().out

    text = subprocess.run(
        ["pdftotext", "-layout", str(out / f"{stem}-summary.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for expected in (
        "Outcomes report",
        "01 Jan 2026 to 31 May 2026",
        "Referrals received",
        "First contact within 72 h",
        "Utilization before and after enrolment",
        "Month by month",
        "by priority: MUST",
        "Ended in the period:",
        "Jan 2026",
        "May 2026",
        "911 calls (rate)",
        "Estimated cost avoided",
        "ESTIMATE",
        'shown as "<11"',
    ):
        assert expected in text, expected
    pages = subprocess.run(
        ["pdfinfo", str(out / f"{stem}-summary.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert any(line.split() in (["Pages:", "1"], ["Pages:", "2"]) for line in pages.splitlines())

    with (out / f"{stem}-measures.csv").open(newline="") as handle:
        measures = list(csv.DictReader(handle))
    assert {m["group"] for m in measures} == {"process", "outcome", "balancing", "cost"}
    assert all(m["definition"] for m in measures)
    values = [m["value"] for m in measures if m["unit"] == "count"]
    assert not any(v.isdigit() and 0 < int(v) < 11 for v in values)  # small counts suppressed

    db = open_database(demo_url)
    try:
        with db.session() as session:
            names = {
                n for c in session.scalars(select(Client)) for n in (c.first_name, c.last_name)
            }
            external = {c.external_id for c in session.scalars(select(Client))}
    finally:
        db.dispose()
    raw = (out / f"{stem}-clients-deidentified.csv").read_text()
    cells = {cell for row in csv.reader(raw.splitlines()) for cell in row}
    assert not cells & (names | external)
    assert not any(len(c) == 10 and c[4] == "-" and c[7] == "-" for c in cells)  # no dates


def test_referral_count_matches_the_database(demo_url: str) -> None:
    db = open_database(demo_url)
    try:
        report = build_report(db, date(2026, 3, 1), date(2026, 5, 31), local_actor())
        zone = report.period.as_of.tzinfo
        with db.session() as session:
            times = session.scalars(select(Referral.referred_at)).all()
    finally:
        db.dispose()
    start = datetime.combine(date(2026, 3, 1), time(), zone)
    end = start + timedelta(days=92)
    expected = sum(start <= t < end for t in times)
    assert expected > 0
    assert report.get("referrals").value == expected


def test_report_refuses_an_unknown_program(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--from", "2026-01-01", "--to", "2026-05-31", "--program", "nope"]
    assert main([*args, "--db", demo_url, "--out", str(tmp_path)]) == 2
    assert "no program 'nope'" in capsys.readouterr().err
