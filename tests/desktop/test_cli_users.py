"""`rounds init --admin`, `rounds users …` and `--user` as a user runs them: a program database
needs a log-in, a wrong password or a refused permission exits 2 with a plain message, local
mode and demo databases need none, and a demo refuses real imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main

ADMIN_PW = "ada's long password"
PM_PW = "renee's long password"
MEDIC_PW = "lee's long password"


@pytest.fixture
def program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """A program database with an administrator (ada) and a program manager (renee)."""
    monkeypatch.delenv("ROUNDS_USER", raising=False)
    monkeypatch.delenv("ROUNDS_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'program.db'}"
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)  # init takes it for the first administrator
    assert main(["init", "--db", url, "--admin", "ada", "--admin-name", "Ada Admin"]) == 0
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", PM_PW)
    assert main(["--user", "ada", "users", "add", "renee", "--role", "program_manager",
                 "--db", url]) == 0  # fmt: skip
    monkeypatch.delenv("ROUNDS_PASSWORD")
    monkeypatch.delenv("ROUNDS_NEW_PASSWORD")
    capsys.readouterr()
    return url


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_program_database_needs_a_log_in(
    program: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "staff", "examples/staff.csv", "--db", program]) == 2
    assert "needs a log-in: give --user NAME" in _err(capsys)
    # No terminal, no password: a plain message, never a hang on a prompt.
    assert main(["import", "staff", "examples/staff.csv", "--db", program, "--user", "renee"]) == 2
    assert "No password: set $ROUNDS_PASSWORD" in _err(capsys)
    monkeypatch.setenv("ROUNDS_PASSWORD", "not renee's password")
    assert main(["import", "staff", "examples/staff.csv", "--db", program, "--user", "renee"]) == 2
    assert "Unknown user name or wrong password." in _err(capsys)
    monkeypatch.setenv("ROUNDS_PASSWORD", PM_PW)
    monkeypatch.setenv("ROUNDS_USER", "RENEE")  # the environment, any case
    assert main(["import", "staff", "examples/staff.csv", "--db", program]) == 0
    assert "7 staff members created" in capsys.readouterr().out


def test_a_refused_permission_exits_2_with_a_plain_message(
    program: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)
    assert main(["--user", "ada", "import", "staff", "examples/staff.csv", "--db", program]) == 2
    assert "Your role (administrator) cannot import files; ask a program manager." in _err(capsys)
    monkeypatch.setenv("ROUNDS_PASSWORD", PM_PW)
    assert main(["--user", "renee", "users", "list", "--db", program]) == 2
    assert "cannot manage user accounts; ask the administrator" in _err(capsys)


def test_users_add_list_role_disable_enable_password(
    program: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROUNDS_PASSWORD", PM_PW)
    assert main(["--user", "renee", "import", "staff", "examples/staff.csv", "--db", program]) == 0
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", MEDIC_PW)
    admin = ["--user", "ada", "--db", program]
    assert main([*admin, "users", "add", "lee", "--role", "paramedic"]) == 2
    assert "needs the staff member they are" in _err(capsys)
    assert main([*admin, "users", "add", "lee", "--role", "paramedic", "--staff", "ANA REYES"]) == 0
    assert "lee (lee; paramedic, staff: Ana Reyes" in capsys.readouterr().out
    assert main([*admin, "users", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["access_mode"] == "accounts"
    assert [(u["username"], u["role"]) for u in listed["users"]] == [
        ("ada", "administrator"),
        ("lee", "paramedic"),
        ("renee", "program_manager"),
    ]
    assert main([*admin, "users", "disable", "lee"]) == 0
    monkeypatch.setenv("ROUNDS_PASSWORD", MEDIC_PW)
    assert main(["--user", "lee", "priorities", "--db", program]) == 2
    assert "disabled" in _err(capsys)
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)
    assert main([*admin, "users", "enable", "lee"]) == 0
    assert main([*admin, "users", "role", "lee", "supervisor"]) == 0
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", "a new password for lee")
    assert main([*admin, "users", "password", "lee"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("ROUNDS_PASSWORD", "a new password for lee")
    assert main(["--user", "lee", "priorities", "--db", program]) == 0
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", "lee's very own choice")
    assert main(["--user", "lee", "users", "password", "--db", program]) == 0  # their own
    monkeypatch.setenv("ROUNDS_PASSWORD", "lee's very own choice")
    assert main(["--user", "lee", "priorities", "--db", program]) == 0


def test_local_mode_opens_without_log_in_until_switched_off(
    program: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)
    assert main(["--user", "ada", "users", "local-mode", "on", "--db", program]) == 0
    monkeypatch.delenv("ROUNDS_PASSWORD")
    assert main(["import", "staff", "examples/staff.csv", "--db", program]) == 0
    monkeypatch.setenv("ROUNDS_PASSWORD", ADMIN_PW)
    assert main(["--user", "ada", "users", "local-mode", "off", "--db", program]) == 0
    monkeypatch.delenv("ROUNDS_PASSWORD")
    capsys.readouterr()
    assert main(["import", "shifts", "examples/shifts.csv", "--db", program]) == 2
    assert "needs a log-in" in _err(capsys)


def test_a_new_database_without_an_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ROUNDS_NEW_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["init", "--db", url]) == 0  # no terminal: no administrator yet
    assert "No administrator yet" in capsys.readouterr().out
    assert main(["priorities", "--db", url]) == 2
    assert "no administrator yet" in _err(capsys)
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", ADMIN_PW)
    assert main(["users", "add", "pm", "--role", "program_manager", "--db", url]) == 2
    assert "add one first" in _err(capsys)
    assert main(["users", "add", "ada", "--role", "administrator", "--db", url]) == 0
    assert "the first administrator" in capsys.readouterr().out
    assert main(["users", "add", "eve", "--role", "administrator", "--db", url]) == 2
    assert "needs a log-in" in _err(capsys)


def test_a_demo_needs_no_log_in_and_refuses_real_clients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url, "--clients", "10"]) == 0
    assert main(["priorities", "--db", url, "--limit", "1"]) == 0
    capsys.readouterr()
    assert main(["import", "clients", "examples/clients.csv", "--db", url]) == 2
    assert (
        "This is a demo database; create a program database with `rounds init` to import real "
        "clients." in _err(capsys)
    )


def test_the_demo_never_goes_into_a_program_database(
    program: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", program, "--clients", "10", "--replace"]) == 2
    assert "program database with user accounts" in _err(capsys)
