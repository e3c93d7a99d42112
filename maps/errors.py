"""Errors raised by `maps`. One root; each message says what is wrong and how to fix it."""

from __future__ import annotations


class MapError(Exception):
    """Root of every error raised by `maps`."""


class MapAssetsMissingError(MapError):
    """The offline Leaflet/jQuery files are not installed (the environment's fault, not ours)."""


class OutlineError(MapError):
    """An outline file cannot be read or holds no polygon."""
