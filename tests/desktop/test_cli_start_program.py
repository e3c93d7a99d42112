"""The README's "Start your own program", run exactly as written through the `rounds` entry
point: an empty database, the example staff, shifts, clients and referrals, and a plan for a
weekday — no demo anywhere."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
README = Path(__file__).resolve().parents[2] / "README.md"


def _weekday_after(start: date, days: int, weekday: int) -> date:
    """The first day with `weekday` at least `days` after `start`."""
    day = start + timedelta(days=days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.mark.parametrize("weekday", [1, 6], ids=["tuesday", "sunday"])
def test_start_your_own_program_plans_a_day_with_stops(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    weekday: int,
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'program.db'}"]
    # As the README: the administrator, then the program manager who does the rest.
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", "the admin's password")
    assert main(["init", *db, "--admin", "ada"]) == 0
    monkeypatch.setenv("ROUNDS_PASSWORD", "the admin's password")
    monkeypatch.setenv("ROUNDS_NEW_PASSWORD", "the manager's password")
    assert main(["users", "add", "renee", "--role", "program_manager", "--user", "ada", *db]) == 0
    monkeypatch.setenv("ROUNDS_USER", "renee")
    monkeypatch.setenv("ROUNDS_PASSWORD", "the manager's password")
    for kind in ("staff", "shifts", "clients"):
        assert main(["import", kind, str(EXAMPLES / f"{kind}.csv"), *db]) == 0, kind
    referrals = ["import", "referrals", str(EXAMPLES / "referrals.csv"), "--accept", *db]
    assert main(referrals) == 0
    capsys.readouterr()
    # Two weeks on, the fortnightly programs are due; any weekday has crews from the pattern.
    day = _weekday_after(date.today(), 14, weekday)
    out_dir = tmp_path / "out"
    args = ["plan", "--date", day.isoformat(), "--time-limit", "2", "--out", str(out_dir), *db]
    assert main(args) == 0
    out = capsys.readouterr().out
    found = re.search(r"(\d+) visits? for (\d+) crews?", out)
    assert found is not None, out
    visits, crews = int(found.group(1)), int(found.group(2))
    assert visits > 0
    assert crews == (3 if weekday == 1 else 2)
    assert "Ana Reyes + Dee Jackson" in out if weekday == 1 else "Chris Dunn" in out
    assert (out_dir / f"{day.isoformat()}-plan.json").exists()


def test_readme_start_section_shows_these_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Start your own program", 1)[1].split("\n## ", 1)[0]
    for command in (
        "rounds init --db",
        "rounds import staff examples/staff.csv",
        "rounds import shifts examples/shifts.csv",
        "rounds import clients examples/clients.csv",
        "rounds import referrals examples/referrals.csv --accept",
        "rounds plan --date",
    ):
        assert command in section, command
