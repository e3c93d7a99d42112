"""The settings dialog's OSRM Test button: an unreachable server is explained, a (fake) server's
answer is shown for a drive from the program's map centre, and a missing centre or a bad address
is refused without asking the network."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.settings_dialog import SERVICES_TAB, SettingsDialog
from tests.desktop.artifacts import save_screenshot
from tests.desktop.settings_helpers import (
    WAIT_MS,
    open_loaded_dialog,
    record_errors,
    wait_until_idle,
)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error the dialog would show, instead of a modal message box."""
    return record_errors(monkeypatch)


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext) -> Iterator[SettingsDialog]:
    widget = open_loaded_dialog(qtbot, context)
    yield widget
    wait_until_idle(qtbot, widget)


def test_osrm_test_against_an_unreachable_server_shows_why(
    qtbot: QtBot, dialog: SettingsDialog, errors: list[BaseException]
) -> None:
    dialog.tabs.setCurrentIndex(SERVICES_TAB)
    dialog.services_tab.area.centre_edit.setText("35.994, -78.899")
    dialog.osrm_edit.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(dialog.osrm_tested, timeout=WAIT_MS) as blocker:
        dialog.test_button.click()
        assert not dialog.test_button.isEnabled(), "the request runs in the background"
    message = str(blocker.args[0]) if blocker.args else ""
    assert "cannot reach the OSRM server at http://127.0.0.1:9" in message
    assert dialog.osrm_status.text() == message and dialog.osrm_status.isVisible()
    assert dialog.test_button.isEnabled() and errors == []
    status = dialog.osrm_status
    # The layout settles over a few event-loop turns (a busy machine needs more of them); a
    # label that is really cut off never gets its full height.
    qtbot.waitUntil(lambda: status.height() >= status.heightForWidth(status.width()), timeout=5000)
    save_screenshot(dialog, "settings-services-osrm-error")


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers every /table request with `durations` (a class attribute set by the test)."""

    durations: ClassVar[list[list[float | None]]] = [[0, 600], [600, 0]]
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        body = json.dumps({"code": "Ok", "durations": self.durations}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return


@pytest.fixture
def fake_osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    # A short poll interval: shutdown() waits up to one (0.5 s by default) in every teardown.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("durations", "expected"),
    [
        ([[0, 600], [600, 0]], "The server works: from the map centre to a point 2.7 km away"),
        ([[0, None], [None, 0]], "found no road near the map centre"),
    ],
)
def test_osrm_test_against_a_server_shows_its_answer(
    qtbot: QtBot,
    dialog: SettingsDialog,
    fake_osrm: str,
    monkeypatch: pytest.MonkeyPatch,
    durations: list[list[float | None]],
    expected: str,
) -> None:
    monkeypatch.setattr(FakeOsrm, "durations", durations)
    monkeypatch.setattr(FakeOsrm, "paths", [])
    dialog.services_tab.area.centre_edit.setText("47.6062, -122.3321")  # not Durham: Seattle
    dialog.osrm_edit.setText(fake_osrm)
    with qtbot.waitSignal(dialog.osrm_tested, timeout=WAIT_MS):
        dialog.test_button.click()
    assert expected in dialog.osrm_status.text()
    # The drive asked for starts at the program's map centre (OSRM takes lon,lat).
    assert FakeOsrm.paths and "-122.332100,47.606200;-122.312100,47.626200" in FakeOsrm.paths[0]
    if durations[0][1] is not None:
        assert "is 10 min by road" in dialog.osrm_status.text()


def test_osrm_test_without_a_map_centre_asks_for_one_first(dialog: SettingsDialog) -> None:
    dialog.osrm_edit.setText("http://127.0.0.1:9")
    assert dialog.services_tab.area.centre_edit.text() == ""
    dialog.test_button.click()
    assert "Enter the map centre first" in dialog.osrm_status.text()
    assert not dialog.is_busy()


def test_osrm_test_refuses_a_bad_address_without_asking(dialog: SettingsDialog) -> None:
    dialog.osrm_edit.setText("localhost:5000")
    dialog.test_button.click()
    assert "is not a web address" in dialog.osrm_status.text()
    assert dialog.test_button.isEnabled() and not dialog.is_busy()
