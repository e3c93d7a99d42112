"""OsrmProvider against a real osrm-routed (see conftest.py), plus error cases that need none."""

from __future__ import annotations

import http.server
import json
import random
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from routing.geo import LatLon
from routing.matrix import GeodesicProvider, TravelTimeCancelled, TravelTimeError
from routing.osrm import OsrmProvider

if TYPE_CHECKING:
    from tests.routing.conftest import OsrmServer


class RequestCounter:
    """Counts the HTTP requests the provider makes (wraps urllib.request.urlopen)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[str] = []
        real = urllib.request.urlopen

        def counting(request: Any, *args: Any, **kwargs: Any) -> Any:
            url = request.full_url if isinstance(request, urllib.request.Request) else request
            self.urls.append(str(url))
            return real(request, *args, **kwargs)

        monkeypatch.setattr(urllib.request, "urlopen", counting)

    @property
    def count(self) -> int:
        return len(self.urls)


@pytest.fixture
def http_requests(monkeypatch: pytest.MonkeyPatch) -> RequestCounter:
    return RequestCounter(monkeypatch)


def _route_duration_s(url: str, a: LatLon, b: LatLon) -> float:
    with urllib.request.urlopen(
        f"{url}/route/v1/car/{a.lon},{a.lat};{b.lon},{b.lat}?overview=false", timeout=5
    ) as response:
        body = json.loads(response.read())
    assert body["code"] == "Ok"
    return float(body["routes"][0]["duration"])


def _mixed_points(server: OsrmServer, k: int, seed: int) -> list[LatLon]:
    """Grid nodes and points between them (which OSRM snaps onto the nearest street)."""
    rng = random.Random(seed)
    nodes = rng.sample(server.grid, k // 2)
    between = [
        LatLon(
            round(35.990 + rng.uniform(0, 0.014), 6),
            round(-78.910 + rng.uniform(0, 0.014), 6),
        )
        for _ in range(k - len(nodes))
    ]
    return nodes + between


@pytest.mark.osrm
def test_durations_match_the_route_service(osrm_server: OsrmServer) -> None:
    """Each cell is the driving time /route gives for that pair (no overhead by default)."""
    node = osrm_server.node
    points = [node(0, 0), node(7, 7), node(3, 5), node(6, 1), node(0, 4)]
    matrix = OsrmProvider(osrm_server.url).durations(points)
    assert matrix.dtype == np.int64
    assert matrix.shape == (5, 5)
    assert (np.diag(matrix) == 0).all()
    for i, j in [(0, 1), (1, 0), (0, 2), (3, 4), (2, 3), (4, 0)]:
        expected = _route_duration_s(osrm_server.url, points[i], points[j])
        assert abs(matrix[i, j] - expected) <= 1, (i, j, matrix[i, j], expected)
    # Sanity: corner to corner on ~200 m residential blocks is minutes, not seconds or hours.
    assert 120 < matrix[0, 1] < 1800


@pytest.mark.osrm
def test_chunked_requests_give_the_same_matrix_as_one(
    osrm_server: OsrmServer, http_requests: RequestCounter
) -> None:
    points = _mixed_points(osrm_server, 20, seed=3)
    whole = OsrmProvider(osrm_server.url, chunk_size=100).durations(points)
    assert http_requests.count == 1
    chunked = OsrmProvider(osrm_server.url, chunk_size=3).durations(points)
    assert http_requests.count == 1 + 7 * 7  # ceil(20 / 3) ** 2 source x destination blocks
    assert any("sources=" in u and "destinations=" in u for u in http_requests.urls[1:])
    np.testing.assert_array_equal(chunked, whole)
    assert (whole[~np.eye(20, dtype=bool)] > 0).all()


@pytest.mark.osrm
def test_unroutable_cells_take_the_fallback_value(osrm_server: OsrmServer) -> None:
    """Points on the disconnected road: OSRM answers null to and from the grid; those cells
    (and only those) come from the fallback provider."""
    a, b = osrm_server.island
    grid = [osrm_server.node(0, 0), osrm_server.node(5, 5)]
    points = [*grid, a, b]
    fallback = GeodesicProvider(circuity=1.5, speed_kmh=20.0, leg_overhead_s=7)
    matrix = OsrmProvider(osrm_server.url, fallback=fallback).durations(points)
    expected_fallback = fallback.durations(points)
    for i in (0, 1):
        for j in (2, 3):
            assert matrix[i, j] == expected_fallback[i, j]
            assert matrix[j, i] == expected_fallback[j, i]
    # Routable pairs are OSRM's, not the fallback's.
    assert matrix[0, 1] == round(_route_duration_s(osrm_server.url, grid[0], grid[1]))
    assert matrix[2, 3] == round(_route_duration_s(osrm_server.url, a, b))
    assert matrix[2, 3] != expected_fallback[2, 3]


@pytest.mark.osrm
def test_cache_hit_makes_no_request(
    osrm_server: OsrmServer, http_requests: RequestCounter, tmp_path: Path
) -> None:
    points = _mixed_points(osrm_server, 12, seed=5)
    provider = OsrmProvider(osrm_server.url, chunk_size=5, cache_dir=tmp_path)
    first = provider.durations(points)
    assert http_requests.count == 9

    # Same points again, and the same set in another order with a repeat: memory cache.
    assert (provider.durations(points) == first).all()
    order = [7, 2, 11, 0, 2, 5, 1, 3, 4, 6, 8, 9, 10]  # all twelve, reordered, one twice
    shuffled = provider.durations([points[i] for i in order])
    np.testing.assert_array_equal(shuffled, first[np.ix_(order, order)])
    assert http_requests.count == 9

    # A new provider (a new run of the app) with the same cache folder: disk cache.
    again = OsrmProvider(osrm_server.url, chunk_size=5, cache_dir=tmp_path).durations(points)
    np.testing.assert_array_equal(again, first)
    assert http_requests.count == 9
    assert len(list(tmp_path.glob("osrm-table-*.npy"))) == 1

    # A different coordinate set (even a subset) is a miss.
    provider.durations(points[:-1])
    assert http_requests.count == 9 + 8  # 3 x 3 blocks of 5, 5, 1 points; a point to itself is 0


@pytest.mark.osrm
def test_a_single_distinct_location_needs_no_request(
    osrm_server: OsrmServer, http_requests: RequestCounter
) -> None:
    p = osrm_server.node(2, 2)
    np.testing.assert_array_equal(OsrmProvider(osrm_server.url).durations([p, p]), [[0, 0], [0, 0]])
    assert http_requests.count == 0


@pytest.mark.osrm
def test_leg_overhead_is_added_off_the_diagonal(osrm_server: OsrmServer) -> None:
    points = _mixed_points(osrm_server, 6, seed=8)
    plain = OsrmProvider(osrm_server.url).durations(points)
    with_overhead = OsrmProvider(osrm_server.url, leg_overhead_s=90).durations(points)
    off = ~np.eye(6, dtype=bool)
    assert ((with_overhead - plain)[off] == 90).all()
    assert (np.diag(with_overhead) == 0).all()


@pytest.mark.osrm
def test_progress_is_reported_and_cancel_stops_before_any_request(
    osrm_server: OsrmServer, http_requests: RequestCounter
) -> None:
    points = _mixed_points(osrm_server, 10, seed=9)
    seen: list[tuple[int, int]] = []
    OsrmProvider(osrm_server.url, chunk_size=4).durations(
        points, progress=lambda done, total, _msg: seen.append((done, total))
    )
    assert seen == [(k, 9) for k in range(1, 10)]

    cancel = threading.Event()
    cancel.set()
    before = http_requests.count
    with pytest.raises(TravelTimeCancelled):
        OsrmProvider(osrm_server.url).durations(points, cancel=cancel)
    assert http_requests.count == before


@pytest.mark.osrm
def test_wrong_path_on_a_real_server_is_a_clear_error(osrm_server: OsrmServer) -> None:
    provider = OsrmProvider(f"{osrm_server.url}/not-osrm")
    with pytest.raises(TravelTimeError) as info:
        provider.durations([osrm_server.node(0, 0), osrm_server.node(1, 1)])
    message = str(info.value)
    assert f"{osrm_server.url}/not-osrm" in message
    assert "HTTP 400" in message
    assert "osrm-routed is running" in message


# --- errors that need no OSRM server ---------------------------------------------------------


def test_nothing_listening_is_a_clear_error() -> None:
    with socket_on_free_port() as port:
        url = f"http://127.0.0.1:{port}"  # bound but not listening: connection refused
        with pytest.raises(TravelTimeError) as info:
            OsrmProvider(url, timeout_s=2).durations([LatLon(36.0, -78.9), LatLon(36.01, -78.9)])
    message = str(info.value)
    assert url in message
    assert "cannot reach" in message
    assert "osrm-routed is running" in message


@pytest.mark.parametrize("url", ["", "localhost:5000", "ftp://example.org", "http://"])
def test_not_an_http_url_is_rejected_up_front(url: str) -> None:
    with pytest.raises(TravelTimeError, match="not an http"):
        OsrmProvider(url)


def test_a_server_that_is_not_osrm_is_a_clear_error() -> None:
    with serving(lambda: (200, b"<html>hello</html>")) as url:
        provider = OsrmProvider(url)
        with pytest.raises(TravelTimeError, match="is it an OSRM server"):
            provider.durations([LatLon(36.0, -78.9), LatLon(36.01, -78.9)])
    with serving(lambda: (200, b'{"code": "Ok", "durations": [[0]]}')) as url:
        provider = OsrmProvider(url)
        with pytest.raises(TravelTimeError, match="shape"):
            provider.durations([LatLon(36.0, -78.9), LatLon(36.01, -78.9)])


def test_an_unwritable_cache_folder_does_not_lose_the_matrix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    answer = b'{"code": "Ok", "durations": [[0, 61.4], [null, 0]]}'
    with serving(lambda: (200, answer)) as url:
        provider = OsrmProvider(url, cache_dir=not_a_folder, fallback=GeodesicProvider())
        a, b = LatLon(36.0, -78.9), LatLon(36.01, -78.9)
        with caplog.at_level("WARNING", logger="routing.osrm"):
            matrix = provider.durations([a, b])
    assert matrix[0, 1] == 61
    assert matrix[1, 0] == GeodesicProvider().durations([b, a])[0, 1]
    assert "cannot write the travel-time cache" in caplog.text


def test_empty_and_single_location_need_no_server() -> None:
    provider = OsrmProvider("http://127.0.0.1:9")  # discard port: never contacted
    assert provider.durations([]).shape == (0, 0)


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def socket_on_free_port() -> Iterator[int]:
    """A port bound on 127.0.0.1 but not listening: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


@contextmanager
def serving(answer: Callable[[], tuple[int, bytes]]) -> Iterator[str]:
    """A throwaway HTTP server on 127.0.0.1 answering every GET with ``answer()``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = answer()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
