"""`rounds demo` on the command line: creates, refuses a non-empty database, replaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.store.database import open_database
from caseload.store.models import Client, Staff
from desktop.cli import main


def _counts(url: str) -> tuple[int, int]:
    db = open_database(url)
    try:
        with db.session() as session:
            clients = session.scalar(select(func.count()).select_from(Client)) or 0
            staff = session.scalar(select(func.count()).select_from(Staff)) or 0
            return clients, staff
    finally:
        db.dispose()


def test_demo_creates_then_refuses_then_replaces(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", db_url, "--clients", "30", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "30 active clients" in out and "10 unsheltered" in out and "invented" in out
    assert out.count("\n") == 1  # one paragraph
    created = _counts(db_url)
    assert created[0] > 30 and created[1] == 8

    assert main(["demo", "--db", db_url, "--clients", "40"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rounds: ") and "already has" in err and "--replace" in err
    assert _counts(db_url) == created

    assert main(["demo", "--db", db_url, "--clients", "40", "--replace"]) == 0
    assert "40 active clients" in capsys.readouterr().out
    assert _counts(db_url)[0] > 40


def test_demo_rejects_a_bad_client_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    assert main(["demo", "--db", url, "--clients", "0"]) == 2
    assert "between 10 and" in capsys.readouterr().err
    assert _counts(url) == (0, 0)


def test_demo_hides_a_password_in_the_printed_url() -> None:
    from desktop.cli.demo import _safe_url

    assert _safe_url("postgresql+psycopg://ann:s3cret@host/db") == (
        "postgresql+psycopg://ann:***@host/db"
    )
    assert _safe_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
