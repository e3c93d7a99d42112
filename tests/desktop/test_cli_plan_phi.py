"""`rounds plan --phi-minimised` keeps names off the terminal too: a MUST visit that could not be
planned is named by initials, as on the sheets (issue 14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.enums import Tier
from caseload.priority.service import rank_caseload
from caseload.store.database import open_database
from caseload.store.models import Client
from desktop.cli import main

TODAY = date(2026, 3, 10)


@pytest.fixture
def day_with_an_unplannable_must(tmp_path: Path) -> tuple[str, str]:
    """A demo database where one MUST client needs an interpreter for a language nobody on
    shift speaks; returns (url, that client's full name)."""
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    db = open_database(url, create=True)
    try:
        create_demo(db, local_actor(), seed=3, clients=40, today=TODAY)
        must = next(p for p in rank_caseload(db, TODAY, local_actor()) if p.tier is Tier.MUST)
        with db.session() as session:
            client = session.scalars(select(Client).where(Client.id == must.client_id)).one()
            client.language, client.needs_interpreter = "ar", True
            name = f"{client.first_name} {client.last_name}"
    finally:
        db.dispose()
    return url, name


def test_not_planned_must_visits_are_named_by_initials_when_minimised(
    day_with_an_unplannable_must: tuple[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    qapp: object,
) -> None:
    url, name = day_with_an_unplannable_must
    args = ["plan", "--date", TODAY.isoformat(), "--db", url, "--time-limit", "1"]
    assert main([*args, "--out", str(tmp_path / "min"), "--phi-minimised"]) == 0
    printed = capsys.readouterr().out
    first, *_, last = name.split()
    assert f"NOT PLANNED (MUST) {first[0]}. {last[0]}.:" in printed
    assert name not in printed
    flagged = [line for line in printed.splitlines() if "NOT PLANNED" in line]
    assert flagged and not [line for line in flagged if first in line or last in line]
    # With --full the terminal names them, as the full sheets do.
    assert main([*args, "--out", str(tmp_path / "full"), "--full"]) == 0
    assert f"NOT PLANNED (MUST) {name}:" in capsys.readouterr().out
