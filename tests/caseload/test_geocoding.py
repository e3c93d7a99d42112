"""Offline geocoding: address keys, the Durham address table, ZIP centres, the cache and an
agency's own Nominatim server (a fake one on 127.0.0.1), and no network when none is set."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.enums import GeocodeQuality
from caseload.errors import InputFileError, UserError
from caseload.geocoding import (
    AddressIndex,
    AddressRow,
    NominatimClient,
    normalise_address,
    normalise_zip,
    open_geocoder,
    save_cache,
)
from caseload.importing.addresses import import_address_table
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AddressPoint, GeocodeCacheEntry
from routing.geo import LatLon
from tests.data import DURHAM_ADDRESS_POINTS as DURHAM_POINTS


def test_normalise_address_applies_standard_abbreviations() -> None:
    assert normalise_address("1058 W. Club Boulevard", "27701") == "1058 W CLUB BLVD|27701"
    assert normalise_address("1058  west club blvd", "27701-1234") == "1058 W CLUB BLVD|27701"
    assert normalise_address("3808 Guess Road", "") == "3808 GUESS RD|"
    assert normalise_address("12 North Street, Apt #4", "277011234") == "12 N ST APT 4|27701"


@pytest.mark.parametrize(("raw", "zip5"), [("27701", "27701"), ("0", ""), ("27", ""), ("", "")])
def test_normalise_zip(raw: str, zip5: str) -> None:
    assert normalise_zip(raw) == zip5


words = st.lists(
    st.sampled_from(["Main", "Street", "ST", "road", "N", "North", "12", "Ave.", "#3", ","]),
    min_size=1,
    max_size=6,
)


@given(words)
def test_normalising_is_idempotent_and_ignores_case_and_spacing(parts: list[str]) -> None:
    address = " ".join(parts)
    key = normalise_address(address, "27701")
    street = key.split("|")[0]
    assert normalise_address(street, "27701") == key
    assert normalise_address("  " + address.lower().replace(" ", "   "), "27701") == key


def test_zip_centre_is_the_median_of_its_points() -> None:
    index = AddressIndex.build(
        [
            AddressRow("1 A St", "Durham", "27701", 36.0, -78.9),
            AddressRow("2 A St", "Durham", "27701", 36.2, -78.7),
            AddressRow("3 A St", "Durham", "27701", -22.0, -49.0),  # badly placed: ignored
        ]
    )
    centre = index.zip_centres["27701"]
    assert (centre.location, centre.count) == (LatLon(36.0, -78.7), 3)  # per-coordinate median


@pytest.fixture
def durham(db: Database) -> Database:
    report = import_address_table(db, local_actor(), DURHAM_POINTS)
    assert report.rows_read == 2411
    return db


def test_durham_table_loads_and_reloading_adds_nothing(durham: Database) -> None:
    with durham.session() as session:
        count = session.scalar(select(func.count()).select_from(AddressPoint))
    assert count is not None and 1800 < count <= 2411
    again = import_address_table(durham, local_actor(), DURHAM_POINTS)
    assert (again.created, again.updated) == (0, 0)


def test_geocode_finds_table_addresses_then_zip_centres_offline(durham: Database) -> None:
    with durham.session() as session:
        geocoder = open_geocoder(session, ProgramSettings())
    assert geocoder.remote is None
    # In the file as "3808 Guess Road, 27705": found under another spelling.
    hit = geocoder.geocode("3808 GUESS RD.", "Durham", "NC", "27705")
    assert hit.quality is GeocodeQuality.EXACT
    assert hit.location == LatLon(36.057967, -78.929029)
    zip_only = geocoder.geocode("1 Nowhere Lane", "Durham", "NC", "27705")
    assert zip_only.quality is GeocodeQuality.ZIP
    assert zip_only.location is not None and 35.9 < zip_only.location.lat < 36.2
    nothing = geocoder.geocode("1 Nowhere Lane", "Durham", "NC", "99999")
    assert (nothing.quality, nothing.location) == (GeocodeQuality.NONE, None)


def test_bad_address_table_rows_are_all_reported_and_nothing_loaded(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "points.csv"
    path.write_text(
        "address,city,state,zip,lat,lon\n"
        "1 Main St,Durham,NC,27701,36.0,-78.9\n"
        ",Durham,NC,27701,36.0,-78.9\n"
        "2 Main St,Durham,NC,27701,96.0,-78.9\n"
        "3 Main St,Durham,NC,27701,36.0,east\n"
    )
    with pytest.raises(InputFileError) as err:
        import_address_table(db, local_actor(), path)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "address"),
        (4, "lat"),
        (5, "lon"),
    ]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AddressPoint)) == 0


# --- the agency's own Nominatim server ------------------------------------------------------


class _FakeNominatim(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, dict[str, list[str]], str]]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        _FakeNominatim.requests.append(
            (url.path, parse_qs(url.query), self.headers.get("User-Agent", ""))
        )
        query = parse_qs(url.query)
        found: list[dict[str, Any]] = []
        if url.path == "/nominatim/search" and query.get("street") == ["10 Real Street"]:
            found = [
                {
                    "lat": "35.9901",
                    "lon": "-78.9011",
                    "display_name": "10 Real Street, Durham",
                    "class": "place",
                    "type": "house",
                    "place_id": 1,
                }
            ]
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def nominatim() -> Iterator[str]:
    _FakeNominatim.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNominatim)
    # A short poll interval: shutdown() waits up to one (0.5 s by default) in every teardown.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/nominatim"
    server.shutdown()
    server.server_close()
    thread.join()


def test_configured_server_is_asked_once_and_its_answer_cached(
    db: Database, nominatim: str
) -> None:
    settings = ProgramSettings(geocoder_url=nominatim)
    with db.session() as session:
        geocoder = open_geocoder(session, settings, min_delay_s=0.0)
        found = geocoder.geocode("10 Real Street", "Durham", "NC", "27701")
        assert found.quality is GeocodeQuality.EXACT
        assert found.location == LatLon(35.9901, -78.9011)
        assert found.source.startswith("geocoder http://127.0.0.1")
        missing = geocoder.geocode("11 Fake Street", "Durham", "NC", "")
        assert missing.quality is GeocodeQuality.NONE
        assert save_cache(session, geocoder) == 2
    path, query, agent = _FakeNominatim.requests[0]
    assert path == "/nominatim/search"
    assert query["street"] == ["10 Real Street"]
    assert query["city"] == ["Durham"] and query["postalcode"] == ["27701"]
    assert query["format"] == ["json"]
    assert agent.startswith("mih-rounds")
    assert len(_FakeNominatim.requests) == 2

    # A new run reads the cache: the same addresses (found or not) are never asked again.
    with db.session() as session:
        geocoder = open_geocoder(session, settings, min_delay_s=0.0)
        assert geocoder.geocode("10 real st", "DURHAM", "nc", "27701").location == LatLon(
            35.9901, -78.9011
        )
        assert geocoder.geocode("11 Fake Street", "Durham", "NC", "").location is None
        assert session.scalar(select(func.count()).select_from(GeocodeCacheEntry)) == 2
    assert len(_FakeNominatim.requests) == 2
    assert geocoder.remote_requests == 0


def test_nothing_is_sent_when_no_geocoder_is_configured(
    db: Database, nominatim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    with db.session() as session:
        geocoder = open_geocoder(session, ProgramSettings(geocoder_url=""))
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = geocoder.geocode("10 Real Street", "Durham", "NC", "27701")
    assert result.quality is GeocodeQuality.NONE
    assert geocoder.remote is None
    assert _FakeNominatim.requests == []


def test_unreachable_server_is_a_warning_then_left_alone(db: Database) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = ProgramSettings(geocoder_url=f"http://127.0.0.1:{port}")
    with db.session() as session:
        geocoder = open_geocoder(session, settings, min_delay_s=0.0, timeout_s=2.0)
    for n in range(5):
        assert geocoder.geocode(f"{n} Main St", "Durham", "NC", "").location is None
    assert geocoder.remote is None
    assert len(geocoder.warnings) == 3
    assert "not asked again" in geocoder.warnings[-1]
    assert geocoder.new_cache_entries == {}


@pytest.mark.parametrize("url", ["ftp://host/x", "nominatim.local", "http://"])
def test_unusable_geocoder_url_is_a_user_error(url: str) -> None:
    with pytest.raises(UserError, match="geocoder URL"):
        NominatimClient(url)


def test_index_is_reused_until_the_address_table_changes(durham: Database, tmp_path: Path) -> None:
    with durham.session() as session:
        first = open_geocoder(session, ProgramSettings()).index
        assert open_geocoder(session, ProgramSettings()).index is first
    moved = tmp_path / "moved.csv"
    moved.write_text(
        "address,city,state,zip,lat,lon\n2526 Erwin Road,Durham,NC,27705,36.01,-78.94\n"
    )
    import_address_table(durham, local_actor(), moved)
    with durham.session() as session:
        again = open_geocoder(session, ProgramSettings())
    assert again.index is not first
    assert again.geocode("2526 Erwin Rd", "", "", "27705").location == LatLon(36.01, -78.94)


def test_the_server_gets_the_street_without_unit_and_the_city_and_zip_from_the_line(
    db: Database, nominatim: str
) -> None:
    with db.session() as session:
        geocoder = open_geocoder(session, ProgramSettings(geocoder_url=nominatim), min_delay_s=0)
    found = geocoder.geocode("10 Real Street Apt 4, Durham NC 27701")
    assert found.quality is GeocodeQuality.EXACT
    _path, query, _agent = _FakeNominatim.requests[0]
    assert query["street"] == ["10 Real Street"]
    assert (query["city"], query["postalcode"]) == (["Durham"], ["27701"])
