"""`rounds priorities`: exit codes, the JSON shape and the table a user reads."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caseload.store.database import open_database
from caseload.store.models import Client, ProgramAccess, UtilizationEvent
from desktop.cli import main
from tests.desktop.local_mode import switch_on_local_mode

DAY = "2026-03-16"
# For a day other than today, priorities are worked out as of 07:00 in the program's zone.
AS_OF = datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = open_database(url, create=True)
    with db.session() as s:
        clients = [
            Client(
                external_id=ext,
                first_name=first,
                last_name="Test",
                date_of_birth=date(1970, 1, 1),
                housing_status=housing,
                created_at=datetime(2025, 1, 1, tzinfo=UTC),
            )
            for ext, first, housing in (
                ("C-1", "Ana", "housed"),
                ("C-2", "Bo", "unsheltered"),
                ("C-3", "Cy", "housed"),
            )
        ]
        s.add(ProgramAccess(id=1, local_mode=True))  # single-user: no log-in
        s.add_all(clients)
        s.flush()
        ana = clients[0]
        s.add(
            UtilizationEvent(
                client_id=ana.id, kind="overdose", occurred_at=AS_OF - timedelta(hours=41)
            )
        )
    db.dispose()
    return url


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["priorities", *args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    return data


def test_json_lists_every_active_client_ranked_with_reasons(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(capsys, "--date", DAY, "--db", db_url)
    assert [row["external_id"] for row in data] == ["C-1", "C-2", "C-3"]
    first = data[0]
    assert {"client_id", "external_id", "name", "tier", "score", "reasons", "due_by"} <= set(first)
    assert {"purpose", "flags", "visit_type", "appointment", "rank"} <= set(first)
    assert first["name"] == "Ana Test"
    assert first["tier"] == "MUST"
    assert isinstance(first["client_id"], int)
    assert first["score"] == 115
    reasons = first["reasons"]
    assert isinstance(reasons, list)
    assert reasons[0]["label"].startswith("Non-fatal overdose 41 h ago")
    assert reasons[0]["points"] == 100
    assert all(set(r) >= {"label", "points"} for r in reasons)
    assert sum(r["points"] for r in reasons) == first["score"]
    assert isinstance(first["due_by"], str)
    due = datetime.fromisoformat(first["due_by"])
    assert due.utcoffset() == timedelta(hours=-4)  # ISO 8601 with the program's offset
    assert due == AS_OF + timedelta(hours=31)
    assert first["purpose"] == "Post-overdose follow-up"
    assert first["flags"] == ["recent_overdose"]
    assert [row["tier"] for row in data[1:]] == ["HIGH", "ROUTINE"]
    assert data[2]["due_by"] is None


def test_limit(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--date", DAY, "--db", db_url, "--limit", "2")
    assert [row["rank"] for row in data] == [1, 2]


def test_table_is_aligned_and_readable(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["priorities", "--date", DAY, "--db", db_url]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Priorities for Mon 16 Mar 2026 (as of 07:00 EDT): 3 active")
    assert "1 MUST, 1 HIGH, 1 ROUTINE" in lines[0]
    header, rule, *rows = lines[2:]
    assert header.split() == ["#", "Tier", "Score", "Name", "Due", "by", "Top", "reasons"]
    assert len(rows) == 3
    name_col = header.index("Name")
    assert [row[name_col:].split("  ")[0] for row in rows] == ["Ana Test", "Bo Test", "Cy Test"]
    assert rows[0].split()[:3] == ["1", "MUST", "115"]
    assert "Tue 17 Mar 14:00" in rows[0]
    assert "Non-fatal overdose 41 h ago" in rows[0]
    assert "Unsheltered" in rows[1]
    assert set(rule.replace(" ", "")) == {"-"}


@pytest.mark.parametrize("bad", ["16/03/2026", "2026-02-30", "tomorrow", "20260316"])
def test_bad_date_exits_2_naming_the_format(
    db_url: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["priorities", "--date", bad, "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err
    assert bad in err


def test_bad_limit_is_a_usage_error(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["priorities", "--db", db_url, "--limit", "0"])
    assert exit_info.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_default_date_is_today(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["priorities", "--db", db_url]) == 0
    today = datetime.now(ZoneInfo("America/New_York")).date()
    assert f"{today:%a %d %b %Y}" in capsys.readouterr().out.splitlines()[0]


def test_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["init", "--db", url]) == 0
    switch_on_local_mode(url)
    assert main(["priorities", "--db", url, "--date", DAY]) == 0
    assert "No active clients." in capsys.readouterr().out
    assert run_json(capsys, "--db", url, "--date", DAY) == []


def test_unreachable_database_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["priorities", "--db", "not a url", "--date", DAY]) == 2
    assert "not a database URL" in capsys.readouterr().err
