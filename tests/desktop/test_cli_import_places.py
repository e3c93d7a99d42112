"""`rounds import places FILE`: shared places loaded all or nothing, updated by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.store.database import open_database
from caseload.store.models import ClientPlace, SharedPlace
from desktop.cli import main

HEADER = "name,kind,lat,lon,description,opening_hours\n"
GOOD = (
    HEADER + "Urban Ministries,shelter,35.9960,-78.9020,front desk,daily 18:00-08:00\n"
    "Main Library,library,35.9930,-78.8990,reading room,Mon-Sat 09:00-18:00\n"
    "Durham Station,bus station,35.9890,-78.9030,benches by bay 4,\n"
)


def _places(db_url: str) -> dict[str, tuple[str, float, str]]:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return {
                p.name: (p.kind, p.lat, p.opening_hours)
                for p in session.scalars(select(SharedPlace))
            }
    finally:
        db.dispose()


def test_bad_rows_import_nothing_and_name_row_column_and_expected(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "places.csv"
    bad.write_text(
        HEADER + "Urban Ministries,shelter,35.9960,-78.9020,front desk,Mo-Fr 7-19\n"
        "Camp,tent city,35.99,-78.9,,\n"
        "Main Library,library,95,-78.8990,,\n"
        "Durham Station,bus station,35.9890,-78.9030,,\n"
        "durham station,bus_station,35.9890,-78.9030,,\n"
    )
    assert main(["import", "places", str(bad), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'opening_hours'" in err and "Mon-Fri 07:00-19:00" in err
    assert "row 3, column 'kind'" in err and "bus_station" in err
    assert "row 4, column 'lat'" in err
    assert "row 6, column 'name'" in err and "not already on row 5" in err
    assert _places(db_url) == {}


def test_places_are_created_then_updated_by_name(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "places.csv"
    good.write_text(GOOD)
    assert main(["import", "places", str(good), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "3 rows read" in out and "3 shared places created" in out
    assert _places(db_url)["Durham Station"] == ("bus_station", 35.9890, "")
    good.write_text(
        HEADER + "Main Library,library,35.9931,-78.8990,reading room,Mon-Sun 09:00-18:00\n"
    )
    assert main(["import", "places", str(good), "--db", db_url]) == 0
    places = _places(db_url)
    assert len(places) == 3
    assert places["Main Library"] == ("library", 35.9931, "Mon-Sun 09:00-18:00")


CLIENTS = (
    "external_id,first_name,last_name,date_of_birth,lat,lon,housing_status\n"
    "U1,Ana,Lopez,1970-05-01,35.99,-78.90,unsheltered\n"
)


def test_usual_places_link_clients_with_times_and_refuse_unknown_names(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    places, clients, usual = (tmp_path / n for n in ("p.csv", "c.csv", "u.csv"))
    places.write_text(GOOD)
    clients.write_text(CLIENTS)
    assert main(["import", "places", str(places), "--db", db_url]) == 0
    assert main(["import", "clients", str(clients), "--db", db_url]) == 0
    usual.write_text(
        "external_id,place,times_of_day,primary\n"
        "U9,Urban Ministries,morning,\n"
        "U1,Town Hall,,\n"
        "U1,Main Library,lunchtime,\n"
    )
    assert main(["import", "usual-places", str(usual), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'external_id'" in err
    assert "row 3, column 'place'" in err and "import places first" in err
    assert "row 4, column 'times_of_day'" in err and "morning, afternoon" in err
    usual.write_text(
        "external_id,place,times_of_day,primary\n"
        'U1,urban ministries,"morning, evening",yes\n'
        "U1,Main Library,afternoon,\n"
    )
    assert main(["import", "usual-places", str(usual), "--db", db_url]) == 0
    assert main(["import", "usual-places", str(usual), "--db", db_url]) == 0  # again: updates
    db = open_database(db_url)
    try:
        with db.session() as session:
            linked = {
                p.label: (p.times_of_day, p.is_primary, p.lat, p.description)
                for p in session.scalars(select(ClientPlace))
                if p.shared_place_id is not None
            }
            total = len(list(session.scalars(select(ClientPlace))))
    finally:
        db.dispose()
    assert linked == {
        "Urban Ministries": ("morning, evening", True, 35.9960, "front desk"),
        "Main Library": ("afternoon", False, 35.9930, "reading room"),
    }
    assert total == 3  # the import's own usual place stays, no longer primary
