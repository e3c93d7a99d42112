"""`rounds backup` and `rounds restore` as a user runs them; a damaged database file gives a
plain message pointing to the backups (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main
from tests.desktop.local_mode import switch_on_local_mode


def test_backup_then_restore_over_a_damaged_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    assert main(["demo", "--db", url, "--clients", "12"]) == 0
    capsys.readouterr()
    backup = tmp_path / "backups" / "rounds-monday.db"
    assert main(["backup", "--db", url, "--out", str(backup)]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert backup.stat().st_mode & 0o777 == 0o600
    assert main(["backup", "--db", url, "--out", str(backup)]) == 2  # no silent overwrite
    assert "--force" in capsys.readouterr().err

    data = (tmp_path / "rounds.db").read_bytes()
    (tmp_path / "rounds.db").write_bytes(data[: len(data) // 5])
    assert main(["priorities", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "rounds restore" in err and "Traceback" not in err

    assert main(["restore", str(backup), "--db", url]) == 2  # an existing file: --force
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(backup), "--db", url, "--force"]) == 0
    assert "Restored" in capsys.readouterr().out
    assert main(["priorities", "--db", url]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--db", url]) == 0
    assert "Audit log intact" in capsys.readouterr().out


def test_restore_into_a_new_file_and_a_missing_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    assert main(["init", "--db", url]) == 0
    switch_on_local_mode(url)
    assert main(["backup", "--db", url, "--out", str(tmp_path / "b.db")]) == 0
    fresh = tmp_path / "elsewhere" / "restored.db"
    assert main(["restore", str(tmp_path / "b.db"), "--db", f"sqlite:///{fresh}"]) == 0
    assert fresh.stat().st_mode & 0o777 == 0o600
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "nope.db"), "--db", url, "--force"]) == 2
    assert "no such backup file" in capsys.readouterr().err


def test_an_encrypted_demo_works_with_its_key_and_exits_2_with_a_wrong_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from caseload.store import encryption

    monkeypatch.setattr(encryption, "_remembered", {})
    monkeypatch.setenv("ROUNDS_DB_KEY", "s3cret passphrase")
    url = f"sqlite:///{tmp_path / 'enc.db'}"
    assert main(["demo", "--db", url, "--encrypt", "--clients", "10"]) == 0
    with sqlite3.connect(tmp_path / "enc.db") as plain, pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM clients").fetchall()
    assert main(["priorities", "--db", url]) == 0
    assert main(["audit", "verify", "--db", url]) == 0
    capsys.readouterr()
    monkeypatch.setenv("ROUNDS_DB_KEY", "not it")
    assert main(["priorities", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "cannot open the database: wrong key or not an encrypted database" in err
