"""The map's network guard: blocks every request from the map page unless it goes to the
configured tile host (client data must not leave the machine by default)."""

from __future__ import annotations

import logging
import re
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

log = logging.getLogger(__name__)

#: Schemes that reach the network; everything else (file, qrc, data, blob, about) is local.
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})


def tile_host_pattern(tile_url: str) -> re.Pattern[str]:
    """A regex for the host(s) of a tile URL template; ``{s}``-style placeholders match one
    DNS label (``https://{s}.tile.example.org/{z}/{x}/{y}.png`` allows a/b/c.tile.example.org)."""
    rest = tile_url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1].lower()
    host = re.sub(r":\d+$", "", host)
    if not host:
        raise ValueError(f"the tile URL {tile_url!r} has no host")
    pieces = re.split(r"\{[^}]*\}", host)
    return re.compile("[a-z0-9-]+".join(re.escape(p) for p in pieces))


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks and records every network request (PHI never leaves the machine by default).

    With `allowed_hosts` (from `tile_host_pattern`), http(s) requests to a matching host pass;
    they are still recorded in `network_requests`. Chromium may call `interceptRequest` off the
    UI thread, so the records are guarded by a lock and `request_blocked` is a queued signal.
    """

    request_blocked = Signal(str)

    def __init__(
        self, parent: QObject | None = None, *, allowed_hosts: re.Pattern[str] | None = None
    ) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._allowed_hosts = allowed_hosts
        self._network: list[str] = []
        self._blocked: list[str] = []

    def set_allowed_hosts(self, pattern: re.Pattern[str] | None) -> None:
        with self._lock:
            self._allowed_hosts = pattern

    @property
    def network_requests(self) -> list[str]:
        """Every http(s)/ws(s)/ftp URL requested (blocked or allowed), oldest first."""
        with self._lock:
            return list(self._network)

    @property
    def blocked_requests(self) -> list[str]:
        with self._lock:
            return list(self._blocked)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme().lower()
        if scheme not in NETWORK_SCHEMES:
            return
        text = url.toString()
        with self._lock:
            self._network.append(text)
            allowed = (
                self._allowed_hosts is not None
                and scheme in ("http", "https")
                and self._allowed_hosts.fullmatch(url.host().lower()) is not None
            )
            if not allowed:
                self._blocked.append(text)
        if not allowed:
            info.block(True)
            log.warning("Blocked a network request from the map: %s", text)
            self.request_blocked.emit(text)
