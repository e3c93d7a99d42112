"""The `rounds` entry point: fast help, `--db` before or after the command, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from caseload import settings
from caseload.actor import local_actor
from caseload.clients import client_count
from caseload.demo.create import create_demo
from caseload.programs import DEFAULT_PROGRAMS, list_programs
from caseload.settings import ProgramSettings
from caseload.store.database import open_database
from desktop.cli import COMMANDS, main
from tests.desktop.local_mode import switch_on_local_mode


def test_help_lists_every_command_without_loading_them() -> None:
    code = (
        "import sys, desktop.cli as c\n"
        "c.build_parser(['--help']).format_help()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('caseload.', 'routing.', 'PySide6'))"
        " and m not in ('caseload.errors',)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out.replace("'", '"')) == []
    help_text = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--help"], check=True, capture_output=True, text=True
    ).stdout
    for name in COMMANDS:
        assert name in help_text


@pytest.mark.parametrize("before", [True, False])
def test_db_option_before_or_after_the_command(
    tmp_path: Path, before: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=2, clients=20)
    db.dispose()
    args = ["priorities", "--json", "--limit", "3"]
    argv = ["--db", url, *args] if before else [*args, "--db", url]
    assert main(argv) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_unknown_database_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["priorities", "--db", "nonsense://x"]) == 2
    assert "database" in capsys.readouterr().err.lower()


# --- databases are never created by accident -----------------------------------------------------
def test_a_missing_database_exits_2_names_the_path_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "rounds.db"
    assert main(["priorities", "--db", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "rounds init --db" in err and "rounds demo" in err
    assert "Traceback" not in err
    assert not (tmp_path / "nowhere").exists()


def test_a_three_slash_typo_leaves_no_folders_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """sqlite:///home/ann/rounds.db (meant: four slashes) is relative to the current folder."""
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--db", "sqlite:///home/ann/rounds.db"]) == 2
    assert "sqlite:////folder/name.db is absolute" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_init_creates_an_empty_program_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'rounds.db'}"
    assert main(["init", "--db", url]) == 0
    assert "Created an empty program database" in capsys.readouterr().out
    db = open_database(url)
    try:
        assert len(list_programs(db)) == len(DEFAULT_PROGRAMS)
        assert settings.load_versioned(db, ProgramSettings).version == 1
        assert settings.load(db, ProgramSettings).outline() == ()  # no county but the demo's
    finally:
        db.dispose()
    assert main(["priorities", "--db", url]) == 2  # no administrator yet: nobody may look
    assert "no administrator yet" in capsys.readouterr().err
    switch_on_local_mode(url)
    assert main(["priorities", "--db", url]) == 0
    assert "No active clients." in capsys.readouterr().out
    assert main(["init", "--db", url]) == 2
    assert "already a database" in capsys.readouterr().err


def test_init_refuses_a_database_with_clients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url, "--clients", "10"]) == 0
    capsys.readouterr()
    db = open_database(url)
    try:
        before = client_count(db), settings.load_versioned(db, ProgramSettings)
        assert before[0] >= 10
        assert main(["init", "--db", url]) == 2
        assert "nothing was changed" in capsys.readouterr().err
        assert (client_count(db), settings.load_versioned(db, ProgramSettings)) == before
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgres_missing_database_and_missing_schema(
    postgres_server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a server, a database that is not there is an error saying to createdb it; an empty
    one (no MIH Rounds schema) is "missing" until `rounds init` sets it up."""
    from sqlalchemy import create_engine, text

    base = postgres_server_url.rsplit("/", 1)[0]
    assert main(["priorities", "--db", f"{base}/rounds_no_such_db"]) == 2
    assert "createdb rounds_no_such_db" in capsys.readouterr().err
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS rounds_empty_cli"))
        conn.execute(text("CREATE DATABASE rounds_empty_cli"))
    admin.dispose()
    url = f"{base}/rounds_empty_cli"
    assert main(["priorities", "--db", url]) == 2
    assert "holds no MIH Rounds database" in capsys.readouterr().err
    assert main(["init", "--db", url]) == 0
    switch_on_local_mode(url)
    assert main(["priorities", "--db", url]) == 0
    assert "No active clients." in capsys.readouterr().out
    assert main(["init", "--db", url]) == 2


def test_an_unreachable_osrm_server_during_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The environment's fault, not a bug: exit 2 with what to check, no traceback."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    day = date(2026, 3, 10)
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=20, today=day)
    program = settings.load(db, ProgramSettings)
    settings.save(db, replace(program, osrm_url="http://127.0.0.1:9"), local_actor())
    db.dispose()
    code = main(["plan", "--db", url, "--date", day.isoformat(), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach the OSRM server at http://127.0.0.1:9" in err
    assert "Traceback" not in err
