"""`rounds geocode` as a user runs it: one address or a file, text or JSON, errors as exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from tests.data import DURHAM_ADDRESS_POINTS


@pytest.fixture
def durham_url(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", "addresses", str(DURHAM_ADDRESS_POINTS), "--db", db_url]) == 0
    capsys.readouterr()
    return db_url


def test_one_address_prints_quality_point_and_match(
    durham_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["geocode", "4621 Hillsbroough Rd, Durham", "--db", durham_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("street ")
    assert "36.032952, -78.978167" in out
    assert "4621 Hillsborough Rd, Durham 27705 (score 92)" in out


def test_a_file_gives_json_in_input_order(
    durham_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text(
        "3808 GUESS RD, Durham NC 27705\n\n3804 Guess Road 27705\n"
        "1 Nowhere Lane, Durham NC 27705\n1 Nowhere Lane\n",
        encoding="utf-8",
    )
    assert main(["geocode", "--file", str(queries), "--db", durham_url, "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert [(a["query"], a["quality"]) for a in answers] == [
        ("3808 GUESS RD, Durham NC 27705", "exact"),
        ("3804 Guess Road 27705", "interpolated"),
        ("1 Nowhere Lane, Durham NC 27705", "zip"),
        ("1 Nowhere Lane", "none"),
    ]
    assert (answers[0]["lat"], answers[0]["lon"]) == (36.057967, -78.929029)
    assert answers[0]["matched"] == "3808 Guess Road, Durham 27705"
    assert (answers[3]["lat"], answers[3]["lon"], answers[3]["matched"]) == (None, None, "")


def test_missing_file_is_the_users_to_fix(
    durham_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["geocode", "--file", str(tmp_path / "nope.txt"), "--db", durham_url]) == 2
    assert "nope.txt: no such file" in capsys.readouterr().err
